import * as Comlink from 'comlink'
import { captureConsole, captureGlobalErrors, scriptExecutor, type Executor } from '../../repl/Executor.ts'
import { exposeExecutor } from '../../repl/remoteExecutor.ts'
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
    const options = { label: `Tab · ${document.title}`, port: channel.port2, realm: sessionStorage.getItem(this.#realmKey) ?? undefined }
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
