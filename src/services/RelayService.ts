import { isValidAutomergeUrl, type AutomergeUrl } from '@automerge/automerge-repo/slim'
import type { RepositorySummary } from '../model/types.ts'
import { relaySyncAddress, type RelayStatus, type TokenOutcome } from '../sync/Relays.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

/** Which relays the profile talks to, and what each receives; opening shared links. */
export class RelayService {
  readonly #profile: ProfileContext

  constructor(profile: ProfileContext) {
    this.#profile = profile
  }

  /** Calls `onChange` with every relay's connection state and pending count, now and on change. */
  async watchRelays(onChange: (statuses: RelayStatus[]) => void): Promise<number> {
    const send = fromWindow(onChange)
    return this.#profile.watch(this.#profile.relays?.watch(send) ?? (send([]), () => {}))
  }

  /**
   * What a link's relay is to this profile: its normalised address, whether it is one of ours,
   * whether it already receives the repository, and whether the repository is already here (then the
   * link only opens it). A malformed address is refused with the reason.
   */
  async linkRelay(
    address: string,
    repository: AutomergeUrl,
  ): Promise<{ url: string; known: boolean; receives: boolean; present: boolean }> {
    const relays = this.#profile.network()
    const url = relaySyncAddress(address)
    const present = (await this.#profile.catalog).list().some((r) => r.url === repository)
    return { url, known: relays.knows(url), receives: relays.receives(url, repository), present }
  }

  /**
   * Adds a shared repository, fetched through `relay` when the link names one. The window calls this
   * with a relay only after the person agreed to add it; the relay then receives this repository and
   * nothing else, and is removed again if the repository cannot be fetched. A relay that was added a
   * moment ago may still be connecting, so fetching is tried `attempts` times, a second apart.
   */
  async addSharedRepository(url: AutomergeUrl, relay?: string, attempts = 15): Promise<RepositorySummary> {
    if (!isValidAutomergeUrl(url)) throw new Error(`"${url}" is not a repository link.`)
    const catalog = await this.#profile.catalog
    const fetch = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#profile.saved(await catalog.add(url))
        } catch (error) {
          if (attempt >= attempts) throw error
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
      }
    }
    // A link never changes where a repository this profile already has goes (a page that knows a
    // private repository's URL must not get it sent to the link's relay).
    if (!relay || catalog.list().some((r) => r.url === url)) return fetch()
    return this.#profile.network().shareFor(relay, url, fetch)
  }

  /** Shares one repository to a relay (added if new) because the person chose to; returns the relay's address. */
  async shareToRelay(address: string, repository: AutomergeUrl): Promise<string> {
    return (await this.#profile.network().add(address, { repository })).url
  }

  /**
   * Saves the token the person gave for a relay (in this profile's storage, never in a document) and
   * connects with it; resolves with what the relay said.
   */
  async setRelayToken(url: string, token: string): Promise<TokenOutcome> {
    return this.#profile.network().setToken(url, token)
  }

  /** Lets Share links through this relay carry its token, or not. */
  async shareRelayToken(url: string, share: boolean): Promise<void> {
    await this.#profile.network().shareToken(url, share)
  }

  /** The relay's address as a Share link names it (with its token only where the person lets links carry it). */
  async relayLinkAddress(url: string): Promise<string> {
    return this.#profile.network().linkAddress(url)
  }

  /** Disconnects from a relay and forgets it; it receives nothing more from this profile. */
  async removeRelay(url: string): Promise<void> {
    await this.#profile.relays?.remove(url)
  }
}
