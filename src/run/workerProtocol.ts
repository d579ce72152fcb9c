import type { BrowserPlan } from './entry.ts'

/** Host → run worker. */
export type ToRunWorker =
  | {
      type: 'run'
      plan: BrowserPlan
      files: [path: string, bytes: Uint8Array][]
      /** Where typed input arrives for a program that reads it synchronously (Python); absent without SharedArrayBuffer. */
      stdin?: SharedArrayBuffer
    }
  | { type: 'stdin'; data: string }
  /** Serve the REPL on this port too (the run becomes a realm: code evaluated in its global scope). */
  | { type: 'realm'; port: MessagePort }

/** Run worker → host: output in order, then the exit code once. */
export type FromRunWorker =
  { type: 'output'; stream: 'stdout' | 'stderr'; data: string } | { type: 'exit'; code: number }
