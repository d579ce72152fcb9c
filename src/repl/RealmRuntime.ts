import {
  outcomeAnnouncement,
  readJobAnnouncement,
  type JobAnnouncement,
  type PrintedLine,
} from './announcements.ts'
import type { Executor } from './Executor.ts'
import { refusal, type RealmKey } from './realmKey.ts'
import { bounded, type ReplSession } from './ReplSession.ts'
import {
  LIMITS,
  type InstanceId,
  type JobId,
  type Outcome,
  type RealmEvent,
  type RealmId,
  type RealmKind,
} from './types.ts'

/** What runs: the fields a job's MAC covers, from the document or from an announcement. */
type Runnable = Pick<JobAnnouncement, 'id' | 'language' | 'code' | 'timeoutMs'> & { mac?: string }

/** An outcome not written yet because the job's entry has not reached this replica (it came announced). */
interface Unrecorded {
  outcome: Outcome
  started: number
  ended: number
}

/** What a realm runtime needs: where it registers, what runs the code, and how it is shown. */
export interface RealmOptions {
  session: ReplSession
  executor: Executor
  /**
   * The owner's secret: only jobs whose MAC this key confirms run (see `realmKey.ts`). It stays
   * with the runtime; it is never written into the session.
   */
  key: RealmKey
  kind: RealmKind
  label: string
  /** The automerge-repo peer id of the host (`repo.peerId`). */
  owner: string
  /** A realm id to restore (a reloaded tab keeps its address); ignored when a live instance holds it… */
  realm?: RealmId
  /**
   * …unless the caller knows that instance is dead, e.g. a reloaded tab whose previous page has not
   * closed the realm yet (a Web Lock named after the realm, held by the page, tells a reload from a
   * duplicated tab). The displaced instance, if it still runs, moves to a fresh realm id.
   */
  takeOver?: boolean
  heartbeatMs?: number
  /** Told the realm id whenever it changes: at start, and if another instance takes the id over. */
  onRealm?: (realm: RealmId) => void
}

/** How long captured events wait, so a burst of console output becomes one change. */
const FLUSH_MS = 20
/**
 * A job still running after this long is written claimed and executing; one that ends sooner is
 * written once, claimed and finished together. automerge-repo sends a document's changes at most
 * every 100 ms, so a claim written first held every result back by that much (bench/repl.bench.ts).
 */
const QUIET_CLAIM_MS = 50

/**
 * A realm's runtime: registers the realm, heartbeats, and runs the jobs addressed to it, one at a
 * time, writing their progress and results, plus the events its executor captures.
 *
 * Exactly once: a job names the instance that must run it (`to`: the holder of the realm id when
 * the job was written; the job is appended to that instance's own log list), and instance ids are
 * random per registration, so no other runtime anywhere can run it, whatever Automerge merges
 * later. Within this runtime a job is taken only while it is still requested, and started jobs
 * are remembered, so a job seen again (every change re-reads the list) is not run again; the claim
 * is written (a change that re-checks the state) with the outcome, or as soon as the job is slow. If two instances take one realm id concurrently (two replicas restoring one tab),
 * Automerge keeps one holder on every peer; the other runtime re-registers under a fresh realm id
 * (and instance), and `ReplSession.expire` times out its old instance's unclaimed jobs with that
 * reason.
 *
 * Consent: the session document is writable by anyone with the repository link, so a job runs only
 * if its MAC verifies under the owner's key, over the very values that then run (one snapshot, read
 * after the claim); any other job is marked failed, "not authorized: …", and nothing runs.
 *
 * DOM-free: in the app it runs where the session document is (the repository worker) with the
 * tab's executor across a port (`remoteExecutor.ts`); or wholly in a worker, or in Node.
 */
export class RealmRuntime {
  #instance: InstanceId = crypto.randomUUID()
  readonly #options: RealmOptions
  readonly #session: ReplSession
  readonly #heartbeatMs: number
  #realm: RealmId
  readonly #started = new Set<JobId>()
  #queue: Promise<void> = Promise.resolve()
  /** The job running now (jobs run one at a time): what the realm prints meanwhile is that job's output. */
  #current: JobId | null = null
  /** When the running job started, once it has run long enough for its claim to be written. */
  #slowSince: number | null = null
  #buffer: RealmEvent[] = []
  #dropped = 0
  #flushTimer: ReturnType<typeof setTimeout> | null = null
  /** What the running job printed, for its outcome announcement (bounded as the log is). */
  #printed: PrintedLine[] = []
  /** Announced jobs that ended before their entry arrived: written when it does. */
  readonly #unrecorded = new Map<JobId, Unrecorded>()
  #heartbeat: ReturnType<typeof setInterval>
  #unlisten: () => void
  #stopped = false

