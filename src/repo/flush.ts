import type { DocumentId, Repo } from '@automerge/automerge-repo/slim'

/**
 * Writes the loaded documents (or the given ones) to storage. automerge-repo's `flush()` reads every
 * cached handle, and throws on one still loading or being requested from a peer; skip those, since
 * they hold nothing unsaved.
 */
export async function flushReady(repo: Repo, only?: DocumentId[]): Promise<void> {
  const ids = (only ?? (Object.keys(repo.handles) as DocumentId[])).filter((id) =>
    repo.handles[id]?.isReady(),
  )
  await repo.flush(ids)
}

/** `Repo.shutdown()` without its flush of unready handles (which throws): disconnect, then flush what is loaded. */
export async function shutdownRepo(repo: Repo): Promise<void> {
  for (const adapter of repo.networkSubsystem.adapters) adapter.disconnect()
  await flushReady(repo)
}

/**
 * Saves of single documents, coalesced: `saved(id)` resolves once the document as it is at the call
 * is in storage. A call made while a save of that document runs waits for it and then for one more
 * save, shared by every call made meanwhile, so a burst of callers costs at most two writes.
 */
export class DocumentSaves {
  readonly #repo: Repo
  readonly #running = new Map<DocumentId, Promise<void>>()
  readonly #queued = new Map<DocumentId, Promise<void>>()

  constructor(repo: Repo) {
    this.#repo = repo
  }

  saved(id: DocumentId): Promise<void> {
    const queued = this.#queued.get(id)
    if (queued) return queued
    const running = this.#running.get(id)
    if (!running) return this.#start(id)
    const next = running.then(
      () => this.#start(id),
      () => this.#start(id),
    )
    this.#queued.set(id, next)
    return next
  }

  #start(id: DocumentId): Promise<void> {
    this.#queued.delete(id)
    const save = flushReady(this.#repo, [id])
    this.#running.set(id, save)
    const done = () => {
      if (this.#running.get(id) === save) this.#running.delete(id)
    }
    save.then(done, done)
    return save
  }
}
