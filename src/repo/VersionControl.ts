import { recordBlobs } from './BlobStore.ts'
import { scalar } from '../model/scalar.ts'
import { decodeText, encodeText } from '../model/content.ts'
import { mergeTrees, type MergedFile, type TreeConflict, type TreeMerge } from './mergeTrees.ts'
import { lineFileMerger as lineMerger } from '../merge/fileMerger.ts'
import { hasConflictMarkers } from '../merge/conflictMarkers.ts'
import { WeftError } from '../model/errors.ts'
import type { FileMerger } from '../model/fileMerge.ts'
import { checkTree, pathProblem, resolveCollisions } from '../model/paths.ts'
import {
  aheadBehind,
  CHECKPOINT_INTERVAL,
  diffSnapshots,
  isAncestor,
  log,
  lowestCommonAncestors,
  snapshotAt,
  snapshotDelta,
  type FileChange,
  type LogEntry,
  type Snapshot,
} from './history.ts'
import type {
  BranchId,
  Commit,
  CommitId,
  CommittedFile,
  EntryId,
  GitOrigin,
  LiveFileDoc,
} from '../model/types.ts'
import type { Workspace } from './Workspace.ts'
import type { LandingPlan } from './landing.ts'
import { ownership, version, type Ownership } from './authorship.ts'
import {
  branchConflicts,
  commitConflicts,
  listPaths,
  recordConflicts,
  refuseWhileConflicted,
  toRecords,
  type RecordedConflict,
} from './conflicts.ts'
import * as A from '@automerge/automerge/slim'
import type { AutomergeUrl } from '@automerge/automerge-repo/slim'

/** A snapshot's file as the repository stores it, in a commit or (with `type`) in a working tree. */
const committed = (file: Snapshot[string]): CommittedFile => ({
  path: scalar(file.path),
  blob: scalar(file.blob),
  size: file.size,
  binary: file.binary,
  ...(file.mode ? { mode: file.mode } : {}),
})
const treeFile = (file: Snapshot[string]) => ({ type: 'file' as const, ...committed(file) })

/** An uncommitted change, with whose it is to the person asking and who else says they changed it. */
export interface WorkingChange extends FileChange {
  owner: Ownership
  /** The names others gave when they changed it (written by peers: shown, never trusted). */
  others: string[]
}

/** Why `name` cannot name a branch, or null when it can. */
export function branchNameProblem(name: string): string | null {
  const trimmed = name.trim()
  const bad =
    !/^[\w./-]{1,100}$/.test(trimmed) ||
    trimmed.includes('..') ||
    trimmed.startsWith('/') ||
    trimmed.endsWith('/')
  return bad ? `"${name}" is not a branch name: use letters, digits, "-", "_", "." and "/".` : null
}

/**
 * A commit made elsewhere (a git import) as `recordCommits` takes it: its own id, parents, author,
 * time and files. `base` is its first parent's files, when the caller has them at hand.
 */
export interface RecordedCommit {
  id: CommitId
  parents: CommitId[]
  message: string
  author: string
  time: number
  snapshot: Snapshot
  base?: Snapshot
  git?: GitOrigin
}

/** Longest author name shown: names come from peers. */
const NAME_LIMIT = 40

export type MergeOutcome =
  | { kind: 'up-to-date' }
  | { kind: 'fast-forward'; commit: CommitId }
  | { kind: 'merged'; commit: CommitId }
  /** Nothing was written: these must be resolved first (`heads`: the branch heads merged). */
  | {
      kind: 'conflicts'
      conflicts: TreeConflict[]
      heads: { ours: CommitId | null; theirs: CommitId | null }
    }
  /** Recorded with its conflicts (`keepConflicts`): the branch carries them until a commit settles them. */
  | { kind: 'conflicted'; commit: CommitId; conflicts: RecordedConflict[] }

/** How one conflicted file is settled: its resolved text, or one side's version (absent = deleted). */
export type FileResolution = { text: string } | { take: 'ours' | 'theirs' }

export interface MergeOptions {
  /** The per-file merge (the line merge by default). */
  mergeFile?: FileMerger
  /** Answers to the conflicts a first attempt returned; the merge is recorded once none is left. */
  resolution?: MergeResolution
  /** Cancels the merge; nothing is written. */
  signal?: AbortSignal
  /** Records a conflicted merge as data instead of stopping (see conflicts.ts). */
  keepConflicts?: boolean
}

