import type { RealmKey } from './realmKey.ts'
import { macOf, verifiesUnder } from './realmKey.ts'
import {
  EVENT_KINDS,
  LIMITS,
  type EventKind,
  type InstanceId,
  type JobId,
  type Outcome,
  type RealmId,
} from './types.ts'

/**
 * The REPL's fast path: a job and its outcome also travel as ephemeral messages on the session
 * document (automerge-repo's broadcast, forwarded by the relay to every peer of the document),
 * so neither waits for the document's sync, which automerge-repo sends at most every 100 ms per
 * hop. The session document stays the record: the job is written there first and the outcome
 * after, exactly as without announcements; a peer that misses an announcement still finishes
 * through the document.
 *
 * Both kinds are hostile input (any peer of the session can send anything): each is read here,
 * at one boundary, into a checked value or null. A job announcement runs nothing unless its MAC
 * verifies under the realm's key, like a job written to the document; an outcome announcement
 * carries a MAC under the same key, so a requester believes only the realm it sent the job to.
 */

/** A job as its requester announces it: what the realm needs to verify and run it. */
export interface JobAnnouncement {
  realm: RealmId
  /** The instance that must run it (the job's `to`). */
  to: InstanceId
  id: JobId
  language: string
  code: string
  timeoutMs: number
  mac: string
}

/** What a job printed, as its outcome announcement carries it. */
export interface PrintedLine {
  kind: EventKind
  text: string
  stack?: string
  time: number
}

/** A job's outcome as the realm that ran it reports it. */
export interface OutcomeReport {
  realm: RealmId
  instance: InstanceId
  id: JobId
  outcome: Outcome
  console: PrintedLine[]
  started: number
  ended: number
}

const JOB = 'weft-repl-job'
const OUTCOME = 'weft-repl-outcome'
const ID = /^[A-Za-z0-9_-]{1,100}$/
const LANGUAGE = /^[a-z][a-z0-9+#.-]{0,31}$/i
const HEX_32 = /^[0-9a-f]{64}$/

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isTime = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0
const isText = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length <= max

/** The message a requester broadcasts after writing `job` to the session. */
export const jobAnnouncement = (job: JobAnnouncement) => ({ type: JOB, ...job })

/** A job announcement checked field by field, or null. Its MAC is checked by the realm (`refusal`). */
export function readJobAnnouncement(message: unknown): JobAnnouncement | null {
  if (!isRecord(message) || message.type !== JOB) return null
  const { realm, to, id, language, code, timeoutMs, mac } = message
  if (typeof realm !== 'string' || !ID.test(realm)) return null
  if (typeof to !== 'string' || !ID.test(to)) return null
  if (typeof id !== 'string' || !ID.test(id)) return null
  if (typeof language !== 'string' || !LANGUAGE.test(language)) return null
  if (typeof code !== 'string' || new TextEncoder().encode(code).length > LIMITS.codeBytes) return null
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) return null
  if (typeof mac !== 'string' || !HEX_32.test(mac)) return null
  return { realm, to, id, language, code, timeoutMs, mac }
}

/** The message a realm broadcasts when a job ends: the report as JSON text and its MAC under the realm's key. */
export async function outcomeAnnouncement(key: RealmKey, report: OutcomeReport) {
  const payload = JSON.stringify(report)
  return { type: OUTCOME, payload, mac: await macOf(key, OUTCOME, payload) }
}

/**
 * The outcome of the job `expected` names, if `message` reports it under a MAC `key` confirms and
 * it is well formed; null for anything else (another job's outcome, a forgery, a malformed report).
 */
export async function readOutcomeAnnouncement(
  key: RealmKey,
  message: unknown,
  expected: { realm: RealmId; instance: InstanceId; id: JobId },
): Promise<OutcomeReport | null> {
  if (!isRecord(message) || message.type !== OUTCOME) return null
  const { payload, mac } = message
  // The largest honest report: a result, an error and the bounded console, escaped as JSON.
  const maxChars = 8 * (LIMITS.resultChars + 3 * LIMITS.eventChars * (LIMITS.bufferedEvents + 2))
  if (typeof payload !== 'string' || payload.length > maxChars) return null
  if (typeof mac !== 'string' || !HEX_32.test(mac)) return null
  // Parsed only once it is known to come from the realm's key holder.
  if (!(await verifiesUnder(key, OUTCOME, payload, mac))) return null
  let report: unknown
  try {
    report = JSON.parse(payload)
  } catch {
    return null
  }
  const checked = checkReport(report)
  if (
    !checked ||
    checked.realm !== expected.realm ||
    checked.instance !== expected.instance ||
    checked.id !== expected.id
  )
    return null
  return checked
}

function checkReport(report: unknown): OutcomeReport | null {
  if (!isRecord(report)) return null
  const { realm, instance, id, outcome, console, started, ended } = report
  if (typeof realm !== 'string' || typeof instance !== 'string' || typeof id !== 'string') return null
  if (!isTime(started) || !isTime(ended) || !Array.isArray(console)) return null
  if (console.length > LIMITS.bufferedEvents + 1) return null
  const lines: PrintedLine[] = []
  for (const line of console) {
    if (!isRecord(line) || !(EVENT_KINDS as readonly string[]).includes(line.kind as string)) return null
    if (!isText(line.text, LIMITS.eventChars + 100) || !isTime(line.time)) return null
    if (line.stack !== undefined && !isText(line.stack, LIMITS.eventChars + 100)) return null
    lines.push({
      kind: line.kind as EventKind,
      text: line.text,
      time: line.time,
      ...(line.stack === undefined ? {} : { stack: line.stack }),
    })
  }
  const checked = checkOutcome(outcome)
  return checked && { realm, instance, id, outcome: checked, console: lines, started, ended }
}

function checkOutcome(outcome: unknown): Outcome | null {
  if (!isRecord(outcome)) return null
  if (outcome.ok === true) {
    const { text, json } = outcome
    if (!isText(text, LIMITS.resultChars + 100)) return null
    if (json !== undefined && !isText(json, LIMITS.resultChars)) return null
    return json === undefined ? { ok: true, text } : { ok: true, text, json }
  }
  if (outcome.ok !== false || !isRecord(outcome.error)) return null
  const { name, message, stack } = outcome.error
  if (!isText(name, 300) || !isText(message, LIMITS.eventChars + 100)) return null
  if (stack !== undefined && !isText(stack, LIMITS.eventChars + 100)) return null
  return { ok: false, error: stack === undefined ? { name, message } : { name, message, stack } }
}
