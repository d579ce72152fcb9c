import type { Backend, RunFrame, RunSpec } from './frames.ts'

/** A file handed to a run: its path from the branch root and its bytes. */
export interface RunFile {
  path: string
  bytes: Uint8Array
}

/** One started run. */
export interface Run {
  readonly id: string
  /**
   * Every frame from `start` to `exit`, in order; the iteration ends after `exit`. Each call
   * iterates anew: a late one replays `start` and the latest output (about a million characters).
   */
  frames(): AsyncIterable<RunFrame>
  /** Sends text to the run's standard input (ignored once it has ended). */
  stdin(data: string): void
  /** Stops the run; its exit frame then has reason `killed`. */
  kill(): void
  /**
   * Where the run can serve as a REPL realm (code evaluated inside it), for backends that can:
   * a port to hand to the realm's runtime, or null once the run has ended.
   */
  realmPort?(): MessagePort | null
}

/** A place runs execute: the relay's local runner, a browser worker, a WebContainer. */
export interface Runner {
  readonly backend: Backend
  /** Starts `spec` over `files` (the branch's files, as the user sees them now). */
  start(spec: RunSpec, files: readonly RunFile[]): Promise<Run>
}

/** Thrown when a backend cannot run anything here (offline WebContainer, relay without runs, …). */
export class RunnerUnavailable extends Error {
  constructor(
    readonly backend: Backend,
    reason: string,
  ) {
    super(`The ${backend} runner is unavailable: ${reason}`)
    this.name = 'RunnerUnavailable'
  }
}
