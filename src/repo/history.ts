import { quotePath, resolveTree } from '../model/paths.ts'
import { readScalar } from '../model/scalar.ts'
import type { Commit, CommitId, CommittedFile, FileMode, RepositoryDoc, Sha256 } from '../model/types.ts'

/** A commit's files: entry id → path and content hash (and mode, when not a plain file). */
export type Snapshot = Record<
  string,
  { path: string; blob: Sha256; size: number; binary: boolean; mode?: FileMode }
>

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed'

/** One file's difference between two snapshots. A rename may also change content. */
export interface FileChange {
  kind: ChangeKind
  id: string
  path: string
  /** The path before, for renames and deletions. */
  oldPath?: string
  blob?: Sha256
  oldBlob?: Sha256
  /** For a deletion and an addition paired up as a rename: the deleted entry's id. */
  oldId?: string
}

export interface LogEntry {
  id: CommitId
  parents: CommitId[]
  message: string
  author: string
  time: number
}

/** Commits between full trees: bounds the deltas replayed to rebuild a snapshot. */
export const CHECKPOINT_INTERVAL = 64

/** A committed file as read from the document: a path that is not text reads as '' (and the path rule refuses it). */
const plainFile = (file: CommittedFile): Snapshot[string] => {
  const plain: Snapshot[string] = {
    path: readScalar(file.path) ?? '',
    blob: String(file.blob),
    size: file.size,
    binary: file.binary,
  }
  if (file.mode === 'executable' || file.mode === 'symlink') plain.mode = file.mode
  return plain
}

/**
 * The files of commit `id` (null: the empty tree), rebuilt from its nearest full tree and the deltas
 * since: the one way paths leave a commit. Any peer may have written the commits, so the snapshot is
 * checked against the path rule (a bad entry throws a `bad-path` WeftError naming it), and files that
 * collide are shown at the same disambiguated paths as in a working tree (`resolveCollisions`).
 */
export function snapshotAt(commits: RepositoryDoc['commits'], id: CommitId | null): Snapshot {
  const deltas: Commit[] = []
  let cursor: CommitId | null = id
  while (cursor) {
    const commit: Commit | undefined = commits[cursor]
    if (!commit) throw new Error(`Commit ${cursor.slice(0, 8)} is missing from this repository.`)
    if (commit.tree) {
      deltas.push(commit)
      break
    }
    deltas.push(commit)
    cursor = commit.parents[0] ?? null
  }
  const snapshot: Snapshot = {}
  for (const commit of deltas.reverse()) {
    if (commit.tree)
      for (const [entryId, file] of Object.entries(commit.tree)) snapshot[entryId] = plainFile(file)
    for (const [entryId, file] of Object.entries(commit.changes ?? {})) {
      if (file) snapshot[entryId] = plainFile(file)
      else delete snapshot[entryId]
    }
  }
  const { renamed } = resolveTree(
    Object.entries(snapshot).map(([entryId, file]) => ({
      id: entryId,
      type: 'file' as const,
      path: file.path,
    })),
    `Commit ${quotePath(String(id).slice(0, 8))}`,
  )
  for (const { id: entryId, to } of renamed) snapshot[entryId] = { ...snapshot[entryId], path: to }
  return snapshot
}

/** What turns `from` into `to`, in a commit's `changes` form (null marks a deletion). */
export function snapshotDelta(from: Snapshot, to: Snapshot): Record<string, Snapshot[string] | null> {
  const delta: Record<string, Snapshot[string] | null> = {}
  for (const [id, file] of Object.entries(to)) {
    const was = from[id]
    if (
      !was ||
      was.path !== file.path ||
      was.blob !== file.blob ||
      was.size !== file.size ||
      was.binary !== file.binary ||
      was.mode !== file.mode
    )
      delta[id] = file
  }
  for (const id of Object.keys(from)) if (!to[id]) delta[id] = null
  return delta
}

/**
 * What changed from `before` to `after`. Files keep their entry id across renames, so a rename is
 * the same id at a new path; a file deleted and re-added elsewhere with identical content (a move
 * done outside Weft, or an import) is paired up as a rename too.
 */
export function diffSnapshots(before: Snapshot, after: Snapshot): FileChange[] {
  const changes: FileChange[] = []
  const added: FileChange[] = []
  const deleted: FileChange[] = []
  for (const [id, now] of Object.entries(after)) {
    const was = before[id]
    if (!was) added.push({ kind: 'added', id, path: now.path, blob: now.blob })
    else if (was.path !== now.path)
      changes.push({
        kind: 'renamed',
        id,
        path: now.path,
        oldPath: was.path,
        blob: now.blob,
        oldBlob: was.blob,
      })
    else if (was.blob !== now.blob)
      changes.push({ kind: 'modified', id, path: now.path, blob: now.blob, oldBlob: was.blob })
  }
  for (const [id, was] of Object.entries(before))
    if (!after[id])
      deleted.push({ kind: 'deleted', id, path: was.path, oldPath: was.path, oldBlob: was.blob })

  // Pair deletions with additions of the same content, each at most once.
  const byBlob = new Map<Sha256, FileChange[]>()
  for (const d of deleted) byBlob.set(d.oldBlob!, [...(byBlob.get(d.oldBlob!) ?? []), d])
  for (const a of added) {
    const candidates = byBlob.get(a.blob!)
    const match = candidates?.shift()
    if (match)
      changes.push({
        kind: 'renamed',
        id: a.id,
        path: a.path,
        oldPath: match.path,
        blob: a.blob,
        oldBlob: match.oldBlob,
        oldId: match.id,
      })
    else changes.push(a)
  }
  for (const rest of byBlob.values()) changes.push(...rest)
  return changes.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
}