/** A person's answers to a merge's conflicts, for the heads they were shown. */
export interface MergeResolution {
  heads: { ours: CommitId | null; theirs: CommitId | null }
  /** By conflicted entry id. */
  files: Record<string, FileResolution>
}

/** Commits, branches and history of one repository; files change through its Workspace. */
export class VersionControl {
  readonly #ws: Workspace

  constructor(workspace: Workspace) {
    this.#ws = workspace
  }

  /**
   * The branch's files as they are now, live edits included; `store` also writes the blobs of live
   * files (of those in `storing`, when given).
   */
  async working(branchId: BranchId, store = false, storing?: ReadonlySet<EntryId>): Promise<Snapshot> {
    const snapshot: Snapshot = {}
    const live: { id: string; bytes: Uint8Array }[] = []
    // Through the workspace's checked reader: a peer's bad path stops here, before anything is hashed or written.
    for (const entry of this.#ws.entries(branchId)) {
      if (entry.type !== 'file') continue
      const { id } = entry
      snapshot[id] = { path: entry.path, blob: entry.blob, size: entry.size, binary: entry.binary }
      if (entry.mode) snapshot[id].mode = entry.mode
      if (!entry.live) continue
      if (store && (!storing || storing.has(id)))
        live.push({ id, bytes: await this.#ws.readBytes(branchId, id) })
      else {
        const { hash, size } = await this.#ws.contentHash(branchId, id)
        Object.assign(snapshot[id], { blob: hash, size })
      }
    }
    if (live.length > 0) {
      const { hashes, located } = await this.#ws.blobs.write(live.map((f) => f.bytes))
      live.forEach((f, i) => Object.assign(snapshot[f.id], { blob: hashes[i], size: f.bytes.length }))
      this.#ws.handle.change((d) => recordBlobs(d, located))
    }
    return snapshot
  }

  /**
   * What changed on the branch since its head commit, each change with whose it is (see
   * authorship.ts): yours, others', or shared. Without an author, every change is yours.
   */
  async status(branchId: BranchId): Promise<WorkingChange[]> {
    const head = this.#headSnapshot(branchId)
    const changes = diffSnapshots(head, await this.working(branchId))
    const { author, ledger } = this.#ws
    const changedBy = this.#branch(branchId).changedBy ?? {}
    const owned = async (id: EntryId): Promise<Ownership> =>
      author && ledger
        ? ownership(ledger.get(branchId, id), version(head[id]), await this.#ws.entryState(branchId, id))
        : 'yours'
    const result: WorkingChange[] = []
    for (const change of changes) {
      const ids = change.oldId ? [change.id, change.oldId] : [change.id]
      const owners = await Promise.all(ids.map(owned))
      const owner = owners.every((o) => o === owners[0]) ? owners[0] : 'shared'
      const names = new Set<string>()
      for (const id of ids)
        for (const [who, name] of Object.entries(changedBy[id] ?? {}))
          if (who !== author?.id && typeof name === 'string' && name.trim())
            names.add(name.trim().slice(0, NAME_LIMIT))
      result.push({ ...change, owner, others: [...names].sort() })
    }
    return result
  }

  /**
   * Records changes on the branch as a commit on top of its head: yours (see `status`), or exactly
   * the changes `include` names (by entry id) — the only way others' changes enter a commit.
   */
  async commit(
    branchId: BranchId,
    message: string,
    author: string,
    { include }: { include?: EntryId[] } = {},
  ): Promise<CommitId> {
    // A merge recorded with conflicts is completed by this commit, once every conflict is settled.
    const settling = branchConflicts(this.#ws.handle.doc(), branchId)
    const open = settling.filter((c) => !c.settled)
    if (open.length > 0)
      throw new WeftError(
        'exists',
        `Conflicts are not settled in ${listPaths(open)}; settle each (weft resolve PATH --ours|--theirs|--base|--both|--file F) before committing.`,
      )
    const settled = new Set(settling.map((c) => c.id))
    if (settling.length > 0 && !message.trim()) message = this.#settlingMessage(settling)
    if (!message.trim()) throw new WeftError('bad-input', 'A commit needs a message.')
    const head = this.#branch(branchId).head
    const changes = await this.status(branchId)
    if (head && changes.length === 0 && settling.length === 0)
      throw new WeftError('exists', 'Nothing to commit: the files are as in the last commit.')
    // The settled files go in whoever settled them: completing the merge takes its resolution.
    let chosen = changes.filter((c) => c.owner === 'yours' || settled.has(c.id))
    if (include) {
      const picked = new Set(include)
      chosen = changes.filter((c) => picked.has(c.id))
      const unknown = include.filter((id) => !chosen.some((c) => c.id === id))
      if (unknown.length > 0)
        throw new WeftError('exists', 'A change you picked is no longer uncommitted; look again and commit.')
    }
    if (chosen.length === 0 && (head || changes.length > 0) && settling.length === 0)
      throw new WeftError(
        'exists',
        include
          ? 'Nothing to commit: no change was picked.'
          : `Nothing of yours to commit: ${changes.length} uncommitted change${changes.length === 1 ? ' is' : 's are'} someone else's; pick them to commit them.`,
      )
    const ids = new Set(chosen.flatMap((c) => (c.oldId ? [c.id, c.oldId] : [c.id])))
    const working = await this.working(branchId, true, ids)
    // The head's files with the chosen changes applied: anything else stays uncommitted.
    const snapshot: Snapshot = { ...this.#headSnapshot(branchId) }
    for (const id of ids) {
      if (working[id]) snapshot[id] = working[id]
      else delete snapshot[id]
    }
    const id = crypto.randomUUID()
    this.#ws.handle.change((d) => {
      d.commits[id] = this.#record(head ? [head] : [], message.trim(), author, snapshot)
      const branch = d.branches[branchId]
      branch.head = id
      // The committed content is the new base of each file; live documents stay the working copy.
      for (const entryId of ids) {
        const file = snapshot[entryId]
        const entry = branch.tree[entryId]
        if (file && entry?.type === 'file' && String(entry.blob) !== file.blob) {
          entry.blob = scalar(file.blob)
          entry.size = file.size
        }
        if (branch.changedBy?.[entryId]) delete branch.changedBy[entryId]
      }
      if (settling.length > 0) delete branch.conflicts
    })
    this.#ws.ledger?.delete(branchId, ids)
    return id
  }

  /** A new branch whose files are those of `from` (a commit), or none for null. */
  createBranch(name: string, from: CommitId | null): BranchId {
    const trimmed = this.#checkName(name)
    const doc = this.#ws.handle.doc()
    if (from && !doc.commits[from])
      throw new WeftError('not-found', `There is no commit ${from.slice(0, 8)}.`)
    // Read (and path-checked) before anything is written: a commit with a bad path makes no branch.
    const snapshot = snapshotAt(doc.commits, from)
    // A branch made at a merge recorded with conflicts carries them, unsettled: its files hold ours there.
    const inherited = from ? commitConflicts(doc, from).map(({ settled: _, ...c }) => c) : []
    const id = crypto.randomUUID()
    this.#ws.handle.change((d) => {
      d.branches[id] = { name: trimmed, head: from, tree: {} }
      if (inherited.length > 0) d.branches[id].conflicts = toRecords(inherited)
    })
    this.#setTree(id, snapshot, from)
    return id
  }

  /**
   * Records commits made elsewhere (a git import), parents before children, in one change: an import
   * of thousands of commits is a few document changes, not thousands. Each commit's files are checked
   * against the path rule and its parents must be known, or nothing is written. Blobs are written
   * (and recorded) by the caller first.
   */
  recordCommits(commits: RecordedCommit[]): void {
    const existing = this.#ws.handle.doc().commits
    const depths = new Map<CommitId, number>()
    const records: [CommitId, Commit][] = []
    for (const c of commits) {
      if (existing[c.id] || depths.has(c.id))
        throw new WeftError('exists', `Commit ${c.id.slice(0, 12)} is already in this repository.`)
      const parentDepth = (id: CommitId) => depths.get(id) ?? existing[id]?.depth
      const missing = c.parents.find((p) => parentDepth(p) === undefined)
      if (missing)
        throw new WeftError(
          'not-found',
          `Commit ${c.id.slice(0, 12)} names parent ${missing.slice(0, 12)}, which is not recorded.`,
        )
      const depth = c.parents.length ? (parentDepth(c.parents[0])! + 1) % CHECKPOINT_INTERVAL : 0
      const commit: Commit = {
        parents: c.parents,
        message: c.message,
        author: c.author.trim() || 'anonymous',
        time: c.time,
        depth,
      }
      if (c.git) commit.git = { ...c.git }
      if (depth === 0) {
        checkTree(
          Object.entries(c.snapshot).map(([id, f]) => ({ id, type: 'file' as const, path: f.path })),
          `Commit ${c.id.slice(0, 12)}`,
        )
        commit.tree = Object.fromEntries(
          Object.entries(c.snapshot).map(([id, file]) => [id, committed(file)]),
        )
      } else {
        const base = c.base ?? snapshotAt(existing, c.parents[0])
        const delta = snapshotDelta(base, c.snapshot)
        for (const [id, file] of Object.entries(delta))
          if (file && file.path !== base[id]?.path) {
            const problem = pathProblem(file.path)
            if (problem) throw new WeftError('bad-path', `Commit ${c.id.slice(0, 12)}: ${problem}`)
          }
        commit.changes = Object.fromEntries(
          Object.entries(delta).map(([id, file]) => [id, file && committed(file)]),
        )
      }
      depths.set(c.id, depth)
      records.push([c.id, commit])
    }
    this.#ws.handle.change((d) => {
      for (const [id, commit] of records) d.commits[id] = commit
    })
  }

  /**
   * Moves a branch forward to `head`, a descendant of its head, its files becoming head's. Refused
   * when the branch has uncommitted changes, or when `head` does not descend from its head (that
   * would drop commits, as git refuses a non-fast-forward).
   */
  async fastForward(branchId: BranchId, head: CommitId): Promise<void> {
    const branch = this.#branch(branchId)
    const commits = this.#ws.handle.doc().commits
    if (!commits[head]) throw new WeftError('not-found', `There is no commit ${head.slice(0, 8)}.`)
    if (branch.head === head) return
    if (branch.head && !isAncestor(commits, branch.head, head))
      throw new WeftError(
        'not-allowed',
        `Branch "${branch.name}" has commits that ${head.slice(0, 8)} does not contain; it was not moved (not a fast-forward).`,
      )
    if ((await this.status(branchId)).length > 0)
      throw new WeftError('not-allowed', `Branch "${branch.name}" has uncommitted changes; it was not moved.`)
    this.#setTree(branchId, snapshotAt(commits, head), head)
  }

  renameBranch(branchId: BranchId, name: string): void {
    this.#branch(branchId)
    const trimmed = this.#checkName(name, branchId)
    this.#ws.handle.change((d) => {
      d.branches[branchId].name = trimmed
    })
  }

  /** Deletes a branch (its commits stay reachable from others that contain them). */
  deleteBranch(branchId: BranchId): void {
    this.#branch(branchId)
    if (this.#ws.handle.doc().defaultBranch === branchId)
      throw new WeftError('not-allowed', 'The default branch cannot be deleted.')
    this.#ws.handle.change((d) => {
      delete d.branches[branchId]
    })
  }

  log(branchId: BranchId, limit?: number): LogEntry[] {
    return log(this.#ws.handle.doc().commits, this.#branch(branchId).head, limit)
  }

  aheadBehind(branchId: BranchId, otherId: BranchId): { ahead: number; behind: number } {
    return aheadBehind(this.#ws.handle.doc().commits, this.#branch(branchId).head, this.#branch(otherId).head)
  }

  /** The merge base of two branches' heads: their nearest lowest common ancestor, or null. */
  mergeBase(branchId: BranchId, otherId: BranchId): CommitId | null {
    const a = this.#branch(branchId).head
    const b = this.#branch(otherId).head
    if (!a || !b) return null
    return lowestCommonAncestors(this.#ws.handle.doc().commits, a, b)[0] ?? null
  }

  /** Changes between two commits (null is the empty tree). */
  diffCommits(from: CommitId | null, to: CommitId | null): FileChange[] {
    const commits = this.#ws.handle.doc().commits
    return diffSnapshots(snapshotAt(commits, from), snapshotAt(commits, to))
  }

  /**
   * Merges `sourceId`'s head into `targetId`: fast-forward when the target has nothing of its own,
   * else a three-way merge over the merge base, recorded as a commit with two parents. With any
   * conflict nothing is written and the conflicts are returned; called again with `resolution`
   * (answers for those conflicts, at the same heads) it records the merge once none is left.
   * Never Automerge's own merge.
   */
  async merge(
    targetId: BranchId,
    sourceId: BranchId,
    author: string,
    { mergeFile = lineMerger, resolution, signal, keepConflicts = false }: MergeOptions = {},
  ): Promise<MergeOutcome> {
    const doc = this.#ws.handle.doc()
    refuseWhileConflicted(doc, targetId, 'merging into it')
    refuseWhileConflicted(doc, sourceId, 'merging it')
    await this.#refuseOwnChanges(targetId, 'merging into it')
    const target = this.#branch(targetId)
    const source = this.#branch(sourceId)
    if (!source.head) return { kind: 'up-to-date' }
    const base = this.mergeBase(targetId, sourceId)
    if (base === source.head) return { kind: 'up-to-date' }
    const commits = this.#ws.handle.doc().commits
    const theirs = snapshotAt(commits, source.head)
    if (!target.head || base === target.head) {
      await this.#moveBranch(targetId, theirs, source.head, mergeFile)
      return { kind: 'fast-forward', commit: source.head }
    }
    const result = await mergeTrees({
      base: snapshotAt(commits, base),
      ours: snapshotAt(commits, target.head),
      theirs,
      readText: async (blob) => decodeText(await this.#ws.blobs.read(blob)),
      mergeFile,
      signal,
    })
    signal?.throwIfAborted()
    const heads = { ours: target.head, theirs: source.head }
    if (resolution) {
      if (resolution.heads.ours !== heads.ours || resolution.heads.theirs !== heads.theirs)
        throw new WeftError(
          'exists',
          `"${target.name}" or "${source.name}" moved while the conflicts were being resolved; start the merge again.`,
        )
      settle(result, resolution.files, { ours: snapshotAt(commits, target.head), theirs })
    }
    if (result.conflicts.length > 0 && !keepConflicts)
      return { kind: 'conflicts', conflicts: result.conflicts, heads }
    const id = crypto.randomUUID()
    // Kept conflicts become records, and their files ours in each region (never marker text).
    const kept = recordConflicts(result, id)
    checkMergedPaths(result)

    const merged = await this.#store(result.files)
    const parents = [target.head, source.head]
    this.#ws.handle.change((d) => {
      d.commits[id] = this.#record(parents, `Merge ${source.name} into ${target.name}`, author, merged)
      if (kept.length > 0) d.commits[id].conflicts = toRecords(kept)
    })
    await this.#moveBranch(targetId, merged, id, mergeFile)
    if (kept.length === 0) return { kind: 'merged', commit: id }
    this.#ws.handle.change((d) => {
      d.branches[targetId].conflicts = toRecords(kept)
    })
    return { kind: 'conflicted', commit: id, conflicts: kept }
  }

  /**
   * Undoes commit `commitId` on the branch with a new commit: a three-way merge whose base is that
   * commit and whose other side is its parent, so later changes to the same files are kept.
   */
  async revert(
    branchId: BranchId,
    commitId: CommitId,
    author: string,
    mergeFile: FileMerger = lineMerger,
  ): Promise<MergeOutcome> {
    const commits = this.#ws.handle.doc().commits
    const reverted = commits[commitId]
    if (!reverted) throw new WeftError('not-found', `There is no commit ${commitId.slice(0, 8)}.`)
    if (reverted.parents.length > 1)
      throw new WeftError(
        'unsupported',
        'Reverting a merge commit is not supported yet; revert the commits it brought in.',
      )
    refuseWhileConflicted(this.#ws.handle.doc(), branchId, 'reverting')
    await this.#refuseOwnChanges(branchId, 'reverting')
    const head = this.#branch(branchId).head
    const result = await mergeTrees({
      base: snapshotAt(commits, commitId),
      ours: snapshotAt(commits, head),
      theirs: snapshotAt(commits, reverted.parents[0] ?? null),
      readText: async (blob) => decodeText(await this.#ws.blobs.read(blob)),
      mergeFile,
    })
    if (result.conflicts.length > 0)
      return { kind: 'conflicts', conflicts: result.conflicts, heads: { ours: head, theirs: commitId } }
    checkMergedPaths(result)
    const snapshot = await this.#store(result.files)
    const id = crypto.randomUUID()
    this.#ws.handle.change((d) => {
      d.commits[id] = this.#record(head ? [head] : [], `Revert "${reverted.message}"`, author, snapshot)
    })
    await this.#moveBranch(branchId, snapshot, id, mergeFile)
    return { kind: 'merged', commit: id }
  }

  /**
   * Records a landing planned by `planLanding` (landing.ts) on `targetId`: its merge commits ("Land
   * NAME into TARGET", in the plan's order), then the target moved to the result, uncommitted work
   * carried over as in a merge. Compare-and-set: only while the target is still at the plan's base,
   * so a target that moved during the check is never overwritten. Returns the new head, or null when
   * the plan changes nothing.
   */
  async recordLanding(
    targetId: BranchId,
    plan: LandingPlan,
    author: string,
    mergeFile: FileMerger = lineMerger,
  ): Promise<CommitId | null> {
    const target = this.#branch(targetId)
    const moved = () =>
      new WeftError('exists', `"${target.name}" moved while the landing was checked; land again.`)
    if (target.head !== plan.base) throw moved()
    await this.#refuseOwnChanges(targetId, 'landing on it')
    const texts = [...plan.texts.values()].map(encodeText)
    if (texts.length > 0) {
      const { located } = await this.#ws.blobs.write(texts)
      if (Object.keys(located).length) this.#ws.handle.change((d) => recordBlobs(d, located))
    }
    if (this.#branch(targetId).head !== plan.base) throw moved()
    let head = plan.base
    for (const step of plan.steps) {
      if (step.kind === 'fast-forward') head = step.candidate.head
      if (step.kind !== 'merge') continue
      const id = crypto.randomUUID()
      const parents = [head!, step.candidate.head!]
      const message = `Land ${step.candidate.name} into ${target.name}`
      this.#ws.handle.change((d) => {
        d.commits[id] = this.#record(parents, message, author, step.snapshot)
      })
      head = id
    }
    if (head === plan.base || head === null) return null
    await this.#moveBranch(targetId, plan.snapshot, head, mergeFile, plan.base)
    return head
  }

  /** Puts the file at `path` back as it was in commit `commitId` (an uncommitted change on the branch). */
  restoreFile(branchId: BranchId, commitId: CommitId, path: string): Promise<void> {
    const snapshot = snapshotAt(this.#ws.handle.doc().commits, commitId)
    const found = Object.entries(snapshot).find(([, file]) => file.path === path)
    if (!found) throw new WeftError('not-found', `"${path}" is not in commit ${commitId.slice(0, 8)}.`)
    const [id, file] = found
    // The restored file must fit the branch as it is now, as shown (no `A.txt` beside a newer `a.txt`);
    // a file shown at that very path gives way to the restored one.
    const shown = this.#ws.entries(branchId)
    const replaced = new Set(
      shown.filter((e) => e.id !== id && e.type === 'file' && e.path === path).map((e) => e.id),
    )
    checkTree(
      [...shown.filter((e) => e.id !== id && !replaced.has(e.id)), { id, type: 'file' as const, path }],
      'Restoring it',
    )
    const before = this.#ws.captureBefore(branchId, [id, ...replaced])
    this.#ws.handle.change((d) => {
      const tree = d.branches[branchId].tree
      for (const otherId of replaced) delete tree[otherId]
      tree[id] = treeFile(file)
      this.#ws.sign(d, branchId, [...before.keys()])
    })
    return this.#ws.noteOwnChanges(branchId, before)
  }

  /**
   * Refuses while the person has uncommitted changes of their own on the branch (or shares one with
   * someone): they commit first, as in git. Others' unfinished work never blocks; `#moveBranch`
   * carries it over.
   */
  async #refuseOwnChanges(branchId: BranchId, doing: string): Promise<void> {
    const own = (await this.status(branchId)).filter((c) => c.owner !== 'others')
    if (own.length === 0) return
    const listed = own.slice(0, 3).map((c) => c.path)
    const more = own.length > 3 ? ` and ${own.length - 3} more` : ''
    throw new WeftError(
      'exists',
      `"${this.#branch(branchId).name}" has uncommitted changes of yours (${listed.join(', ')}${more}); commit them before ${doing}.`,
    )
  }

  /**
   * Points a branch at `head` with `snapshot` as its files, keeping every uncommitted change (others':
   * a merge or revert never drops or takes them). A change to a file the new head leaves as it was
   * stays as it is; where both changed one file, the change is carried onto the new version (its
   * path, and its text merged three-way with `mergeFile`: conflict markers stay in the working file,
   * still uncommitted, for its author to settle). Binary files keep the working version.
   */
  async #moveBranch(
    branchId: BranchId,
    snapshot: Snapshot,
    head: CommitId,
    mergeFile: FileMerger,
    expectedHead?: CommitId | null,
  ): Promise<void> {
    const old = this.#headSnapshot(branchId)
    const working = await this.working(branchId)
    const same = (a?: Snapshot[string], b?: Snapshot[string]) =>
      a === b || (!!a && !!b && a.path === b.path && a.blob === b.blob)
    const keep = new Set<EntryId>()
    const carried: { id: EntryId; path: string; text?: string; blob?: Snapshot[string] }[] = []
    const readText = async (blob: string) => decodeText(await this.#ws.blobs.read(blob))
    for (const id of new Set([...Object.keys(old), ...Object.keys(working)])) {
      const [was, now, next] = [old[id], working[id], snapshot[id]]
      if (same(was, now)) continue
      if (same(was, next) || !was || !now || !next || now.binary || next.binary) {
        keep.add(id)
        continue
      }
      const path = now.path !== was.path ? now.path : next.path
      if (now.blob === was.blob) carried.push({ id, path, blob: next })
      else if (next.blob === was.blob) carried.push({ id, path })
      else {
        // The working text is read from the file itself: a live file's content hash names no stored blob.
        const [base, ours, theirs] = await Promise.all([
          readText(was.blob),
          this.#ws.readBytes(branchId, id).then(decodeText),
          readText(next.blob),
        ])
        if (base === null || ours === null || theirs === null) keep.add(id)
        else carried.push({ id, path, text: (await mergeFile(base, ours, theirs, path)).text })
      }
    }
    // A carried text goes into the live document (so co-editors keep typing into it) or a new blob.
    const texts = new Map<EntryId, string>()
    const tree = this.#branch(branchId).tree
    for (const c of carried) {
      const entry = tree[c.id]
      const text =
        c.text ?? (c.blob && entry?.type === 'file' && entry.live ? await readText(c.blob.blob) : null)
      if (text === null || text === undefined) continue
      if (entry?.type === 'file' && entry.live) {
        const live = await this.#ws.repo.find<LiveFileDoc>(String(entry.live) as AutomergeUrl)
        live.change((d) => A.updateText(d, ['content'], text))
      } else texts.set(c.id, text)
    }
    const stored = await this.#store(
      Object.fromEntries(
        [...texts].map(([id, text]) => [id, { path: snapshot[id].path, text, binary: false }]),
      ),
    )
    const carriedIds = new Set(carried.map((c) => c.id))
    // After the last await: a landing's compare-and-set holds up to the write itself.
    if (expectedHead !== undefined && this.#branch(branchId).head !== expectedHead)
      throw new WeftError('exists', `"${this.#branch(branchId).name}" moved meanwhile; nothing was changed.`)
    this.#ws.handle.change((d) => {
      const branch = d.branches[branchId]
      branch.head = head
      for (const [id, entry] of Object.entries(branch.tree))
        if (entry.type === 'file' && !snapshot[id] && !keep.has(id)) delete branch.tree[id]
      for (const [id, file] of Object.entries(snapshot)) {
        if (keep.has(id) || carriedIds.has(id)) continue
        const entry = branch.tree[id]
        if (entry?.type === 'file' && String(entry.blob) === file.blob) {
          if (String(entry.path) !== file.path) entry.path = scalar(file.path)
          continue
        }
        branch.tree[id] = treeFile(file)
      }
      for (const c of carried) {
        const entry = branch.tree[c.id]
        if (entry?.type !== 'file') continue
        entry.path = scalar(c.path)
        // A live file's blob is its base: the new head's version. Otherwise the blob is the content.
        const content = entry.live ? snapshot[c.id] : (stored[c.id] ?? c.blob ?? working[c.id])
        entry.blob = scalar(content.blob)
        entry.size = content.size
      }
      // Names stay only beside changes still uncommitted.
      for (const id of Object.keys(branch.changedBy ?? {}))
        if (!keep.has(id) && !carriedIds.has(id)) delete branch.changedBy![id]
    })
  }

  /** Writes merged texts as blobs; returns the complete snapshot. */
  async #store(files: Record<string, MergedFile>): Promise<Snapshot> {
    const written = Object.entries(files).filter(([, f]) => f.text !== undefined)
    const bytes = written.map(([, f]) => encodeText(f.text!))
    const { hashes, located } = await this.#ws.blobs.write(bytes)
    if (Object.keys(located).length) this.#ws.handle.change((d) => recordBlobs(d, located))
    const snapshot: Snapshot = {}
    for (const [id, file] of Object.entries(files))
      if (file.blob !== undefined)
        snapshot[id] = { path: file.path, blob: file.blob, size: file.size, binary: file.binary }
    written.forEach(([id, file], i) => {
      snapshot[id] = { path: file.path, blob: hashes[i], size: bytes[i].length, binary: false }
    })
    for (const [id, file] of Object.entries(files)) if (file.mode) snapshot[id].mode = file.mode
    return snapshot
  }

  /** Points a branch at `head` with `snapshot` as its files; unchanged files keep their live documents. */
  #setTree(branchId: BranchId, snapshot: Snapshot, head: CommitId | null): void {
    this.#ws.handle.change((d) => {
      const branch = d.branches[branchId]
      branch.head = head
      for (const [id, entry] of Object.entries(branch.tree))
        if (entry.type === 'file' && !snapshot[id]) delete branch.tree[id]
      for (const [id, file] of Object.entries(snapshot)) {
        const entry = branch.tree[id]
        if (entry?.type === 'file' && String(entry.blob) === file.blob && entry.mode === file.mode) {
          if (String(entry.path) !== file.path) entry.path = scalar(file.path)
          continue
        }
        branch.tree[id] = treeFile(file)
      }
    })
  }

  /** A commit of `snapshot`: a delta against the first parent, or a full tree at checkpoints. */
  #record(parents: CommitId[], message: string, author: string, snapshot: Snapshot): Commit {
    const commits = this.#ws.handle.doc().commits
    const parent = parents[0] ? commits[parents[0]] : undefined
    const depth = parent ? parent.depth + 1 : 0
    const commit: Commit = {
      parents,
      message,
      author: author.trim() || 'anonymous',
      time: Date.now(),
      depth: depth % CHECKPOINT_INTERVAL,
    }
    if (!parent || commit.depth === 0) {
      commit.tree = Object.fromEntries(Object.entries(snapshot).map(([id, file]) => [id, committed(file)]))
    } else {
      const delta = snapshotDelta(snapshotAt(commits, parents[0]), snapshot)
      commit.changes = Object.fromEntries(
        Object.entries(delta).map(([id, file]) => [id, file && committed(file)]),
      )
    }
    return commit
  }

  /** The message of the commit that completes a merge recorded with conflicts. */
  #settlingMessage(settling: RecordedConflict[]): string {
    const merge = this.#ws.handle.doc().commits[settling[0].commit]
    return merge ? `Settle the conflicts of "${merge.message}"` : 'Settle merge conflicts'
  }

  #headSnapshot(branchId: BranchId): Snapshot {
    const head = this.#branch(branchId).head
    return snapshotAt(this.#ws.handle.doc().commits, head)
  }

  #branch(branchId: BranchId) {
    const branch = this.#ws.handle.doc().branches[branchId]
    if (!branch) throw new WeftError('not-found', `This repository has no branch ${branchId}.`)
    return branch
  }

  #checkName(name: string, except?: BranchId): string {
    const trimmed = name.trim()
    const problem = branchNameProblem(name)
    if (problem) throw new WeftError('bad-name', problem)
    const taken = Object.entries(this.#ws.handle.doc().branches).some(
      ([id, b]) => id !== except && b.name === trimmed,
    )
    if (taken) throw new WeftError('exists', `A branch named "${trimmed}" already exists.`)
    return trimmed
  }
}

