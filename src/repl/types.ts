import type { Scalar } from '../model/types.ts'

/**
 * One REPL session document per repository (linked from `RepositoryDoc.repl`): a registry of realms
 * and, per realm, an append-only log. One document rather than one per realm because many small
 * documents sync slowly (DESIGN.md). Strings nobody co-edits are `Scalar`s, as in the repository.
 */
export interface ReplSessionDoc {
  weftRepl: 1
  realms: Record<RealmId, RealmRecord>
  /** Every registration of a realm: which realm the instance held. Written once per instance. */
  instances: Record<InstanceId, { realm: RealmId; started: number }>
  /**
   * One append-only list per instance, created by its registration alone: two replicas creating a
   * list under one key concurrently would keep only one of them. A realm's log is the lists of the
   * instances that held it, in order. A job's own fields only move forward.
   */
  logs: Record<InstanceId, LogEntry[]>
}

/** Random id of a realm: the address people and agents send code to. A tab keeps it across reloads. */
export type RealmId = string
/** Random id of one registration of a realm by a runtime; never reused, so two tabs restoring one realm differ. */
export type InstanceId = string
export type JobId = string

/** Where code runs: an app tab that opted in, a worker, or a browser-runner run. */
export type RealmKind = 'tab' | 'worker' | 'run'

export interface RealmRecord {
  kind: RealmKind
  label: string
  /** The automerge-repo peer id of the browser or process hosting it. */
  owner: Scalar
  /** The instance holding the realm id now; only it runs jobs addressed to the realm. */
  instance: Scalar
  started: number
  /** Realm's clock at its last heartbeat; with `heartbeatMs`, how observers tell it is gone. */
  heartbeat: number
  heartbeatMs: number
  /** Set when the realm stopped in an orderly way (tab closed, worker terminated). */
  closed?: number
}

/** requested → dispatched (claimed) → executing → finished | failed | timed-out; never backwards. */
export type JobState = 'requested' | 'dispatched' | 'executing' | 'finished' | 'failed' | 'timed-out'
/** States a job never leaves. */
export const TERMINAL_STATES: readonly JobState[] = ['finished', 'failed', 'timed-out']

/** A request to run code, and then its progress and outcome, written in place. */
export interface JobEntry {
  type: 'job'
  id: JobId
  code: Scalar
  language: Scalar
  requester: Scalar
  /** The instance that must run it: the one holding the realm when the job was written. */
  to: Scalar
  requested: number
  timeoutMs: number
  /** HMAC-SHA256 (hex) under the realm's key over what runs (see `realmKey.ts`); the realm runs nothing without it. */
  mac?: Scalar
  state: JobState
  /** The instance that moved it to `dispatched`. */
  claim?: Scalar
  dispatched?: number
  started?: number
  ended?: number
  result?: { text: Scalar; json?: Scalar }
  error?: { name: Scalar; message: Scalar; stack?: Scalar }
  /** Why it timed out. */
  reason?: Scalar
}

/** What a realm may report on its own; checked against this wherever a realm's message is read. */
export const REALM_EVENT_KINDS = [
  'log',
  'info',
  'warn',
  'error',
  'debug',
  'uncaught',
  'unhandled-rejection',
] as const

/** What a session records: a realm's kinds, and `dropped`, which only the runtime writes (never a realm). */
export const EVENT_KINDS = [...REALM_EVENT_KINDS, 'dropped'] as const

export type EventKind = (typeof EVENT_KINDS)[number]

/** Something the realm reported on its own: console output, an uncaught error, a rejection. */
export interface EventEntry {
  type: 'event'
  kind: EventKind
  text: Scalar
  stack?: Scalar
  time: number
  instance: Scalar
  /** The job that was running when the realm reported it (its console output, as the job's own). */
  job?: Scalar
}

export type LogEntry = JobEntry | EventEntry

/** A realm as the registry shows it, plain strings. */
export interface RealmView {
  id: RealmId
  kind: RealmKind
  label: string
  owner: string
  instance: InstanceId
  started: number
  heartbeat: number
  heartbeatMs: number
  status: 'alive' | 'gone' | 'closed'
}

export interface JobView {
  type: 'job'
  id: JobId
  realm: RealmId
  code: string
  language: string
  requester: string
  to: InstanceId
  requested: number
  timeoutMs: number
  mac?: string
  state: JobState
  claim?: InstanceId
  dispatched?: number
  started?: number
  ended?: number
  result?: { text: string; json?: string }
  error?: { name: string; message: string; stack?: string }
  reason?: string
}

export interface EventView {
  type: 'event'
  kind: EventKind
  text: string
  stack?: string
  time: number
  instance: InstanceId
  job?: JobId
}

export type LogView = JobView | EventView

/** What running code produced, already rendered where it ran (values do not cross realms). */
export type Outcome =
  | { ok: true; text: string; json?: string }
  | { ok: false; error: { name: string; message: string; stack?: string } }

/** A background event as a realm captures it, before it is written. */
export interface RealmEvent {
  kind: Exclude<EventKind, 'dropped'>
  text: string
  stack?: string
  time: number
  /** Set by the realm's runtime (never taken from the realm's side): the job running when it came. */
  job?: JobId
}

/** Bounds that keep one job or one noisy realm from bloating the session document. */
export const LIMITS = {
  codeBytes: 64 * 1024,
  resultChars: 16_000,
  eventChars: 4_000,
  /** Events held between writes; beyond it they are counted and reported as one `dropped` event. */
  bufferedEvents: 500,
  defaultTimeoutMs: 30_000,
  heartbeatMs: 5_000,
  /** A realm is gone after this many heartbeats missed (allowing for clock skew between peers). */
  missedHeartbeats: 3,
} as const
