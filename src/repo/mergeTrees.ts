import type { FileMode, Sha256 } from '../model/types.ts'
import type { Snapshot } from './history.ts'
import { foldPath } from '../model/paths.ts'
import type { ConflictPlace, FileMerger } from '../model/fileMerge.ts'

export type ConflictKind = 'content' | 'binary' | 'delete/modify' | 'rename/rename' | 'add/add'

/** One side's version of a file in a merge; null where that side has no such file. */
export type MergeSide = { path: string; blob: Sha256 } | null

export interface TreeConflict {
  kind: ConflictKind
  /** Entry id in the result (ours where both exist). */
  id: string
  path: string
  message: string
  /** The three versions, so a merge view can show them. */
  sides: { base: MergeSide; ours: MergeSide; theirs: MergeSide }
  /** For content conflicts: the merged text with conflict markers. */
  merged?: string
  /** For content conflicts, when the merge could name them: where each conflict region is. */
  places?: ConflictPlace[]
}

/** A merged file: unchanged content by hash, or new content (merged text, possibly with markers). */
export type MergedFile =
  | { path: string; blob: Sha256; size: number; binary: boolean; mode?: FileMode; text?: undefined }
  | { path: string; text: string; binary: false; mode?: FileMode; blob?: undefined }

export interface TreeMerge {
  files: Record<string, MergedFile>
  conflicts: TreeConflict[]
}

export interface TreeMergeInput {
  base: Snapshot
  ours: Snapshot
  theirs: Snapshot
  /** Reads a blob as text, or null when it is binary. */
  readText: (blob: Sha256) => Promise<string | null>
  mergeFile: FileMerger
  /** Stops the merge between files. */
  signal?: AbortSignal
}

const side = (file: Snapshot[string] | undefined): MergeSide =>
  file ? { path: file.path, blob: file.blob } : null

/** Picks the side that changed a property, or reports that both changed it differently. */
function pick<T>(base: T, ours: T, theirs: T): { value: T; conflict: boolean } {
  if (ours === theirs || theirs === base) return { value: ours, conflict: false }
  if (ours === base) return { value: theirs, conflict: false }
  return { value: ours, conflict: true }
}

/**
 * Three-way merge of two trees over their merge base, file by file by entry id. A file changed on
 * one side only is taken; changed on both, its texts go through `mergeFile` (binary files are never
 * merged as text); deletions, renames and additions at the same path are decided explicitly, and
 * everything that cannot be decided is reported as a conflict.
 */
export async function mergeTrees({
  base,
  ours,
  theirs,
  readText,
  mergeFile,
  signal,
}: TreeMergeInput): Promise<TreeMerge> {
  const files: Record<string, MergedFile> = {}
  const conflicts: TreeConflict[] = []
  const ids = new Set([...Object.keys(base), ...Object.keys(ours), ...Object.keys(theirs)])

  for (const id of ids) {
    const [b, o, t] = [base[id], ours[id], theirs[id]]
    const sides = { base: side(b), ours: side(o), theirs: side(t) }
    if (!b) {
      // Added on one or both sides (same id on both only if the same commit was merged before).
      const added = o ?? t
      if (o && t && (o.blob !== t.blob || o.path !== t.path)) {
        conflicts.push({
          kind: 'add/add',
          id,
          path: o.path,
          message: `"${o.path}" was added on both sides with different content.`,
          sides,
        })
      }
      files[id] = { ...added }
      continue
    }
    if (!o || !t) {
      const kept = o ?? t
      if (!kept) continue // deleted on both sides
      if (kept.blob === b.blob && kept.path === b.path) continue // deleted on one side, untouched on the other
      conflicts.push({
        kind: 'delete/modify',
        id,
        path: kept.path,
        message: `"${kept.path}" was deleted on one side and changed on the other; the changed file is kept.`,
        sides,
      })
      files[id] = { ...kept }
      continue
    }
    const path = pick(b.path, o.path, t.path)
    if (path.conflict)
      conflicts.push({
        kind: 'rename/rename',
        id,
        path: o.path,
        message: `"${b.path}" was renamed to "${o.path}" on one side and "${t.path}" on the other; "${o.path}" is kept.`,
        sides,
      })
    // The mode (executable, symlink) one side changed is kept, as the path is.
    const mode = pick(b.mode, o.mode, t.mode).value
    const withMode = <F extends MergedFile>(file: F): F => (mode ? { ...file, mode } : file)
    const blob = pick(b.blob, o.blob, t.blob)
    if (!blob.conflict) {
      const side = blob.value === o.blob ? o : t
      files[id] = withMode({ path: path.value, blob: side.blob, size: side.size, binary: side.binary })
      continue
    }
    const [bt, ot, tt] = await Promise.all([readText(b.blob), readText(o.blob), readText(t.blob)])
    if (bt === null || ot === null || tt === null) {
      conflicts.push({
        kind: 'binary',
        id,
        path: path.value,
        message: `"${path.value}" is binary and changed on both sides; ours is kept.`,
        sides,
      })
      files[id] = withMode({ path: path.value, blob: o.blob, size: o.size, binary: o.binary })
      continue
    }
    signal?.throwIfAborted()
    const merged = await mergeFile(bt, ot, tt, path.value)
    if (!merged.clean)
      conflicts.push({
        kind: 'content',
        id,
        path: path.value,
        message: `"${path.value}" has conflicting changes.`,
        sides,
        merged: merged.text,
        places: merged.conflicts,
      })
    files[id] = withMode({ path: path.value, text: merged.text, binary: false })
  }

  // Different files that ended at one path (added on both sides, or moved onto each other), in any
  // case: `A.txt` and `a.txt` are one file on macOS and Windows.
  const byPath = new Map<string, string[]>()
  for (const [id, file] of Object.entries(files))
    byPath.set(foldPath(file.path), [...(byPath.get(foldPath(file.path)) ?? []), id])
  for (const sharing of byPath.values()) {
    if (sharing.length < 2) continue
    const [keep, ...others] = sharing.sort((x, y) => (x in ours ? -1 : y in ours ? 1 : 0))
    const path = files[keep].path
    for (const other of others) {
      const same = files[other].blob !== undefined && files[other].blob === files[keep].blob
      if (same) {
        delete files[other]
        continue
      }
      files[other] = { ...files[other], path: `${path}.theirs` }
      conflicts.push({
        kind: 'add/add',
        id: keep,
        path,
        message: `"${path}" exists on both sides with different content; theirs is kept as "${path}.theirs".`,
        sides: {
          base: null,
          ours: side(ours[keep] ?? theirs[keep]),
          theirs: side(theirs[other] ?? ours[other]),
        },
      })
    }
  }
  return { files, conflicts: conflicts.sort((x, y) => (x.path < y.path ? -1 : 1)) }
}
