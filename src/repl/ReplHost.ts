import type { DocHandle, Repo } from '@automerge/automerge-repo/slim'
import type { RepositoryDoc } from '../model/types.ts'
import { WeftError } from '../model/errors.ts'
import { RealmRuntime } from './RealmRuntime.ts'
import { newRealmKey, parseRealmKey, type RealmKey } from './realmKey.ts'
import { ReplSession, type Request } from './ReplSession.ts'
import { remoteExecutor } from './remoteExecutor.ts'
import type { JobView, LogView, RealmId, RealmView } from './types.ts'

/** What a window sees of a repository's REPL session: the realms, and one realm's log. */
export interface ReplView {
  realms: RealmView[]
  log: LogView[]
}

/** A realm a window offers: where its code runs, served on `port`. */
export interface RealmOffer {
  kind: 'tab' | 'worker' | 'run'
  label: string
  port: MessagePort
  realm?: RealmId
  takeOver?: boolean
  /** The realm's key (a reloaded tab keeps its own); a fresh one if absent. */
  key?: RealmKey
}

/** Opens a repository by its catalog id (the session document hangs off the repository document). */
export type RepositoryOpener = (id: string) => Promise<{ handle: DocHandle<RepositoryDoc> }>

/** A realm a window opted in: its runtime here, and when the window last said it is still there. */
interface HostedRealm {
  runtime: RealmRuntime
  key: RealmKey
  seen: number
}

/** How often views refresh and jobs are expired (liveness is time-based, so changes alone do not do it). */
const TICK_MS = 2_000
/** A window not heard from for this long is gone: its realms close (hidden tabs may tick once a minute). */
const WINDOW_GONE_MS = 90_000

/**
 * REPL sessions for the app, where the session documents live (the repository worker): realms of
 * tabs that opted in (their code runs in the tab, over a port), requests, logs, and watchers.
 */
export class ReplHost {
  readonly #repo: Repo
  readonly #repository: RepositoryOpener
  readonly #hosted = new Map<string, HostedRealm>()
  #next = 1

  constructor(repo: Repo, repository: RepositoryOpener) {
    this.#repo = repo
    this.#repository = repository
  }

  async #session(id: string): Promise<ReplSession> {
    return ReplSession.ensure(this.#repo, (await this.#repository(id)).handle)
  }

  /**
   * Registers a realm for an executor a window serves on `port` (the tab itself, or a worker it
   * started); `onRealm` hears its id (to keep for a reload). Returns a handle for `keepAlive` and `stop`.
   */
  async start(id: string, options: RealmOffer, onRealm: (realm: RealmId) => void): Promise<string> {
    const key = options.key === undefined ? newRealmKey() : parseRealmKey(options.key)
    const runtime = RealmRuntime.start({
      session: await this.#session(id),
      executor: await remoteExecutor(options.port),
      key,
      kind: options.kind,
      label: options.label,
      owner: this.#repo.peerId,
      realm: options.realm,
      takeOver: options.takeOver,
      onRealm,
    })
    const handle = `realm-${this.#next++}`
    this.#hosted.set(handle, { runtime, key, seen: Date.now() })
    return handle
  }

  /** The key of a realm hosted here (for its owner to show and hand on), or null if it runs elsewhere. */
  key(realm: RealmId): RealmKey | null {
    for (const hosted of this.#hosted.values()) if (hosted.runtime.realm === realm) return hosted.key
    return null
  }

  keepAlive(key: string): void {
    const hosted = this.#hosted.get(key)
    if (!hosted) throw new WeftError('not-found', "This tab's realm was closed; opt in again.")
    hosted.seen = Date.now()
  }

  stop(key: string): void {
    this.#hosted.get(key)?.runtime.stop()
    this.#hosted.delete(key)
  }

  /** Sends a job, signed with the given key, else with the realm's own key if it is hosted here. */
  async request(id: string, request: Request): Promise<JobView> {
    const key = request.key ?? this.key(request.realm) ?? undefined
    return (await this.#session(id)).request({ ...request, ...(key === undefined ? {} : { key }) })
  }

  /**
   * Calls `onChange` with the realms and `realm`'s log now, on every change of the session, and
   * every couple of seconds (realms go quiet without any change); expires jobs that cannot finish.
   */
  async watch(id: string, realm: RealmId | null, onChange: (view: ReplView) => void): Promise<() => void> {
    const session = await this.#session(id)
    const send = () => onChange({ realms: session.realms(), log: realm ? session.log(realm) : [] })
    const tick = setInterval(() => {
      this.#closeGoneWindows()
      session.expire()
      send()
    }, TICK_MS)
    session.handle.on('change', send)
    send()
    return () => {
      clearInterval(tick)
      session.handle.off('change', send)
    }
  }

  #closeGoneWindows(): void {
    const cutoff = Date.now() - WINDOW_GONE_MS
    for (const [key, hosted] of this.#hosted) if (hosted.seen < cutoff) this.stop(key)
  }
}
