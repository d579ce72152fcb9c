import type { Backend, ExitFrame } from '../../run/frames.ts'

/** A finished (or abandoned) run as kept per repository: enough to show it again after a reload. */
export interface RunRecord {
  id: string
  command: string
  backend: Backend
  started: number
  exit: Pick<ExitFrame, 'code' | 'signal' | 'reason'> | null
  durationMs: number | null
  /** Output pieces in order (bounded: the latest are kept). */
  output: { stream: 'stdout' | 'stderr'; data: string }[]
  truncated: boolean
}

/** How much output a stored run keeps, and how many runs a repository keeps. */
export const MAX_STORED_OUTPUT = 64 * 1024
export const MAX_RUNS = 20

const key = (repo: string) => `weft-runs:${repo}`

export function loadRuns(repo: string): RunRecord[] {
  try {
    const runs = JSON.parse(localStorage.getItem(key(repo)) ?? '[]') as RunRecord[]
    return Array.isArray(runs) ? runs : []
  } catch {
    // A damaged entry is dropped rather than breaking the dialog.
    return []
  }
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

/** Saves a run first in the list (replacing one with its id), keeping the newest MAX_RUNS. */
export function saveRun(repo: string, record: RunRecord): RunRecord[] {
  const runs = [boundOutput(record), ...loadRuns(repo).filter((r) => r.id !== record.id)].slice(0, MAX_RUNS)
  try {
    localStorage.setItem(key(repo), JSON.stringify(runs))
  } catch {
    // Storage full: keep the list in memory for this page.
  }
  return runs
}

/** Commands run before, most recent first, each once. */
export const recentCommands = (runs: RunRecord[]): string[] => [...new Set(runs.map((r) => r.command))]