/**
 * Two sides' trees, each valid, can still combine into one a folder cannot hold (a file where the other
 * side made a folder): such files are recorded at the disambiguated paths every reader would show.
 */
function checkMergedPaths(result: TreeMerge): void {
  const { renamed } = resolveCollisions(
    Object.entries(result.files).map(([id, file]) => ({ id, type: 'file' as const, path: file.path })),
  )
  for (const { id, to } of renamed) result.files[id] = { ...result.files[id], path: to }
}

/** Applies a person's answers to a tree merge's conflicts; the conflicts answered are removed. */
function settle(
  result: TreeMerge,
  answers: Record<string, FileResolution>,
  sides: { ours: Snapshot; theirs: Snapshot },
): void {
  const conflicted = new Set(result.conflicts.map((c) => c.id))
  for (const [id, answer] of Object.entries(answers)) {
    if (!conflicted.has(id)) throw new WeftError('bad-input', `Entry ${id} has no conflict in this merge.`)
    if ('text' in answer) {
      if (hasConflictMarkers(answer.text))
        throw new WeftError('bad-input', `"${result.files[id]?.path ?? id}" still has conflict markers.`)
      const path = result.files[id]?.path ?? result.conflicts.find((c) => c.id === id)!.path
      result.files[id] = { path, text: answer.text, binary: false }
      continue
    }
    const file = sides[answer.take][id]
    if (file)
      result.files[id] = {
        path: file.path,
        blob: file.blob,
        size: file.size,
        binary: file.binary,
        ...(file.mode ? { mode: file.mode } : {}),
      }
    else delete result.files[id]
  }
  result.conflicts = result.conflicts.filter((c) => !(c.id in answers))
}
