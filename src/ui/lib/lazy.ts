/**
 * A module loaded on first use: the import starts when the value is first asked for, once, and every
 * caller shares it. Heavy parts of the workbench (the editor kit, the resolver, history, the run
 * console) come in this way, so opening a repository parses only what it shows.
 */
export function lazy<T>(load: () => Promise<{ default: T }>): () => Promise<T> {
  let pending: Promise<T> | undefined
  return () => {
    pending ??= load().then((module) => module.default)
    // A failed load (say the network went away before the service worker kept it) is tried again next time.
    pending.catch(() => (pending = undefined))
    return pending
  }
}
