/**
 * The record of landing attempts, kept in the repository document (`RepositoryDoc.landings`) so
 * every peer sees who landed what and why a landing was refused. Each attempt is one JSON scalar:
 * any peer may have written it, so the reader checks every field and skips what does not fit.
 */
import type { DocHandle } from '@automerge/automerge-repo/slim'
import { readScalar, scalar } from '../model/scalar.ts'
import type { RepositoryDoc } from '../model/types.ts'

/** What came of an attempt. */
export type LandingVerdict =
  /** Every branch named landed. */
  | 'landed'
  /** `--partial`: the largest passing set landed, the rest did not. */
  | 'partial'
  /** The check failed; nothing landed (the culprits are named). */
  | 'failed'
  /** A branch conflicts with the others; nothing landed. */
  | 'conflicts'
  /** The target alone fails the check: no branch is to blame. */
  | 'target-fails'
  /** The target moved while the check ran; nothing was overwritten. */
  | 'moved'

export const VERDICTS: readonly LandingVerdict[] = [
  'landed',
  'partial',
  'failed',
  'conflicts',
  'target-fails',
  'moved',
]

/** A branch that could not be merged onto the others: its conflicted files, each with where (`class Cart › method total`). */
export interface LandingConflictReport {
  branch: string
  files: { path: string; places: string[] }[]
}

export interface LandingAttempt {
  id: string
  by: string
  started: number
  durationMs: number
  target: string
  /** The target's head before the attempt. */
  base: string | null
  branches: { name: string; head: string | null }[]
  check: string
  verdict: LandingVerdict
  landed: string[]
  /** Branches found to break the check (by landing subsets). */
  culprits: string[]
  conflicts: LandingConflictReport[]
  /** How many times the check ran. */
  checks: number
  /** The exit code of the check that decided the verdict (null: killed, or no check ran). */
  exitCode: number | null
  /** The end of that check's output. */
  output: string
  /** The target's new head, when something landed. */
  head: string | null
}

/** Attempts kept; older ones are dropped. */
export const MAX_LANDINGS = 50
/** Characters of a check's output kept with its attempt. */
export const OUTPUT_TAIL = 4000
const TEXT_LIMIT = 1000

const text = (value: unknown, limit = TEXT_LIMIT): string | null =>
  typeof value === 'string' ? value.slice(0, limit) : null
const names = (value: unknown): string[] | null =>
  Array.isArray(value) && value.every((v) => typeof v === 'string')
    ? value.slice(0, 200).map((v: string) => v.slice(0, 200))
    : null
const count = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null

/** One stored attempt, checked; null when any field is missing or of the wrong kind. */
export function parseLanding(id: string, json: string): LandingAttempt | null {
  let raw: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(json)
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null
    raw = parsed as Record<string, unknown>
  } catch {
    return null
  }
  const by = text(raw.by, 40)
  const target = text(raw.target, 200)
  const check = text(raw.check)
  const output = text(raw.output, OUTPUT_TAIL)
  const started = count(raw.started)
  const durationMs = count(raw.durationMs)
  const checks = count(raw.checks)
  const landed = names(raw.landed)
  const culprits = names(raw.culprits)
  const verdict = VERDICTS.find((v) => v === raw.verdict)
  const nullableText = (value: unknown) => (value === null ? null : text(value, 100))
  const base = nullableText(raw.base)
  const head = nullableText(raw.head)
  const exitCode = raw.exitCode === null ? null : count(raw.exitCode)
  const branches = Array.isArray(raw.branches)
    ? raw.branches.slice(0, 200).map((b: unknown) => {
        const { name, head } = (b ?? {}) as Record<string, unknown>
        const n = text(name, 200)
        return n === null ? null : { name: n, head: head === null ? null : text(head, 100) }
      })
    : null
  const conflicts = Array.isArray(raw.conflicts)
    ? raw.conflicts.slice(0, 200).map((c: unknown) => {
        const { branch, files } = (c ?? {}) as Record<string, unknown>
        const b = text(branch, 200)
        if (b === null || !Array.isArray(files)) return null
        const list = files.slice(0, 200).map((f: unknown) => {
          const { path, places } = (f ?? {}) as Record<string, unknown>
          const p = text(path)
          const where = names(places)
          return p === null || where === null ? null : { path: p, places: where }
        })
        return list.includes(null) ? null : { branch: b, files: list as LandingConflictReport['files'] }
      })
    : null
  if (
    by === null ||
    target === null ||
    check === null ||
    output === null ||
    started === null ||
    durationMs === null ||
    checks === null ||
    landed === null ||
    culprits === null ||
    verdict === undefined ||
    (raw.base !== null && base === null) ||
    (raw.head !== null && head === null) ||
    (raw.exitCode !== null && exitCode === null) ||
    branches === null ||
    branches.includes(null) ||
    branches.some((b) => b!.head === undefined) ||
    conflicts === null ||
    conflicts.includes(null)
  )
    return null
  return {
    id: id.slice(0, 100),
    by,
    started,
    durationMs,
    target,
    base,
    branches: branches as LandingAttempt['branches'],
    check,
    verdict,
    landed,
    culprits,
    conflicts: conflicts as LandingConflictReport[],
    checks,
    exitCode,
    output,
    head,
  }
}

/** The repository's landing attempts, newest first; entries that fail the check are left out. */
export function readLandings(doc: RepositoryDoc): LandingAttempt[] {
  const stored = doc.landings
  if (typeof stored !== 'object' || stored === null) return []
  const attempts: LandingAttempt[] = []
  for (const [id, value] of Object.entries(stored)) {
    const json = readScalar(value)
    const attempt = json === null ? null : parseLanding(id, json)
    if (attempt) attempts.push(attempt)
  }
  return attempts.sort((a, b) => b.started - a.started || (a.id < b.id ? 1 : -1))
}

/** Adds an attempt (its output cut to its tail), keeping the newest MAX_LANDINGS. */
export function saveLanding(handle: DocHandle<RepositoryDoc>, attempt: LandingAttempt): void {
  const stored = { ...attempt, output: attempt.output.slice(-OUTPUT_TAIL) }
  const { id, ...rest } = stored
  const dropped = readLandings(handle.doc())
    .slice(MAX_LANDINGS - 1)
    .map((a) => a.id)
  handle.change((d) => {
    d.landings ??= {}
    d.landings[id] = scalar(JSON.stringify(rest))
    for (const old of dropped) if (old !== id) delete d.landings[old]
  })
}
