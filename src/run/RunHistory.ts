import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo/slim'
import { scalar } from '../model/scalar.ts'
import type { RepositoryDoc, Scalar } from '../model/types.ts'
import type { Backend, ExitFrame } from './frames.ts'

/** A run as a repository keeps it: enough to show it again, to anyone, after it ended. */
export interface RunRecord {
  id: string
  command: string
  backend: Backend
  /** Who started it (a person's name, an agent's). */
  by: string
  started: number
  /** Null while it runs (or if it never reported its end). */
  exit: Pick<ExitFrame, 'code' | 'signal' | 'reason'> | null
  durationMs: number | null
  /** Output pieces in order (bounded: the latest are kept). */
  output: { stream: 'stdout' | 'stderr'; data: string }[]
  truncated: boolean
}

/** How much output a stored run keeps, and how many runs a repository keeps. */
export const MAX_STORED_OUTPUT = 64 * 1024
export const MAX_RUNS = 20

interface StoredRun {
  command: Scalar
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

/** Keeps the last MAX_STORED_OUTPUT characters of output, dropping the oldest pieces first. */
export function boundOutput(record: RunRecord): RunRecord {
  let size = record.output.reduce((n, piece) => n + piece.data.length, 0)
  if (size <= MAX_STORED_OUTPUT) return record
  const output = [...record.output]
  while (size > MAX_STORED_OUTPUT && output.length > 0) {
    const over = size - MAX_STORED_OUTPUT
    if (output[0].data.length <= over) size -= output.shift()!.data.length
    else {
      output[0] = { ...output[0], data: output[0].data.slice(over) }
      size -= over
    }
  }
  return { ...record, output, truncated: true }
}

/** Commands run before, most recent first, each once. */
export const recentCommands = (runs: RunRecord[]): string[] => [...new Set(runs.map((r) => r.command))]

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
    const stored: StoredRun = {
      ...rest,
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