  private constructor(options: RealmOptions) {
    this.#options = options
    this.#session = options.session
    this.#heartbeatMs = options.heartbeatMs ?? LIMITS.heartbeatMs
    const restored = options.realm ? this.#session.realm(options.realm) : undefined
    this.#realm =
      options.realm && (options.takeOver || restored?.status !== 'alive')
        ? options.realm
        : crypto.randomUUID()
    this.#register()
    this.#unlisten = options.executor.listen((event) => this.#capture(event))
    this.#heartbeat = setInterval(
      () => this.#session.heartbeat(this.#realm, this.instance),
      this.#heartbeatMs,
    )
    this.#session.handle.on('change', this.#scan)
    this.#session.handle.on('ephemeral-message', this.#hear)
    this.#scan()
  }

  /** Registers the realm and starts serving it. */
  static start(options: RealmOptions): RealmRuntime {
    return new RealmRuntime(options)
  }

  /** The realm id jobs are addressed to; it changes only if another instance takes it over. */
  get realm(): RealmId {
    return this.#realm
  }

  /** This runtime's current registration; renewed with the realm id if another instance takes it. */
  get instance(): InstanceId {
    return this.#instance
  }

  /**
   * Stops taking jobs, writes pending events and marks the realm closed. It does not wait for a
   * running job: its executor may be gone with its tab. Unfinished jobs are then timed out by
   * `ReplSession.expire`; a result that still arrives is recorded if none was yet.
   */
  stop(): void {
    if (this.#stopped) return
    this.#stopped = true
    clearInterval(this.#heartbeat)
    this.#session.handle.off('change', this.#scan)
    this.#session.handle.off('ephemeral-message', this.#hear)
    this.#unlisten()
    this.#flush()
    this.#session.close(this.#realm, this.instance)
  }

  #register(): void {
    const { kind, label, owner } = this.#options
    this.#session.register(this.#realm, {
      kind,
      label,
      owner,
      instance: this.instance,
      heartbeatMs: this.#heartbeatMs,
    })
    this.#options.onRealm?.(this.#realm)
  }

  readonly #scan = () => {
    if (this.#stopped) return
    if (!this.#session.holds(this.#realm, this.instance)) {
      // Another instance holds our realm id now (see the class comment): carry on under a fresh one.
      this.#flush()
      this.#realm = crypto.randomUUID()
      this.#instance = crypto.randomUUID()
      this.#register()
    }
    const realm = this.#realm
    const instance = this.#instance
    for (const id of this.#session.requestedFor(instance)) {
      const unrecorded = this.#unrecorded.get(id)
      if (unrecorded) {
        this.#unrecorded.delete(id)
        this.#session.finish(instance, id, unrecorded.outcome, unrecorded.ended, unrecorded.started)
      }
      if (id === this.#current && this.#slowSince !== null)
        this.#session.claim(instance, id, Date.now(), this.#slowSince)
      if (this.#started.has(id)) continue
      this.#started.add(id)
      this.#queue = this.#queue.then(() => this.#run(realm, instance, id))
    }
  }

  /**
   * A job announced ahead of its entry: run at once if it is addressed to this instance, its MAC
   * verifies and it was not run yet. Anything else is ignored here (a refusal is written when the
   * entry arrives, as for any job), so a hostile announcement changes nothing.
   */
  readonly #hear = ({ message }: { message: unknown }): void => {
    const job = readJobAnnouncement(message)
    if (!job || this.#stopped || job.realm !== this.#realm || job.to !== this.#instance) return
    if (this.#started.has(job.id)) return
    const { realm, to: instance } = job
    this.#queue = this.#queue.then(async () => {
      if ((await this.#refusal(realm, instance, job)) !== null) return
      // Checked again after the await: the entry may have arrived (and been taken) meanwhile; one
      // that is no longer requested (timed out by an observer) is not run late.
      if (this.#stopped || this.#started.has(job.id) || !this.#stillRequested(realm, instance, job.id)) return
      this.#started.add(job.id)
      await this.#execute(realm, instance, job)
    })
  }

  /** True unless the job's entry is here and no longer waiting for this instance. */
  #stillRequested(realm: RealmId, instance: InstanceId, id: JobId): boolean {
    return this.#session.job(realm, id) === undefined || this.#session.claimable(instance, id)
  }

  #refusal(realm: RealmId, instance: InstanceId, job: Runnable): Promise<string | null> {
    const { id, language, code, timeoutMs, mac } = job
    return refusal(this.#options.key, { realm, instance, id, language, code, timeoutMs }, mac).catch(
      (error: unknown) => `not authorized: the key proof could not be checked (${String(error)})`,
    )
  }

  async #run(realm: RealmId, instance: InstanceId, id: JobId): Promise<void> {
    // Taken by reading, not by a write: only this runtime runs jobs addressed to its instance, and
    // `#started` keeps each to once; the claim is written with the outcome, or once the job is slow.
    if (!this.#session.claimable(instance, id)) return
    // One snapshot: what is verified is what runs, whatever a peer writes into the entry meanwhile.
    const job = this.#session.job(realm, id)!
    const refused = await this.#refusal(realm, instance, job)
    if (refused)
      return this.#session.finish(instance, id, {
        ok: false,
        error: { name: 'NotAuthorized', message: refused },
      })
    await this.#execute(realm, instance, job)
  }

  /** Runs a verified job, records its outcome (now, or when its entry arrives) and announces it. */
  async #execute(realm: RealmId, instance: InstanceId, job: Runnable): Promise<void> {
    const { id } = job
    const { executor, key } = this.#options
    const started = Date.now()
    const slow = setTimeout(() => {
      // An announced job's entry may not be here yet: then `#scan` writes the claim when it comes.
      this.#slowSince = started
      this.#session.claim(instance, id, Date.now(), started)
    }, QUIET_CLAIM_MS)
    this.#current = id
    this.#printed = []
    const outcome: Outcome = executor.languages.includes(job.language)
      ? await executor.run(job.code, job.language).catch((error: unknown) => ({
          ok: false as const,
          error: { name: 'RealmError', message: `The realm could not run the job: ${String(error)}` },
        }))
      : {
          ok: false as const,
          error: {
            name: 'UnsupportedLanguage',
            message: `Realm ${realm} runs ${executor.languages[0]}, not ${job.language}.`,
          },
        }
    clearTimeout(slow)
    this.#current = null
    this.#slowSince = null
    const ended = Date.now()
    // Its output is written before its end, so whoever sees the end has the output too.
    this.#flush()
    if (this.#session.job(realm, id)) this.#session.finish(instance, id, outcome, ended, started)
    else this.#unrecorded.set(id, { outcome, started, ended })
    const report = { realm, instance, id, outcome: boundedOutcome(outcome), console: this.#printed }
    this.#printed = []
    this.#session.handle.broadcast(await outcomeAnnouncement(key, { ...report, started, ended }))
  }

  #capture(event: RealmEvent): void {
    if (this.#current !== null && this.#printed.length < LIMITS.bufferedEvents)
      this.#printed.push({
        kind: event.kind,
        text: bounded(event.text, LIMITS.eventChars),
        time: event.time,
        ...(event.stack === undefined ? {} : { stack: bounded(event.stack, LIMITS.eventChars) }),
      })
    if (this.#buffer.length >= LIMITS.bufferedEvents) this.#dropped++
    // Built afresh: which job an event belongs to is this runtime's to say, never the executor's.
    else
      this.#buffer.push({
        kind: event.kind,
        text: event.text,
        time: event.time,
        ...(event.stack === undefined ? {} : { stack: event.stack }),
        ...(this.#current === null ? {} : { job: this.#current }),
      })
    this.#flushTimer ??= setTimeout(() => this.#flush(), FLUSH_MS)
  }

  #flush(): void {
    if (this.#flushTimer) clearTimeout(this.#flushTimer)
    this.#flushTimer = null
    if (!this.#buffer.length && !this.#dropped) return
    this.#session.appendEvents(this.#instance, this.#buffer, this.#dropped)
    this.#buffer = []
    this.#dropped = 0
  }
}

/** An outcome cut to the bounds the session document keeps (an executor is not trusted to have). */
function boundedOutcome(outcome: Outcome): Outcome {
  if (outcome.ok)
    return {
      ok: true,
      text: bounded(outcome.text, LIMITS.resultChars),
      ...(outcome.json === undefined || outcome.json.length > LIMITS.resultChars
        ? {}
        : { json: outcome.json }),
    }
  const { name, message, stack } = outcome.error
  const error = { name: bounded(name, 200), message: bounded(message, LIMITS.eventChars) }
  return {
    ok: false,
    error: stack === undefined ? error : { ...error, stack: bounded(stack, LIMITS.eventChars) },
  }
}
