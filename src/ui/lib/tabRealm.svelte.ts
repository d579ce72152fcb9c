import * as Comlink from 'comlink'
import { captureConsole, captureGlobalErrors, scriptExecutor, type Executor } from '../../repl/Executor.ts'
import { exposeExecutor } from '../../repl/remoteExecutor.ts'
import type { RealmWorkerConnect } from '../../repl/workerRealm.ts'
import type { Host } from './host.ts'

/** One executor per page: it patches this page's console and listens for its uncaught errors. */
let pageExecutor: Executor | null = null
const executor = () => (pageExecutor ??= scriptExecutor((code) => (0, eval)(code), [captureConsole(console), captureGlobalErrors(window)]))

const KEEP_ALIVE_MS = 5_000

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
  #key: Promise<string> | null = null
  #keepAlive: ReturnType<typeof setInterval> | undefined

  constructor(host: Host, repoId: string) {
    this.#host = host
    this.#repoId = repoId
    if (sessionStorage.getItem(this.#optInKey) === 'yes') void this.optIn()
  }

  get #optInKey() { return `weft-repl-opt-in:${this.#repoId}` }
  get #realmKey() { return `weft-repl-realm:${this.#repoId}` }

  get optedIn(): boolean {
    return this.#key !== null
  }

  async optIn(): Promise<void> {
    if (this.#key) return
    sessionStorage.setItem(this.#optInKey, 'yes')
    const channel = new MessageChannel()
    exposeExecutor(executor(), channel.port1)
    const options = { kind: 'tab' as const, label: `Tab · ${document.title}`, port: channel.port2, realm: sessionStorage.getItem(this.#realmKey) ?? undefined }
    const onRealm = Comlink.proxy((realm: string) => {
      sessionStorage.setItem(this.#realmKey, realm)
      this.realm = realm
    })
    this.#key = this.#host.service.replStart(this.#repoId, Comlink.transfer(options, [channel.port2]), onRealm)
    try {
      const key = await this.#key
      this.#keepAlive = setInterval(() => void this.#host.service.replKeepAlive(key).catch((e: Error) => { this.error = e.message }), KEEP_ALIVE_MS)
      this.error = ''
    } catch (e) {
      this.#key = null
      this.error = (e as Error).message
    }
  }

  /** Stops serving as a realm (also when the page goes away); `forget` also drops the opt-in. */
  stop(forget = true): void {
    if (forget) sessionStorage.removeItem(this.#optInKey)
    clearInterval(this.#keepAlive)
    const key = this.#key
    this.#key = null
    this.realm = null
    void key?.then((k) => this.#host.service.replStop(k), () => {})
  }
}

/**
 * A worker this tab started as a REPL realm: code runs in the worker (no DOM); the realm ends when
 * the worker is stopped or the tab goes away.
 */
export class WorkerRealm {
  realm = $state<string | null>(null)
  readonly #worker = new Worker(new URL('../../../workers/realm.worker.ts', import.meta.url), { type: 'module', name: 'weft-realm' })
  readonly #host: Host
  readonly #key: Promise<string>
  #keepAlive: ReturnType<typeof setInterval> | undefined

  constructor(host: Host, repoId: string, label: string) {
    this.#host = host
    const channel = new MessageChannel()
    const connect: RealmWorkerConnect = { type: 'weft-realm-connect', port: channel.port1 }
    this.#worker.postMessage(connect, [channel.port1])
    const options = { kind: 'worker' as const, label, port: channel.port2 }
    this.#key = host.service.replStart(repoId, Comlink.transfer(options, [channel.port2]), Comlink.proxy((realm: string) => { this.realm = realm }))
    void this.#key.then((key) => {
      this.#keepAlive = setInterval(() => void host.service.replKeepAlive(key).catch(() => {}), KEEP_ALIVE_MS)
    }, () => this.#worker.terminate())
  }

  stop(): void {
    clearInterval(this.#keepAlive)
    void this.#key.then((k) => this.#host.service.replStop(k), () => {}).finally(() => this.#worker.terminate())
  }
}

