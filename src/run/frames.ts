/**
 * The run frame schema every runner speaks (DESIGN.md "Run frames"): a run spec starts a run; the
 * runner answers with JSON frames in order — `start`, any `stdout`/`stderr`, one `exit`; the client
 * may send `stdin` and `kill`. Validation here is the one place a malformed frame is named.
 */

import { pathProblem } from '../model/paths.ts'

export const BACKENDS = ['webcontainer', 'browser', 'local'] as const
export type Backend = (typeof BACKENDS)[number]

export const EXIT_REASONS = ['exited', 'killed', 'timeout', 'disconnected', 'error'] as const
/** Why a run ended: on its own, by Stop, by its time limit, by its owner going away, or by a runner failure. */
export type ExitReason = (typeof EXIT_REASONS)[number]

/** What to run, where. `repo` and `branch` name the source of the files handed over with it. */
export interface RunSpec {
  command: string
  /** Folder, relative to the branch root, to run in; the root when absent. */
  cwd?: string
  env?: Record<string, string>
  repo: string
  branch: string
  /** The run is killed with reason `timeout` after this long. */
  timeoutMs?: number
}

export interface StartFrame {
  type: 'start'
  id: string
  backend: Backend
  t: number
}
export interface OutputFrame {
  type: 'stdout' | 'stderr'
  data: string
  t: number
}
export interface ExitFrame {
  type: 'exit'
  code: number | null
  signal: string | null
  reason: ExitReason
  t: number
}
/** Runner → client. `t` is milliseconds since the run started. */
export type RunFrame = StartFrame | OutputFrame | ExitFrame

/** Client → runner. */
export type ClientFrame = { type: 'stdin'; data: string } | { type: 'kill' }

/** Longest command accepted, in characters. */
export const MAX_COMMAND_CHARS = 8_192
/** Longest time limit a spec may ask for: a day. */
export const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000

/** A frame or spec that does not follow the schema; the message names what is wrong. */
export class RunFrameError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RunFrameError'
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isTime = (value: unknown) => typeof value === 'number' && Number.isFinite(value) && value >= 0
const describe = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 40)

/** Why `value` is not a runner → client frame, or null when it is one. */
export function runFrameProblem(value: unknown): string | null {
  if (!isObject(value)) return 'a frame must be a JSON object'
  const { type, t } = value
  if (type !== 'start' && type !== 'stdout' && type !== 'stderr' && type !== 'exit')
    return `unknown frame type ${describe(type)}`
  if (!isTime(t)) return `${type} frame without a time "t" (milliseconds since start)`
  switch (type) {
    case 'start':
      if (typeof value.id !== 'string' || value.id === '') return 'start frame without a run id'
      if (!BACKENDS.includes(value.backend as Backend))
        return `start frame with unknown backend ${describe(value.backend)}`
      return null
    case 'stdout':
    case 'stderr':
      return typeof value.data === 'string' ? null : `${type} frame without string data`
    case 'exit':
      if (value.code !== null && !Number.isInteger(value.code))
        return 'exit frame code must be an integer or null'
      if (value.signal !== null && typeof value.signal !== 'string')
        return 'exit frame signal must be a string or null'
      if (!EXIT_REASONS.includes(value.reason as ExitReason))
        return `exit frame with unknown reason ${describe(value.reason)}`
      return null
  }
}

/** Why `value` is not a client → runner frame, or null when it is one. */
export function clientFrameProblem(value: unknown): string | null {
  if (!isObject(value)) return 'a frame must be a JSON object'
  if (value.type === 'kill') return null
  if (value.type === 'stdin') return typeof value.data === 'string' ? null : 'stdin frame without string data'
  return `unknown client frame type ${describe(value.type)} (expected stdin or kill)`
}

/**
 * Why `cwd` cannot be a run's folder, or null: it comes from a document (a suggestion, a recent
 * run) or a request, so it must name a folder inside the run's files by the repository path rule
 * (`tools/fmt`; a trailing `/`; `.` or '' for the root), never `..`, an absolute path or a NUL.
 */
export function runFolderProblem(cwd: string): string | null {
  const folder = runFolderOf(cwd)
  const problem = folder === '' ? null : pathProblem(folder)
  return problem && `the working folder is refused: ${problem}`
}

/** A run's folder from the branch root, '' for the root: `tools/fmt/` → `tools/fmt`, `.` → ''. Check it with `runFolderProblem`. */
export const runFolderOf = (cwd: string | undefined): string => {
  const folder = (cwd ?? '').replace(/\/+$/, '')
  return folder === '.' ? '' : folder
}

/** Why `value` is not a run spec, or null when it is one. */
export function runSpecProblem(value: unknown): string | null {
  if (!isObject(value)) return 'a run spec must be a JSON object'
  const { command, cwd, env, repo, branch, timeoutMs } = value
  if (typeof command !== 'string' || command.trim() === '') return 'the run spec needs a command'
  if (command.length > MAX_COMMAND_CHARS) return `the command is longer than ${MAX_COMMAND_CHARS} characters`
  if (command.includes('\0')) return 'the command contains a NUL character'
  if (typeof repo !== 'string' || typeof branch !== 'string')
    return 'the run spec needs the repo and branch its files come from'
  if (cwd !== undefined) {
    if (typeof cwd !== 'string') return 'cwd must be a string'
    const problem = runFolderProblem(cwd)
    if (problem) return problem
  }
  if (env !== undefined) {
    if (!isObject(env)) return 'env must be an object of strings'
    for (const [name, val] of Object.entries(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
        return `env name ${describe(name)} is not a valid variable name`
      if (typeof val !== 'string' || val.includes('\0')) return `env ${name} must be a string without NUL`
    }
  }
  if (
    timeoutMs !== undefined &&
    !(Number.isInteger(timeoutMs) && (timeoutMs as number) > 0 && (timeoutMs as number) <= MAX_TIMEOUT_MS)
  )
    return `timeoutMs must be a whole number of milliseconds between 1 and ${MAX_TIMEOUT_MS}`
  return null
}

function parsed<T>(input: string | unknown, problem: (value: unknown) => string | null, what: string): T {
  let value = input
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input)
    } catch {
      throw new RunFrameError(`Malformed ${what}: not JSON.`)
    }
  }
  const found = problem(value)
  if (found) throw new RunFrameError(`Malformed ${what}: ${found}.`)
  return value as T
}

/** A runner → client frame from JSON text or a decoded value; throws RunFrameError naming the fault. */
export const parseRunFrame = (input: string | unknown): RunFrame =>
  parsed(input, runFrameProblem, 'run frame')
/** A client → runner frame from JSON text or a decoded value; throws RunFrameError naming the fault. */
export const parseClientFrame = (input: string | unknown): ClientFrame =>
  parsed(input, clientFrameProblem, 'client frame')
/** A run spec from JSON text or a decoded value; throws RunFrameError naming the fault. */
export const parseRunSpec = (input: string | unknown): RunSpec => parsed(input, runSpecProblem, 'run spec')
