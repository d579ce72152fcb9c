import { captureConsole, captureGlobalErrors, scriptExecutor, type Executor } from '../../repl/Executor.ts'
import { exposeExecutor } from '../../repl/remoteExecutor.ts'
import type { RealmWorkerConnect } from '../../repl/workerRealm.ts'
import type { Host } from './host.ts'
import { offerRealm, type OfferedRealm } from './offerRealm.ts'

/** One executor per page: it patches this page's console and listens for its uncaught errors. */
let pageExecutor: Executor | null = null
const executor = () => (pageExecutor ??= scriptExecutor((code) => (0, eval)(code), [captureConsole(console), captureGlobalErrors(window)]))

/**
 * This tab as a REPL realm of one repository, once the person opts in (code sent to the realm runs
 * in this page, with its access). The opt-in and the realm id are kept per tab (sessionStorage), so
 * a reload keeps both; the realm's runtime lives in the repository worker, beside the session.
 */
export class TabRealm {
  /** This tab's realm id while opted in. */
  realm = $state<string | null>(null)
  error = $state('')
  readonly #host: Host
  readonly #repoId: string
  #offered: OfferedRealm | null = null

  constructor(host: Host, repoId: string) {
    this.#host = host
    this.#repoId = repoId
    if (sessionStorage.getItem(this.#optInKey) === 'yes') void this.optIn()
  }

  get #optInKey() { return `weft-repl-opt-in:${this.#repoId}` }
  get #realmKey() { return `weft-repl-realm:${this.#repoId}` }

  get optedIn(): boolean {
    return this.#offered !== null
  }

  async optIn(): Promise<void> {
    if (this.#offered) return
    sessionStorage.setItem(this.#optInKey, 'yes')
    const channel = new MessageChannel()
    exposeExecutor(executor(), channel.port1)
    const offer = { kind: 'tab' as const, label: `Tab · ${document.title}`, port: channel.port2, realm: sessionStorage.getItem(this.#realmKey) ?? undefined }
    const offered = offerRealm(this.#host, this.#repoId, offer, (realm) => {
      sessionStorage.setItem(this.#realmKey, realm)
      this.realm = realm
    }, (message) => { this.error = message })
    this.#offered = offered
    try {
      await offered.started
      this.error = ''
    } catch (e) {
      if (this.#offered === offered) this.#offered = null
      this.error = (e as Error).message
    }
  }

  /** Stops serving as a realm (also when the page goes away); `forget` also drops the opt-in. */
  stop(forget = true): void {
    if (forget) sessionStorage.removeItem(this.#optInKey)
    void this.#offered?.stop()
    this.#offered = null
    this.realm = null
  }
}

/**
 * A worker this tab started as a REPL realm: code runs in the worker (no DOM); the realm ends when
 * the worker is stopped or the tab goes away.
 */
export class WorkerRealm {
  realm = $state<string | null>(null)
  readonly #worker = new Worker(new URL('../../../workers/realm.worker.ts', import.meta.url), { type: 'module', name: 'weft-realm' })
  readonly #offered: OfferedRealm

  constructor(host: Host, repoId: string, label: string) {
    const channel = new MessageChannel()
    const connect: RealmWorkerConnect = { type: 'weft-realm-connect', port: channel.port1 }
    this.#worker.postMessage(connect, [channel.port1])
    this.#offered = offerRealm(host, repoId, { kind: 'worker', label, port: channel.port2 }, (realm) => { this.realm = realm })
    this.#offered.started.catch(() => this.#worker.terminate())
  }

  stop(): void {
    void this.#offered.stop().finally(() => this.#worker.terminate())
  }
}

