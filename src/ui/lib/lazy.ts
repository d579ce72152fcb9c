/**
 * A module loaded on first use: the import starts when the value is first asked for, once, and every
 * caller shares it. Heavy parts of the workbench (the editor kit, the resolver, history, the run
 * console) come in this way, so opening a repository parses only what it shows.
 */
export function lazy<T>(load: () => Promise<{ default: T }>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    // What the module renders comes a task after the module's evaluation, not in the same one.
    pending ??= load().then(async (module) => {
      await nextTask()
      return module.default
    })
    // A failed load (say the network went away before the service worker kept it) is tried again next time.
    pending.catch(() => (pending = undefined))
    return pending
  }
}

/**
 * Resolves in a new main-thread task. A module's evaluation runs the microtasks awaiting it in the
 * same task; awaiting this between evaluating code and using it keeps each task short (the first
 * visit and the first repository have none over 50 ms: bench:first-open).
 */
export const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve))
