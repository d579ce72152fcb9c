import type { DocHandle, PeerId, Repo } from '@automerge/automerge-repo/slim'

/**
 * True when `peer`'s storage has reported holding `handle` as it is now: automerge-repo records the
 * heads a peer's sync messages carry as the sync info of that peer's storage id. A relay sends those
 * only once the document is fsynced (relay/durableReplies.ts), so this is what "confirmed" means.
 */
export function storageHolds(repo: Repo, peer: PeerId | undefined, handle: DocHandle<unknown>): boolean {
  const storageId = peer ? repo.peerMetadataByPeerId[peer]?.storageId : undefined
  const theirs = storageId ? handle.getSyncInfo(storageId)?.lastHeads : undefined
  const ours = handle.heads()
  return !!theirs && theirs.length === ours.length && ours.every((h) => theirs.includes(h))
}
