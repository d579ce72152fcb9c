import { newRealmKey, parseRealmKey } from '../../repl/realmKey.ts'
import type { Host } from './host.ts'
import { realmFrame, realmWorker, type IsolatedRealm } from './isolatedRealm.ts'
import { offerRealm, type OfferedRealm } from './offerRealm.ts'

/**
 * This tab as a REPL realm of one repository, once the person opts in. Code runs in a sandboxed
 * frame inside the tab (`isolatedRealm.ts`), never in the app page: it cannot read the page, the
 * repositories or tokens. Only requesters holding the realm's key can send it code. The opt-in,
 * the realm id and the key are kept per tab (sessionStorage, the app origin's own), so a reload
 * keeps all three; the realm's runtime lives in the repository worker, beside the session.
 */
export class TabRealm {
  /** This tab's realm id while opted in. */
  realm = $state<string | null>(null)
  error = $state('')
  readonly #host: Host
  readonly #repoId: string
  // State, so the opt-in box follows it when the realm is offered by other means than a click on it (the palette).
  #offered = $state.raw<OfferedRealm | null>(null)
  #frame: IsolatedRealm | null = null

  constructor(host: Host, repoId: string) {
    this.#host = host
    this.#repoId = repoId
    if (sessionStorage.getItem(this.#optInKey) === 'yes') void this.optIn()
  }

  get #optInKey() {
    return `weft-repl-opt-in:${this.#repoId}`
  }
  get #realmKey() {
    return `weft-repl-realm:${this.#repoId}`
  }
  get #secretKey() {
    return `weft-repl-key:${this.#repoId}`
  }

  get optedIn(): boolean {
    return this.#offered !== null
  }

  /** The tab's realm key: kept for the tab's life, so agents that were given it keep working after a reload. */
  #key(): string {
    const kept = sessionStorage.getItem(this.#secretKey)
    try {
      if (kept) return parseRealmKey(kept)
    } catch {
      /* damaged: replaced below */
    }
    const key = newRealmKey()
    sessionStorage.setItem(this.#secretKey, key)
    return key
  }

  async optIn(): Promise<void> {
    if (this.#offered) return
    sessionStorage.setItem(this.#optInKey, 'yes')
    const frame = realmFrame()
    this.#frame = frame
    const offer = {
      kind: 'tab' as const,
      label: `Tab · ${document.title}`,
      port: frame.port,
      realm: sessionStorage.getItem(this.#realmKey) ?? undefined,
      key: this.#key(),
    }
    const offered = offerRealm(
      this.#host,
      this.#repoId,
      offer,
      (realm) => {
        sessionStorage.setItem(this.#realmKey, realm)
        this.realm = realm
      },
      (message) => {
        this.error = message
      },
    )
    this.#offered = offered
    try {
      await offered.started
      this.error = ''
    } catch (e) {
      if (this.#offered === offered) {
        this.#offered = null
        frame.end()
      }
      this.error = (e as Error).message
    }
  }

  /** Stops serving as a realm (also when the page goes away); `forget` also drops the opt-in. */
  stop(forget = true): void {
    if (forget) sessionStorage.removeItem(this.#optInKey)
    const frame = this.#frame
    void this.#offered?.stop().finally(() => frame?.end())
    this.#offered = null
    this.#frame = null
    this.realm = null
  }
}

/**
 * A worker this tab started as a REPL realm: code runs in a worker of opaque origin (no DOM, no
 * app storage); the realm ends when the worker is stopped or the tab goes away.
 */
export class WorkerRealm {
  realm = $state<string | null>(null)
  readonly #worker = realmWorker()
  readonly #offered: OfferedRealm

  constructor(host: Host, repoId: string, label: string) {
    this.#offered = offerRealm(host, repoId, { kind: 'worker', label, port: this.#worker.port }, (realm) => {
      this.realm = realm
    })
    this.#offered.started.catch(() => this.#worker.end())
  }

  stop(): void {
    void this.#offered.stop().finally(() => this.#worker.end())
  }
}
