import type { DocumentId, Repo } from '@automerge/automerge-repo/slim'

/**
 * Writes the loaded documents (or the given ones) to storage. automerge-repo's `flush()` reads every
 * cached handle, and throws on one still loading or being requested from a peer; skip those, since
 * they hold nothing unsaved.
 */
export async function flushReady(repo: Repo, only?: DocumentId[]): Promise<void> {
  const ids = (only ?? (Object.keys(repo.handles) as DocumentId[])).filter((id) => repo.handles[id]?.isReady())
  await repo.flush(ids)
}

/** `Repo.shutdown()` without its flush of unready handles (which throws): disconnect, then flush what is loaded. */
export async function shutdownRepo(repo: Repo): Promise<void> {
  for (const adapter of repo.networkSubsystem.adapters) adapter.disconnect()
  await flushReady(repo)
}
