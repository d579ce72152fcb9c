import * as Comlink from 'comlink'
import { WeftError } from '../model/errors.ts'
import type { FileMerger } from '../model/fileMerge.ts'
import type { BranchId, CommitId, EntryId } from '../model/types.ts'
import { engineFileMerger } from '../merge/fileMerger.ts'
import type { MergeWorkerApi } from '../merge/workerApi.ts'
import { agentStatus, type AgentReport } from '../repo/agents.ts'
import { landBranches, type CheckFile } from '../repo/landBranches.ts'
import { OUTPUT_TAIL, readLandings, type LandingAttempt } from '../repo/landings.ts'
import { diffSnapshots, graphLog, snapshotAt, type FileChange, type LogEntry } from '../repo/history.ts'
import type { MergeOutcome, MergeResolution, WorkingChange } from '../repo/VersionControl.ts'
import type { ProfileContext } from './ProfileContext.ts'

export interface BranchSummary {
  id: BranchId
  name: string
  head: CommitId | null
  ahead: number
  behind: number
}

/** A repository's version history: status, commits, branches, merges, reverts, diffs and the graph. */
export class HistoryService {
  readonly #profile: ProfileContext
  readonly #mergeFile: FileMerger | undefined
  /** Merges in progress, by request id, so a window can cancel one. */
  readonly #merges = new Map<string, AbortController>()
  /** The last agent report per repository and target, so a refresh predicts again only when a head moved. */
  readonly #agentReports = new Map<string, AgentReport>()

  /** `mergeFile` merges files when a caller brings no merge worker (Node gives the engine in-process). */
  constructor(profile: ProfileContext, mergeFile?: FileMerger) {
    this.#profile = profile
    this.#mergeFile = mergeFile
  }

