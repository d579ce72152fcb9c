import type { RealmOffer, ReplView } from '../repl/ReplHost.ts'
import { ReplHost } from '../repl/ReplHost.ts'
import type { JobView, RealmId } from '../repl/types.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

/** REPL sessions: realms windows opt in, requests to them, and their logs. */
export class ReplService {
  readonly #profile: ProfileContext
  readonly #repl: ReplHost

  constructor(profile: ProfileContext) {
    this.#profile = profile
    this.#repl = new ReplHost(profile.repo, (id) => profile.workspace(id))
  }

  /**
   * Opts a tab (or a worker it started) in as a REPL realm: its executor is served on `options.port` (transferred); the
   * realm's id goes to `onRealm`. Returns a handle for `replKeepAlive` (every few seconds) and `replStop`.
   */
  async replStart(id: string, options: RealmOffer, onRealm: (realm: RealmId) => void): Promise<string> {
    return this.#repl.start(id, options, fromWindow(onRealm))
  }

  async replKeepAlive(key: string): Promise<void> {
    this.#repl.keepAlive(key)
  }

  async replStop(key: string): Promise<void> {
    this.#repl.stop(key)
  }

  /** Sends code to a realm, signed with `key` (the realm owner's), else with the realm's own key if this profile hosts it. */
  async replRequest(
    id: string,
    realm: RealmId,
    code: string,
    requester: string,
    key?: string,
  ): Promise<JobView> {
    return this.#profile.saved(
      await this.#repl.request(id, { realm, code, requester, ...(key ? { key } : {}) }),
    )
  }

  /** The key of a realm this profile hosts (to show its owner, who may hand it to an agent), or null. */
  async replKey(realm: RealmId): Promise<string | null> {
    return this.#repl.key(realm)
  }

  /** Streams the repository's realms and `realm`'s log (see ReplHost.watch); stop with `unwatch`. */
  async replWatch(id: string, realm: RealmId | null, onChange: (view: ReplView) => void): Promise<number> {
    return this.#profile.watch(await this.#repl.watch(id, realm, fromWindow(onChange)))
  }
}
