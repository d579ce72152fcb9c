import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo/slim'
import { WeftError } from '../model/errors.ts'
import { scalar } from '../model/scalar.ts'
import type { RepositoryDoc } from '../model/types.ts'
import { jobAnnouncement, readOutcomeAnnouncement, type OutcomeReport } from './announcements.ts'
import { signJob, type RealmKey } from './realmKey.ts'
import {
  LIMITS,
  TERMINAL_STATES,
  type EventEntry,
  type EventView,
  type InstanceId,
  type JobEntry,
  type JobId,
  type JobState,
  type JobView,
  type LogView,
  type Outcome,
  type RealmEvent,
  type RealmId,
  type RealmKind,
  type RealmRecord,
  type RealmView,
  type ReplSessionDoc,
} from './types.ts'
import { newId } from '../model/ids.ts'

const LANGUAGE = /^[a-z][a-z0-9+#.-]{0,31}$/i

/** What a requester sends to a realm. */
export interface Request {
  realm: RealmId
  code: unknown
  language?: string
  requester: string
  timeoutMs?: number
  /** The realm's key, given by its owner: the job carries a MAC made with it. Without it the realm refuses the job. */
  key?: RealmKey
}

/** What registering a realm writes. */
export interface Registration {
  kind: RealmKind
  label: string
  owner: string
  instance: InstanceId
  heartbeatMs: number
}

const isTerminal = (state: JobState) => TERMINAL_STATES.includes(state)

/** Cuts text to `max` characters, saying how much was left out. */
export const bounded = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`

/**
 * One repository's REPL session document and the named operations on it: requesters send jobs and
 * expire them, realms register, heartbeat, claim, finish and report events. Every write re-checks
 * the state it depends on inside its change, so a job only ever moves forward.
 */
export class ReplSession {
  readonly handle: DocHandle<ReplSessionDoc>

  constructor(handle: DocHandle<ReplSessionDoc>) {
    this.handle = handle
  }

  /** The repository's session, or null if no realm ever opened one. */
  static async find(repo: Repo, repository: DocHandle<RepositoryDoc>): Promise<ReplSession | null> {
    const url = repository.doc().repl
    return url ? ReplSession.open(repo, String(url) as AutomergeUrl) : null
  }

  /**
   * The repository's session, created on first use. Two peers creating it concurrently each link
   * their own; Automerge keeps one link and the other document is abandoned (its realms re-register
   * when they next start).
   */
  static async ensure(repo: Repo, repository: DocHandle<RepositoryDoc>): Promise<ReplSession> {
    const found = await ReplSession.find(repo, repository)
    if (found) return found
    const handle = repo.create<ReplSessionDoc>({ weftRepl: 1, realms: {}, instances: {}, logs: {} })
    repository.change((d) => {
      d.repl = scalar(handle.url)
    })
    return new ReplSession(handle)
  }

  /** The session document at `url`; rejects if it is unavailable or not a session. */
  static async open(repo: Repo, url: AutomergeUrl): Promise<ReplSession> {
    const handle = await repo.find<ReplSessionDoc>(url)
    if (handle.doc()?.weftRepl !== 1) throw new WeftError('not-found', `${url} is not a Weft REPL session.`)
    return new ReplSession(handle)
  }

  get url(): AutomergeUrl {
    return this.handle.url
  }

  /** Every realm registered here (alive, gone or closed), oldest first. */
  realms(now = Date.now()): RealmView[] {
    return Object.keys(this.handle.doc().realms)
      .map((id) => this.realm(id, now)!)
      .sort((a, b) => a.started - b.started)
  }

  /** One realm; `gone` once it missed LIMITS.missedHeartbeats heartbeats by `now` (peers' clocks are compared). */
  realm(id: RealmId, now = Date.now()): RealmView | undefined {
    const r = this.handle.doc().realms[id]
    if (!r) return undefined
    const gone = now - r.heartbeat > r.heartbeatMs * LIMITS.missedHeartbeats
    return {
      id,
      kind: r.kind,
      label: r.label,
      owner: String(r.owner),
      instance: String(r.instance),
      started: r.started,
      heartbeat: r.heartbeat,
      heartbeatMs: r.heartbeatMs,
      status: r.closed !== undefined ? 'closed' : gone ? 'gone' : 'alive',
    }
  }

  /** A realm's log in order (the lists of the instances that held it, oldest first), plain strings. */
  log(realm: RealmId): LogView[] {
    const doc = this.handle.doc()
    return instancesOf(doc, realm)
      .flatMap((i) => doc.logs[i] ?? [])
      .map((e) => (e.type === 'job' ? jobView(realm, e) : eventView(e)))
  }

  /** One job of a realm, as it stands. */
  job(realm: RealmId, id: JobId): JobView | undefined {
    const doc = this.handle.doc()
    for (const instance of instancesOf(doc, realm)) {
      const entry = findJob(doc, instance, id)
      if (entry) return jobView(realm, entry)
    }
    return undefined
  }

  /** What the realm printed (console, uncaught errors) while the job ran, in order. */
  printedBy(realm: RealmId, id: JobId): EventView[] {
    return this.log(realm).filter((e): e is EventView => e.type === 'event' && e.job === id)
  }

  /**
   * Appends a job for the instance holding the realm now, signed with `request.key` if given;
   * refuses what no realm could run.
   */
  async request(request: Request, now = Date.now()): Promise<JobView> {
    const { code, realm } = request
    if (typeof code !== 'string' || !code.trim())
      throw new WeftError('bad-input', 'A request needs code: a non-empty string.')
    const bytes = new TextEncoder().encode(code).length
    if (bytes > LIMITS.codeBytes)
      throw new WeftError('too-large', `Code is ${bytes} bytes; the limit is ${LIMITS.codeBytes}.`)
    const language = request.language ?? 'javascript'
    if (!LANGUAGE.test(language)) throw new WeftError('bad-input', `"${language}" is not a language name.`)
    const timeoutMs = request.timeoutMs ?? LIMITS.defaultTimeoutMs
    if (!(timeoutMs > 0))
      throw new WeftError('bad-input', 'A timeout must be a positive number of milliseconds.')
    const target = this.realm(realm, now)
    if (!target)
      throw new WeftError('not-found', `No realm "${realm}" in this repository; see \`weft repl list\`.`)
    if (target.status !== 'alive')
      throw new WeftError(
        'unavailable',
        `Realm "${realm}" is ${target.status} (last heartbeat ${new Date(target.heartbeat).toISOString()}).`,
      )
    const id = newId()
    const entry: JobEntry = {
      type: 'job',
      id,
      code: scalar(code),
      language: scalar(language),
      requester: scalar(request.requester),
      to: scalar(target.instance),
      requested: now,
      timeoutMs,
      state: 'requested',
    }
    if (request.key !== undefined)
      entry.mac = scalar(
        await signJob(request.key, { realm, instance: target.instance, id, language, code, timeoutMs }),
      )
    this.handle.change((d) => {
      const log = d.logs[target.instance]
      if (!log) throw new WeftError('unavailable', `Realm "${realm}" is registering; try again.`)
      log.push(entry)
    })
    // Written first, then announced: the realm may run it at once (see announcements.ts).
    if (entry.mac !== undefined)
      this.handle.broadcast(
        jobAnnouncement({
          realm,
          to: target.instance,
          id,
          language,
          code,
          timeoutMs,
          mac: String(entry.mac),
        }),
      )
    return this.job(realm, entry.id)!
  }

  /**
   * A job's outcome and what it printed: from the realm's outcome announcement if one comes that
   * `key` confirms, else from the session document (`outcome`, `printedBy`), whichever is first.
   */
  async reply(realm: RealmId, job: JobView, key?: RealmKey): Promise<{ job: JobView; console: EventView[] }> {
    let stopListening = () => {}
    const announced = new Promise<OutcomeReport>((resolve) => {
      if (key === undefined) return
      const expected = { realm, instance: job.to, id: job.id }
      const hear = ({ message }: { message: unknown }) =>
        void readOutcomeAnnouncement(key, message, expected).then((report) => report && resolve(report))
      this.handle.on('ephemeral-message', hear)
      stopListening = () => this.handle.off('ephemeral-message', hear)
    })
    const given = new AbortController()
    const recorded = this.outcome(realm, job.id, undefined, given.signal).then((done) => ({
      job: done,
      console: this.printedBy(realm, job.id),
    }))
    try {
      return await Promise.race([recorded, announced.then((report) => reportedReply(job, report))])
    } finally {
      stopListening()
      given.abort()
    }
  }

  /**
   * Times out unfinished jobs that cannot finish any more: their realm is gone or closed, another
   * instance took the realm before they were claimed, or their deadline passed. Any observer may
   * call it; returns how many it timed out.
   */
  expire(now = Date.now()): number {
    const doc = this.handle.doc()
    const reasons: { instance: InstanceId; id: JobId; reason: string }[] = []
    for (const [instance, entries] of Object.entries(doc.logs)) {
      const realm = doc.instances[instance]?.realm
      const holder = realm === undefined ? undefined : this.realm(realm, now)
      for (const e of entries) {
        if (e.type !== 'job' || isTerminal(e.state)) continue
        const reason = !holder
          ? `realm ${realm} no longer exists`
          : holder.status === 'closed'
            ? `realm ${realm} was closed before the job finished`
            : holder.status === 'gone'
              ? `realm ${realm} stopped heartbeating (last seen ${new Date(holder.heartbeat).toISOString()}); it is gone`
              : e.state === 'requested' && holder.instance !== String(e.to)
                ? `realm ${realm} was restarted before running the job; send it again`
                : now - e.requested > e.timeoutMs
                  ? `no result within ${e.timeoutMs} ms`
                  : null
        if (reason) reasons.push({ instance, id: e.id, reason })
      }
    }
    if (reasons.length)
      this.handle.change((d) => {
        for (const { instance, id, reason } of reasons) {
          const job = findJob(d, instance, id)
          if (job && !isTerminal(job.state))
            Object.assign(job, { state: 'timed-out', ended: now, reason: scalar(reason) })
        }
      })
    return reasons.length
  }

  /** Resolves once the job has finished, failed or timed out, expiring it when it can no longer finish. */
  outcome(realm: RealmId, id: JobId, checkEveryMs = 250, signal?: AbortSignal): Promise<JobView> {
    return new Promise((resolve, reject) => {
      // Given up on (the answer came another way): stop watching; the promise never settles.
      signal?.addEventListener('abort', () => done(() => {}), { once: true })
      const check = () => {
        this.expire()
        const job = this.job(realm, id)
        if (!job) return done(() => reject(new WeftError('not-found', `No job ${id} in realm ${realm}.`)))
        if (isTerminal(job.state)) done(() => resolve(job))
      }
      const timer = setInterval(check, checkEveryMs)
      const done = (settle: () => void) => {
        clearInterval(timer)
        this.handle.off('change', check)
        settle()
      }
      this.handle.on('change', check)
      check()
    })
  }

  // The realm's side.

  /** Makes a new `instance` the holder of the realm id (creating the realm if new), with its own log list. */
  register(realm: RealmId, r: Registration, now = Date.now()): void {
    const record: RealmRecord = {
      ...r,
      owner: scalar(r.owner),
      instance: scalar(r.instance),
      started: now,
      heartbeat: now,
    }
    this.handle.change((d) => {
      d.realms[realm] = record
      d.instances[r.instance] = { realm, started: now }
      d.logs[r.instance] = []
    })
  }

  /** Records that the instance is alive; false if it no longer holds the realm. */
  heartbeat(realm: RealmId, instance: InstanceId, now = Date.now()): boolean {
    if (!this.holds(realm, instance)) return false
    this.handle.change((d) => {
      d.realms[realm].heartbeat = now
    })
    return true
  }

  /** True while `instance` is the realm's open holder. */
  holds(realm: RealmId, instance: InstanceId): boolean {
    const r = this.handle.doc().realms[realm]
    return !!r && String(r.instance) === instance && r.closed === undefined
  }

  /** Marks the realm closed (an orderly stop), if `instance` still holds it. */
  close(realm: RealmId, instance: InstanceId, now = Date.now()): void {
    if (this.holds(realm, instance))
      this.handle.change((d) => {
        d.realms[realm].closed = now
      })
  }

  /** The jobs waiting for `instance`, oldest first. */
  requestedFor(instance: InstanceId): JobId[] {
    return (this.handle.doc().logs[instance] ?? []).flatMap((e) =>
      e.type === 'job' && e.state === 'requested' && String(e.to) === instance ? [e.id] : [],
    )
  }

  /** True while a job waits for `instance` to take it (read only; `claim` or `finish` write it taken). */
  claimable(instance: InstanceId, id: JobId): boolean {
    const job = findJob(this.handle.doc(), instance, id)
    return job?.state === 'requested' && String(job.to) === instance
  }

  /**
   * Moves a job addressed to `instance` from requested to dispatched (to executing too, when given
   * the time it `started`); true if this call did it.
   */
  claim(instance: InstanceId, id: JobId, now = Date.now(), started?: number): boolean {
    let claimed = false
    this.handle.change((d) => {
      const job = findJob(d, instance, id)
      if (!job || job.state !== 'requested' || String(job.to) !== instance) return
      Object.assign(job, { state: 'dispatched', claim: scalar(instance), dispatched: now })
      if (started !== undefined) Object.assign(job, { state: 'executing', started })
      claimed = true
    })
    return claimed
  }

  /** Records that a claimed job started running. */
  executing(instance: InstanceId, id: JobId, now = Date.now()): void {
    this.handle.change((d) => {
      const job = findJob(d, instance, id)
      if (job?.state === 'dispatched') Object.assign(job, { state: 'executing', started: now })
    })
  }

  /**
   * Records a job's outcome, unless it already ended (timed out meanwhile). A job `instance` took
   * without writing a claim (one that ended quickly) is recorded as claimed too, and as started
   * at `started` if it ran.
   */
  finish(instance: InstanceId, id: JobId, outcome: Outcome, now = Date.now(), started?: number): void {
    this.handle.change((d) => {
      const job = findJob(d, instance, id)
      if (!job || isTerminal(job.state)) return
      if (job.state === 'requested') {
        if (String(job.to) !== instance) return
        Object.assign(job, { claim: scalar(instance), dispatched: started ?? now })
        if (started !== undefined) job.started = started
      }
      job.ended = now
      // Bounded here too: an executor across a port is not trusted to have bounded its output.
      if (outcome.ok) {
        job.state = 'finished'
        const text = scalar(bounded(outcome.text, LIMITS.resultChars))
        job.result =
          outcome.json === undefined || outcome.json.length > LIMITS.resultChars
            ? { text }
            : { text, json: scalar(outcome.json) }
      } else {
        job.state = 'failed'
        const { name, message, stack } = outcome.error
        const error = {
          name: scalar(bounded(name, 200)),
          message: scalar(bounded(message, LIMITS.eventChars)),
        }
        job.error =
          stack === undefined ? error : { ...error, stack: scalar(bounded(stack, LIMITS.eventChars)) }
      }
    })
  }

  /** Appends captured events in one change; `dropped` counts those the buffer could not hold. */
  appendEvents(instance: InstanceId, events: RealmEvent[], dropped = 0, now = Date.now()): void {
    const entries: EventEntry[] = events.map((e) => {
      const entry: EventEntry = {
        type: 'event',
        kind: e.kind,
        text: scalar(bounded(e.text, LIMITS.eventChars)),
        time: e.time,
        instance: scalar(instance),
      }
      if (e.stack !== undefined) entry.stack = scalar(bounded(e.stack, LIMITS.eventChars))
      if (e.job !== undefined) entry.job = scalar(e.job)
      return entry
    })
    if (dropped)
      entries.push({
        type: 'event',
        kind: 'dropped',
        text: scalar(`${dropped} events dropped: the realm produced them faster than they could be written`),
        time: now,
        instance: scalar(instance),
      })
    if (entries.length)
      this.handle.change((d) => {
        d.logs[instance]?.push(...entries)
      })
  }
}

