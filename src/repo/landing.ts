/**
 * Planning a landing: several branches merged onto a target in one canonical order (by branch
 * name, then head), so the merged files never depend on the order the branches were named in. The
 * plan is computed in memory — merge commits that do not exist yet are virtual commits on top of
 * the repository's — and nothing is written until `VersionControl.recordLanding` records it.
 */
import { encodeText, sha256 } from '../model/content.ts'
import type { FileMerger } from '../model/fileMerge.ts'
import type { BranchId, Commit, CommitId, RepositoryDoc, Sha256 } from '../model/types.ts'
import { scalar } from '../model/scalar.ts'
import { lowestCommonAncestors, snapshotAt, type Snapshot } from './history.ts'
import { mergeTrees, type TreeConflict } from './mergeTrees.ts'

/** A branch offered for landing, at the head it had when the landing began. */
export interface LandingCandidate {
  branch: BranchId
  name: string
  head: CommitId | null
}

/** How one candidate joined the merged result. */
export type LandingStep =
  | { kind: 'contained'; candidate: LandingCandidate }
  | { kind: 'fast-forward'; candidate: LandingCandidate }
  /** A merge commit still to be recorded: its first parent is the previous step's result. */
  | { kind: 'merge'; candidate: LandingCandidate; snapshot: Snapshot }

/** A candidate that cannot be merged onto the others: its conflicts (path, and where in the file). */
export interface LandingConflict {
  candidate: LandingCandidate
  conflicts: TreeConflict[]
}

export interface LandingPlan {
  /** The target's head the plan starts from. */
  base: CommitId | null
  steps: LandingStep[]
  conflicts: LandingConflict[]
  /** The merged files. */
  snapshot: Snapshot
  /** The result's head when it is an existing commit (nothing but fast-forwards), else null. */
  head: CommitId | null
  /** New file contents by blob hash: merged texts not yet in the blob store. */
  texts: Map<Sha256, string>
}

export interface LandingInput {
  commits: RepositoryDoc['commits']
  target: CommitId | null
  candidates: readonly LandingCandidate[]
  readText: (blob: Sha256) => Promise<string | null>
  mergeFile: FileMerger
  signal?: AbortSignal
}

/** The order every landing merges in: by branch name, then head (names are unique per repository). */
export const canonicalOrder = (candidates: readonly LandingCandidate[]): LandingCandidate[] =>
  [...candidates].sort(
    (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || ((a.head ?? '') < (b.head ?? '') ? -1 : 1),
  )

const VIRTUAL = 'landing:'

/**
 * Merges `candidates` onto `target` one by one in canonical order, each over its merge base with
 * the result so far. A candidate that conflicts is left out (and reported); the others still merge.
 */
export async function planLanding({
  commits,
  target,
  candidates,
  readText,
  mergeFile,
  signal,
}: LandingInput): Promise<LandingPlan> {
  // Virtual commits sit beside the real ones so merge bases are found through them too.
  const graph: Record<CommitId, Commit> = { ...commits }
  const texts = new Map<Sha256, string>()
  const read = async (blob: Sha256) => texts.get(blob) ?? readText(blob)
  const steps: LandingStep[] = []
  const conflicts: LandingConflict[] = []
  let head = target
  let snapshot = snapshotAt(graph, head)
  for (const candidate of canonicalOrder(candidates)) {
    signal?.throwIfAborted()
    if (!candidate.head) {
      steps.push({ kind: 'contained', candidate })
      continue
    }
    const base = head ? (lowestCommonAncestors(graph, head, candidate.head)[0] ?? null) : null
    if (base === candidate.head) {
      steps.push({ kind: 'contained', candidate })
      continue
    }
    if (!head || base === head) {
      head = candidate.head
      snapshot = snapshotAt(graph, head)
      steps.push({ kind: 'fast-forward', candidate })
      continue
    }
    const merged = await mergeTrees({
      base: snapshotAt(graph, base),
      ours: snapshot,
      theirs: snapshotAt(graph, candidate.head),
      readText: read,
      mergeFile,
      signal,
    })
    if (merged.conflicts.length > 0) {
      conflicts.push({ candidate, conflicts: merged.conflicts })
      continue
    }
    const next: Snapshot = {}
    for (const [id, file] of Object.entries(merged.files)) {
      if (file.text === undefined) {
        next[id] = { path: file.path, blob: file.blob, size: file.size, binary: file.binary }
        continue
      }
      const bytes = encodeText(file.text)
      const blob = await sha256(bytes)
      texts.set(blob, file.text)
      next[id] = { path: file.path, blob, size: bytes.length, binary: false }
    }
    const id = `${VIRTUAL}${steps.length}`
    graph[id] = {
      parents: [head, candidate.head],
      message: '',
      author: '',
      time: 0,
      depth: 0,
      tree: Object.fromEntries(
        Object.entries(next).map(([entry, f]) => [
          entry,
          { path: scalar(f.path), blob: scalar(f.blob), size: f.size, binary: f.binary },
        ]),
      ),
    }
    head = id
    snapshot = next
    steps.push({ kind: 'merge', candidate, snapshot: next })
  }
  return {
    base: target,
    steps,
    conflicts,
    snapshot,
    head: head?.startsWith(VIRTUAL) ? null : head,
    texts,
  }
}

/** A plan's merged files in one comparable form (entry id → path and content hash), for tests and logs. */
export const treeOf = (snapshot: Snapshot): Record<string, string> =>
  Object.fromEntries(
    Object.entries(snapshot)
      .map(([id, f]) => [id, `${f.path}@${f.blob}`])
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  )