  /** The branch's uncommitted changes, each with whose it is. */
  async status(id: string, branch: BranchId): Promise<WorkingChange[]> {
    return (await this.#profile.history(id)).status(branch)
  }

  /**
   * Commits the person's own changes, or exactly the changes `include` names (entry ids): the only
   * way someone else's change enters their commit.
   */
  async commit(
    id: string,
    branch: BranchId,
    message: string,
    author: string,
    include?: EntryId[],
  ): Promise<CommitId> {
    const vc = await this.#profile.history(id)
    return this.#profile.saved(await vc.commit(branch, message, author, include ? { include } : {}))
  }

  /** Branches with how far each is ahead of and behind `relativeTo`. */
  async branches(id: string, relativeTo: BranchId): Promise<BranchSummary[]> {
    const vc = await this.#profile.history(id)
    const ws = await this.#profile.workspace(id)
    return ws
      .branches()
      .map((b) => ({ ...b, head: ws.handle.doc().branches[b.id].head, ...vc.aheadBehind(b.id, relativeTo) }))
  }

  /** A new branch starting at `from`'s head commit. */
  async createBranch(id: string, name: string, from: BranchId): Promise<BranchId> {
    const ws = await this.#profile.workspace(id)
    return this.#profile.saved(
      (await this.#profile.history(id)).createBranch(name, ws.handle.doc().branches[from]?.head ?? null),
    )
  }

  /** A new branch starting at commit `at` (any commit, not only a branch head). */
  async createBranchAt(id: string, name: string, at: CommitId): Promise<BranchId> {
    const ws = await this.#profile.workspace(id)
    if (!ws.handle.doc().commits[at])
      throw new WeftError('not-found', `There is no commit ${at.slice(0, 8)}.`)
    return this.#profile.saved((await this.#profile.history(id)).createBranch(name, at))
  }

  /** What a commit changed against its first parent (everything, for the first commit). */
  async commitChanges(id: string, commit: CommitId): Promise<FileChange[]> {
    const ws = await this.#profile.workspace(id)
    const parent = ws.handle.doc().commits[commit]?.parents[0] ?? null
    return (await this.#profile.history(id)).diffCommits(parent, commit)
  }

  async log(id: string, branch: BranchId, limit?: number): Promise<LogEntry[]> {
    return (await this.#profile.history(id)).log(branch, limit)
  }

  /**
   * Merges `source` into `target`; with `resolution`, answers the conflicts a first call returned.
   * `engine` is a port to a merge worker (a window starts one: a shared worker cannot); without
   * one, files are merged by this service's own merger. `request` names the merge for `cancelMerge`.
   */
  async merge(
    id: string,
    target: BranchId,
    source: BranchId,
    author: string,
    options: {
      resolution?: MergeResolution
      engine?: MessagePort
      request?: string
      /** Record the merge with its conflicts rather than stop (see src/repo/conflicts.ts). */
      keepConflicts?: boolean
    } = {},
  ): Promise<MergeOutcome> {
    const abort = new AbortController()
    if (options.request) this.#merges.set(options.request, abort)
    const engine = options.engine && Comlink.wrap<MergeWorkerApi>(options.engine)
    try {
      const mergeFile = engine
        ? engineFileMerger((input) => engine.merge(input), { signal: abort.signal })
        : this.#mergeFile
      const vc = await this.#profile.history(id)
      return this.#profile.saved(
        await vc.merge(target, source, author, {
          mergeFile,
          resolution: options.resolution,
          signal: abort.signal,
          keepConflicts: options.keepConflicts ?? false,
        }),
      )
    } finally {
      if (options.request) this.#merges.delete(options.request)
      engine?.[Comlink.releaseProxy]()
      options.engine?.close()
    }
  }

  /**
   * Every agent branch (`agent/NAME`) against `target`: ahead/behind and the conflicts it would
   * have with the target or another agent if landed now (merged in memory, nothing written), and
   * its uncommitted changes. Predictions are made again only when a head moved since the last
   * call. `engine` is a port to a merge worker, as for `merge`.
   */
  async agents(id: string, target: BranchId, options: { engine?: MessagePort } = {}): Promise<AgentReport> {
    const engine = options.engine && Comlink.wrap<MergeWorkerApi>(options.engine)
    try {
      const mergeFile = engine ? engineFileMerger((input) => engine.merge(input)) : this.#mergeFile
      if (!mergeFile) throw new WeftError('bad-input', 'Predicting conflicts needs a merge engine.')
      const ws = await this.#profile.workspace(id)
      const key = `${id} ${target}`
      const report = await agentStatus(
        ws,
        await this.#profile.history(id),
        target,
        mergeFile,
        this.#agentReports.get(key),
      )
      this.#agentReports.set(key, report)
      return report
    } finally {
      engine?.[Comlink.releaseProxy]()
      options.engine?.close()
    }
  }

  /**
   * Lands `branches` on `target` as `weft land` does (repo/landBranches.ts), the check run by the
   * caller's `runCheck` (a window runs it in its browser runner and shows its output as it comes;
   * what it answers is checked) and files merged through `engine`, a port to a merge worker.
   */
  async land(
    id: string,
    request: { target: BranchId; branches: string[]; check: string; partial?: boolean; author: string },
    runCheck: (files: CheckFile[], command: string) => Promise<{ exitCode: number | null; output: string }>,
    options: { engine?: MessagePort } = {},
  ): Promise<LandingAttempt> {
    const engine = options.engine && Comlink.wrap<MergeWorkerApi>(options.engine)
    try {
      const mergeFile = engine ? engineFileMerger((input) => engine.merge(input)) : this.#mergeFile
      if (!mergeFile) throw new WeftError('bad-input', 'Landing needs a merge engine.')
      const ws = await this.#profile.workspace(id)
      const vc = await this.#profile.history(id)
      return this.#profile.saved(
        await landBranches(ws, vc, {
          ...request,
          mergeFile,
          runCheck: async (files, command, onOutput) => {
            // The window's answer crossed a message port: only a whole exit code counts as one.
            const answer: unknown = await runCheck(files, command)
            const { exitCode, output } = (typeof answer === 'object' && answer !== null ? answer : {}) as {
              exitCode?: unknown
              output?: unknown
            }
            onOutput(typeof output === 'string' ? output.slice(-OUTPUT_TAIL) : '')
            return typeof exitCode === 'number' && Number.isInteger(exitCode) ? exitCode : null
          },
        }),
      )
    } finally {
      engine?.[Comlink.releaseProxy]()
      options.engine?.close()
    }
  }

  /** The repository's landing attempts (`weft land`), newest first, each checked as it is read. */
  async landings(id: string): Promise<LandingAttempt[]> {
    return readLandings((await this.#profile.workspace(id)).handle.doc())
  }

  /** Stops a merge in progress; it writes nothing and rejects. */
  async cancelMerge(request: string): Promise<void> {
    this.#merges.get(request)?.abort(new WeftError('bad-input', 'The merge was cancelled.'))
  }

  async revert(id: string, branch: BranchId, commit: CommitId, author: string): Promise<MergeOutcome> {
    return this.#profile.saved(await (await this.#profile.history(id)).revert(branch, commit, author))
  }

  async restoreFile(id: string, branch: BranchId, commit: CommitId, path: string): Promise<void> {
    await (await this.#profile.history(id)).restoreFile(branch, commit, path)
    await this.#profile.saved(undefined)
  }

  async renameBranch(id: string, branch: BranchId, name: string): Promise<void> {
    ;(await this.#profile.history(id)).renameBranch(branch, name)
    await this.#profile.saved(undefined)
  }

  async deleteBranch(id: string, branch: BranchId): Promise<void> {
    ;(await this.#profile.history(id)).deleteBranch(branch)
    await this.#profile.saved(undefined)
  }

  /** Files changed from commit `from` to commit `to`, or to the branch's working files. */
  async diff(id: string, from: CommitId | null, to: CommitId | { working: BranchId }): Promise<FileChange[]> {
    const vc = await this.#profile.history(id)
    if (typeof to === 'string' || to === null) return vc.diffCommits(from, to)
    return diffSnapshots(
      snapshotAt((await this.#profile.workspace(id)).handle.doc().commits, from),
      await vc.working(to.working),
    )
  }

  /**
   * The commits of every branch (or of `only` one) as one graph, children before parents, with
   * where each branch points.
   */
  async graph(
    id: string,
    only?: BranchId,
    limit?: number,
  ): Promise<{ entries: LogEntry[]; branches: { id: BranchId; name: string; head: CommitId | null }[] }> {
    const ws = await this.#profile.workspace(id)
    const doc = ws.handle.doc()
    const branches = ws.branches().map((b) => ({ ...b, head: doc.branches[b.id].head }))
    const heads = branches.filter((b) => !only || b.id === only).flatMap((b) => (b.head ? [b.head] : []))
    return { entries: graphLog(doc.commits, heads, limit), branches }
  }
}