/** The job as its outcome announcement says it ended, and what it printed. */
function reportedReply(job: JobView, report: OutcomeReport): { job: JobView; console: EventView[] } {
  const { outcome, started, ended, instance } = report
  const base = { ...job, claim: instance, dispatched: started, started, ended }
  const ended_: JobView = outcome.ok
    ? {
        ...base,
        state: 'finished',
        result:
          outcome.json === undefined ? { text: outcome.text } : { text: outcome.text, json: outcome.json },
      }
    : { ...base, state: 'failed', error: outcome.error }
  const console = report.console.map((line): EventView => ({ type: 'event', ...line, instance, job: job.id }))
  return { job: ended_, console }
}

function findJob(d: ReplSessionDoc, instance: InstanceId, id: JobId): JobEntry | undefined {
  return d.logs[instance]?.find((e): e is JobEntry => e.type === 'job' && e.id === id)
}

/** The instances that held a realm, oldest first. */
function instancesOf(d: ReplSessionDoc, realm: RealmId): InstanceId[] {
  return Object.entries(d.instances)
    .filter(([, i]) => i.realm === realm)
    .sort(([, a], [, b]) => a.started - b.started)
    .map(([id]) => id)
}

function jobView(realm: RealmId, e: JobEntry): JobView {
  const view: JobView = {
    type: 'job',
    id: e.id,
    realm,
    code: String(e.code),
    language: String(e.language),
    requester: String(e.requester),
    to: String(e.to),
    requested: e.requested,
    timeoutMs: e.timeoutMs,
    state: e.state,
  }
  if (e.mac !== undefined) view.mac = String(e.mac)
  if (e.claim !== undefined) view.claim = String(e.claim)
  if (e.dispatched !== undefined) view.dispatched = e.dispatched
  if (e.started !== undefined) view.started = e.started
  if (e.ended !== undefined) view.ended = e.ended
  if (e.result)
    view.result =
      e.result.json === undefined
        ? { text: String(e.result.text) }
        : { text: String(e.result.text), json: String(e.result.json) }
  if (e.error)
    view.error = {
      name: String(e.error.name),
      message: String(e.error.message),
      ...(e.error.stack === undefined ? {} : { stack: String(e.error.stack) }),
    }
  if (e.reason !== undefined) view.reason = String(e.reason)
  return view
}

function eventView(e: EventEntry): LogView {
  return {
    type: 'event',
    kind: e.kind,
    text: String(e.text),
    time: e.time,
    instance: String(e.instance),
    ...(e.stack === undefined ? {} : { stack: String(e.stack) }),
    ...(e.job === undefined ? {} : { job: String(e.job) }),
  }
}
