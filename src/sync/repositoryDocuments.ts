import { interpretAsDocumentId, isValidAutomergeUrl, type DocumentId } from '@automerge/automerge-repo/slim'
import type { RepositoryDoc } from '../model/types.ts'

/**
 * The ids of the documents a repository document links to: its blob packs, live files, run
 * history and REPL session. The document comes from peers, so every field is read as untrusted:
 * anything that is not a valid Automerge URL is ignored.
 */
export function repositoryDocumentIds(doc: unknown): Set<DocumentId> {
  const ids = new Set<DocumentId>()
  const add = (value: unknown) => {
    const url = typeof value === 'string' ? value : value == null ? '' : String(value)
    if (isValidAutomergeUrl(url)) ids.add(interpretAsDocumentId(url))
  }
  if (!doc || typeof doc !== 'object') return ids
  const repository = doc as Partial<RepositoryDoc>
  if (repository.blobs && typeof repository.blobs === 'object')
    for (const pack of Object.values(repository.blobs)) add(pack)
  if (repository.branches && typeof repository.branches === 'object')
    for (const branch of Object.values(repository.branches)) {
      const tree = branch && typeof branch === 'object' ? branch.tree : undefined
      if (tree && typeof tree === 'object')
        for (const entry of Object.values(tree))
          if (entry && typeof entry === 'object' && 'live' in entry) add(entry.live)
    }
  add(repository.runs)
  add(repository.repl)
  return ids
}