/** Every ancestor of `start` (itself included), with its distance in commits. */
function ancestors(commits: RepositoryDoc['commits'], start: CommitId): Map<CommitId, number> {
  const seen = new Map<CommitId, number>([[start, 0]])
  const queue: CommitId[] = [start]
  for (let next = 0; next < queue.length; next++) {
    const id = queue[next]
    for (const parent of commits[id]?.parents ?? []) {
      if (seen.has(parent)) continue
      seen.set(parent, seen.get(id)! + 1)
      queue.push(parent)
    }
  }
  return seen
}

/**
 * The lowest common ancestors of two commits: common ancestors that are not ancestors of another
 * common ancestor. Criss-cross histories have several; they are returned nearest first (by summed
 * distance, then id, so the choice is stable on every peer).
 */
export function lowestCommonAncestors(
  commits: RepositoryDoc['commits'],
  a: CommitId,
  b: CommitId,
): CommitId[] {
  const fromA = ancestors(commits, a)
  const fromB = ancestors(commits, b)
  const common = [...fromA.keys()].filter((id) => fromB.has(id))
  const dominated = new Set<CommitId>()
  for (const id of common)
    for (const [ancestor] of ancestors(commits, id)) if (ancestor !== id) dominated.add(ancestor)
  return common
    .filter((id) => !dominated.has(id))
    .sort((x, y) => fromA.get(x)! + fromB.get(x)! - (fromA.get(y)! + fromB.get(y)!) || (x < y ? -1 : 1))
}

/** Commits reachable from `head`, newest first (by time, then id), each once. */
/** Whether `ancestor` is `descendant` or one of its ancestors. */
export function isAncestor(
  commits: RepositoryDoc['commits'],
  ancestor: CommitId,
  descendant: CommitId,
): boolean {
  const seen = new Set<CommitId>()
  const stack = [descendant]
  while (stack.length) {
    const id = stack.pop()!
    if (id === ancestor) return true
    if (seen.has(id)) continue
    seen.add(id)
    for (const parent of commits[id]?.parents ?? []) stack.push(parent)
  }
  return false
}

export function log(commits: RepositoryDoc['commits'], head: CommitId | null, limit = Infinity): LogEntry[] {
  if (!head) return []
  return [...ancestors(commits, head).keys()]
    .map((id) => ({
      id,
      parents: [...commits[id].parents],
      message: commits[id].message,
      author: commits[id].author,
      time: commits[id].time,
    }))
    .sort((x, y) => y.time - x.time || (x.id < y.id ? 1 : -1))
    .slice(0, limit)
}

/**
 * Commits reachable from any of `heads`, children always before their parents (so a graph can be
 * drawn top to bottom), newest first among those ready.
 */
export function graphLog(commits: RepositoryDoc['commits'], heads: CommitId[], limit = Infinity): LogEntry[] {
  const reachable = new Set<CommitId>()
  for (const head of heads)
    for (const id of ancestors(commits, head).keys()) if (commits[id]) reachable.add(id)
  const children = new Map<CommitId, number>()
  for (const id of reachable)
    for (const parent of commits[id].parents) children.set(parent, (children.get(parent) ?? 0) + 1)
  const newer = (x: CommitId, y: CommitId) =>
    commits[x].time > commits[y].time || (commits[x].time === commits[y].time && x > y)
  // Few commits are ready at once (about one per branch line), so a scan beats a heap here.
  const ready = [...reachable].filter((id) => !children.has(id))
  const out: LogEntry[] = []
  while (ready.length > 0 && out.length < limit) {
    let best = 0
    for (let i = 1; i < ready.length; i++) if (newer(ready[i], ready[best])) best = i
    const [id] = ready.splice(best, 1)
    const c = commits[id]
    out.push({ id, parents: [...c.parents], message: c.message, author: c.author, time: c.time })
    for (const parent of c.parents) {
      const left = children.get(parent)! - 1
      children.set(parent, left)
      if (left === 0 && reachable.has(parent)) ready.push(parent)
    }
  }
  return out
}

/** How many commits each side has that the other lacks. */
export function aheadBehind(
  commits: RepositoryDoc['commits'],
  head: CommitId | null,
  other: CommitId | null,
): { ahead: number; behind: number } {
  const mine = head ? ancestors(commits, head) : new Map()
  const theirs = other ? ancestors(commits, other) : new Map()
  return {
    ahead: [...mine.keys()].filter((id) => !theirs.has(id)).length,
    behind: [...theirs.keys()].filter((id) => !mine.has(id)).length,
  }
}
