/**
 * A run as the window shows it and a repository keeps it, and the rules that bound it: plain data,
 * no Automerge, so the window (RunDialog) imports it without the document code (RunHistory.ts).
 */
import type { Backend, ExitFrame } from './frames.ts'

/** A run as a repository keeps it: enough to show it again, to anyone, after it ended. */
export interface RunRecord {
  id: string
  command: string
  /** Folder it ran in, from the branch root (absent or '' for the root). */
  cwd?: string
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

/** A command and the folder it runs in, as the Run dialog offers it. */
export interface CommandIn {
  command: string
  /** From the branch root; '' for the root. */
  cwd: string
}

/** Commands run before, with their folders, most recent first, each once. */
export function recentCommands(runs: RunRecord[]): CommandIn[] {
  const seen = new Map<string, CommandIn>()
  for (const r of runs) {
    const entry = { command: r.command, cwd: r.cwd ?? '' }
    const key = JSON.stringify(entry)
    if (!seen.has(key)) seen.set(key, entry)
  }
  return [...seen.values()]
}
