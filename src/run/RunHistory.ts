import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo/slim'
import { scalar } from '../model/scalar.ts'
import type { RepositoryDoc, Scalar } from '../model/types.ts'
import type { Backend } from './frames.ts'
import { boundOutput, MAX_RUNS, type RunRecord } from './runRecord.ts'

interface StoredRun {
  command: Scalar
  cwd?: Scalar
  backend: Backend
  by: Scalar
  started: number
  exit: RunRecord['exit']
  durationMs: number | null
  output: { stream: 'stdout' | 'stderr'; data: Scalar }[]
  truncated: boolean
}

export interface RunsDoc {
  weftRuns: 1
  runs: Record<string, StoredRun>
}

/**
 * A repository's recent runs, in an Automerge document of their own linked from the repository
 * (`RepositoryDoc.runs`), so people and agents see each other's runs and their output.
 */
export class RunHistory {
  readonly handle: DocHandle<RunsDoc>

  private constructor(handle: DocHandle<RunsDoc>) {
    this.handle = handle
  }

  /** The repository's run history, created (and linked) on first use. */
  static async ensure(repo: Repo, repository: DocHandle<RepositoryDoc>): Promise<RunHistory> {
    const url = repository.doc().runs
    if (url) return new RunHistory(await repo.find<RunsDoc>(String(url) as AutomergeUrl))
    const handle = repo.create<RunsDoc>({ weftRuns: 1, runs: {} })
    repository.change((d) => {
      d.runs = scalar(handle.url)
    })
    return new RunHistory(handle)
  }

  /** Newest first. */
  list(): RunRecord[] {
    return Object.entries(this.handle.doc().runs)
      .map(([id, r]) => ({
        id,
        command: String(r.command),
        ...(r.cwd === undefined ? {} : { cwd: String(r.cwd) }),
        backend: r.backend,
        by: String(r.by),
        started: r.started,
        exit: r.exit ? { code: r.exit.code, signal: r.exit.signal, reason: r.exit.reason } : null,
        durationMs: r.durationMs,
        truncated: r.truncated,
        output: r.output.map((p) => ({ stream: p.stream, data: String(p.data) })),
      }))
      .sort((a, b) => b.started - a.started)
  }

  /** Adds or replaces a run (its output bounded), keeping the newest MAX_RUNS. */
  record(run: RunRecord): void {
    const { id, output, ...rest } = boundOutput(run)
    const { cwd, ...fields } = rest
    const stored: StoredRun = {
      ...fields,
      ...(cwd ? { cwd: scalar(cwd) } : {}),
      command: scalar(rest.command),
      by: scalar(rest.by),
      output: output.map((p) => ({ stream: p.stream, data: scalar(p.data) })),
    }
    const old = this.list()
      .slice(MAX_RUNS - 1)
      .map((r) => r.id)
      .filter((other) => other !== id)
    this.handle.change((d) => {
      d.runs[id] = stored
      for (const other of old) delete d.runs[other]
    })
  }
}
