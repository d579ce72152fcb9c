import {
  interpretAsDocumentId,
  isValidAutomergeUrl,
  type AutomergeUrl,
  type DocHandle,
  type DocumentId,
  type PeerId,
  type Repo,
  type StorageAdapterInterface,
} from '@automerge/automerge-repo/slim'
import { ReconnectingWebSocketAdapter, type LinkState } from './ReconnectingWebSocketAdapter.ts'
import { repositoryDocumentIds } from './repositoryDocuments.ts'
import { storageHolds } from './storageHolds.ts'
import { addressWithToken, relaySyncAddress, relayToken } from './relayAddress.ts'

export { addressWithToken, relaySyncAddress, relayToken }

/** One relay as the status bar and the relay list show it. */
export interface RelayStatus {
  url: string
  state: LinkState
  /** Documents this relay may hold whose changes it has not confirmed yet. */
  pending: number
  /** The user's own relay: it receives the catalog and every repository. */
  own: boolean
  /** The repositories (URLs) this relay receives when it is not an own relay. */
  repositories: AutomergeUrl[]
  /** Whether a token for this relay is saved, and whether Share links may carry it. */
  token: { saved: boolean; shared: boolean }
}

/** What became of a token given for a relay. */
export type TokenOutcome = 'connected' | 'refused' | 'unreachable'

/** What a relay may receive: everything (an own relay), or the repositories it was opened from or shared to. */
export type RelayGrant = { own: true } | { repository: AutomergeUrl }

/** A relay as the profile remembers it (device storage only, never in a shared document). */
interface RelayEntry {
  url: string
  own: boolean
  repositories: DocumentId[]
}

/** A relay's sync token as this profile keeps it; `share`: Share links through this relay carry it. */
interface SavedToken {
  token: string
  share: boolean
}

interface SavedRelays {
  version: 2
  relays: RelayEntry[]
  /** Default relays (the app's own) the user removed. */
  removed: string[]
  /** Tokens by relay address (device storage only: a relay's address never carries its token). */
  tokens?: Record<string, SavedToken>
}

/** automerge-repo 2.5 does not export the type of `Repo.shareConfig`: announce a document to a peer, and answer a peer about one. */
type ShareConfig = Repo['shareConfig']

const RELAYS_KEY = ['weft', 'relays']
/** Repository changes are batched before the share decisions are taken again. */
const RESHARE_DELAY_MS = 100

/** Share links default to carrying the relay's sync token: the relay's --token is for everyone with a link. */
const SHARE_TOKEN_BY_DEFAULT = true
/** How long a token given for a relay is waited on before the relay counts as unreachable. */
const TOKEN_ANSWER_MS = 10_000

/**
 * The relays a profile syncs through, and what each may receive. An own relay (the one that served
 * the app, or one the user marked as theirs) gets the catalog and every repository; any other relay
 * only the repositories it was opened from or shared to, with every document each consists of.
 * The rule is installed as the Repo's share config, so it governs both announcing a document to a
 * relay and answering a relay's request for one. Peers that are not relay links (the BroadcastChannel
 * between this profile's own tab workers) get everything.
 */
export class Relays {
  readonly #repo: Repo
  readonly #storage: StorageAdapterInterface
  readonly #links = new Map<string, ReconnectingWebSocketAdapter>()
  readonly #entries = new Map<string, RelayEntry>()
  readonly #listeners = new Set<(statuses: RelayStatus[]) => void>()
  /** Relays given at start (the app's own); remembered only when the user removes one. */
  readonly #defaults = new Set<string>()
  #removedDefaults = new Set<string>()
  readonly #tokens = new Map<string, SavedToken>()
  /** Every peer id a relay link has announced, with the links that announced it (a relay may lie). */
  readonly #relayPeers = new Map<PeerId, Set<string>>()
  /** Documents that never go to a relay that is not the user's own: the catalog. */
  #catalog: DocumentId | undefined
  #catalogRepositories: () => Set<DocumentId> = () => new Set()
  #catalogHandle: DocHandle<unknown> | undefined
  /** Relays from a list saved before sharing by capability, not yet given their repositories. */
  readonly #legacy = new Set<string>()
  /** Each shared repository's linked documents, recomputed when its heads change. */
  readonly #documentsCache = new Map<DocumentId, { heads: string; ids: Set<DocumentId> }>()
  readonly #watchedRepositories = new Set<DocumentId>()
  #reshareTimer: ReturnType<typeof setTimeout> | undefined
  /** False until `start`: a profile opened only to change its relay list contacts none. */
  #online = false

  readonly #onConnected: () => void

  /** `onConnected` runs whenever a relay connection is (re)established. Installs the share rule on `repo`. */
  constructor(repo: Repo, storage: StorageAdapterInterface, onConnected: () => void = () => {}) {
    this.#repo = repo
    this.#storage = storage
    this.#onConnected = onConnected
    repo.shareConfig = this.shareConfig
  }

  /** The rule as automerge-repo asks it: announce a document to a peer, and answer its requests. */
  readonly shareConfig: ShareConfig = {
    announce: async (peer, documentId) =>
      documentId === undefined ? true : this.mayReceive(peer, documentId),
    access: async (peer, documentId) => this.mayReceive(peer, documentId),
  }

  /** Connects to `defaults` (own relays, unless the user removed them) and to the relays saved earlier. */
  async start(defaults: string[]): Promise<void> {
    await this.load(defaults)
    this.#online = true
    for (const url of this.#entries.keys()) this.#connect(url)
    this.#reshare()
  }

  /** Reads the relay list without connecting to any (to show or change it). */
  async load(defaults: string[]): Promise<void> {
    const saved = await this.#load()
    this.#removedDefaults = new Set(saved.removed)
    for (const [url, token] of Object.entries(saved.tokens ?? {})) this.#tokens.set(url, token)
    for (const url of defaults.map(relaySyncAddress)) {
      this.#defaults.add(url)
      if (!this.#removedDefaults.has(url)) this.#entries.set(url, { url, own: false, repositories: [] })
    }
    for (const entry of saved.relays) {
      const known = this.#entries.get(entry.url)
      if (known) {
        known.own ||= entry.own
        known.repositories = [...new Set([...known.repositories, ...entry.repositories])]
      } else this.#entries.set(entry.url, entry)
    }
    void this.#grantLegacy()
  }

  /** Connects for this process only, as an own relay (a relay named on the command line), without remembering it. */
  connectOwnForNow(address: string): string {
    const url = relaySyncAddress(address)
    const token = relayToken(address)
    if (token) this.#tokens.set(url, { token, share: this.#tokens.get(url)?.share ?? SHARE_TOKEN_BY_DEFAULT })
    if (!this.#entries.has(url)) this.#entries.set(url, { url, own: false, repositories: [] })
    this.#defaults.add(url)
    this.#online = true
    this.#connect(url)
    this.#reshare()
    return url
  }

  /** True when `address` is already one of this profile's relays. Throws on a malformed address. */
  knows(address: string): boolean {
    return this.#entries.has(relaySyncAddress(address))
  }

  /** Whether the relay at `address` already receives the given repository (an own relay receives every one). */
  receives(address: string, repository: AutomergeUrl): boolean {
    const entry = this.#entries.get(relaySyncAddress(address))
    return !!entry && (this.#isOwn(entry) || entry.repositories.includes(interpretAsDocumentId(repository)))
  }

  /**
   * Lets a relay receive more (adding the relay if it is new) and remembers it. The caller has the
   * person's consent: a link alone never gets here. Returns the normalised address and whether the
   * relay was new, so a failed clone can undo exactly what it did.
   */
  async add(address: string, grant: RelayGrant): Promise<{ url: string; added: boolean }> {
    const url = relaySyncAddress(address)
    if (!('own' in grant) && !isValidAutomergeUrl(grant.repository))
      throw new Error(`"${grant.repository}" is not a repository URL.`)
    let entry = this.#entries.get(url)
    const added = !entry
    if (!entry) {
      entry = { url, own: false, repositories: [] }
      this.#entries.set(url, entry)
    }
    this.#adoptToken(url, relayToken(address))
    if ('own' in grant) entry.own = true
    else {
      const id = interpretAsDocumentId(grant.repository)
      if (!entry.repositories.includes(id)) entry.repositories.push(id)
      this.#watchRepository(id)
    }
    this.#removedDefaults.delete(url)
    this.#connect(url)
    await this.#save()
    this.#reshare()
    this.#notify()
    return { url, added }
  }

  /**
   * Lets the relay at `address` receive `repository` while `work` (a clone) runs, and keeps that
   * only if `work` succeeds: a relay added for a clone that fails is removed again.
   */
  async shareFor<T>(
    address: string,
    repository: AutomergeUrl,
    work: (url: string) => Promise<T>,
  ): Promise<T> {
    const already = this.knows(address) && this.receives(address, repository)
    const { url, added } = await this.add(address, { repository })
    try {
      return await work(url)
    } catch (error) {
      if (added) await this.remove(url)
      else if (!already) await this.unshare(url, repository)
      throw error
    }
  }

  /**
   * Takes a token that came with an address (typed, or in a Share link) unless this relay already
   * has one it accepts: a link must not replace a working token with another.
   */
  #adoptToken(url: string, token: string | undefined): void {
    if (!token || this.#tokens.get(url)?.token === token) return
    const link = this.#links.get(url)
    if (this.#tokens.has(url) && link?.state.kind !== 'refused') return
    this.#tokens.set(url, { token, share: this.#tokens.get(url)?.share ?? SHARE_TOKEN_BY_DEFAULT })
    if (link) this.#reconnect(url)
  }

  /**
   * Saves the token the person gave for a relay and connects with it; resolves with what the relay
   * said: `connected`, `refused` (a wrong token), or `unreachable` (no answer in 10 s).
   */
  async setToken(address: string, token: string): Promise<TokenOutcome> {
    const url = relaySyncAddress(address)
    if (!this.#entries.has(url)) throw new Error(`${url} is not one of your relays.`)
    const trimmed = token.trim()
    if (!trimmed) throw new Error('A token is required.')
    this.#tokens.set(url, { token: trimmed, share: this.#tokens.get(url)?.share ?? SHARE_TOKEN_BY_DEFAULT })
    await this.#save()
    const link = this.#reconnect(url)
    this.#notify()
    if (!link) return 'unreachable'
    return new Promise((resolve) => {
      let finished = false
      const done = (outcome: TokenOutcome) => {
        if (finished) return
        finished = true
        clearTimeout(timer)
        this.#listeners.delete(check)
        resolve(outcome)
      }
      const timer = setTimeout(() => done('unreachable'), TOKEN_ANSWER_MS)
      const check = () => {
        if (this.#links.get(url) !== link) done('unreachable')
        else if (link.state.kind === 'connected') done('connected')
        else if (link.state.kind === 'refused') {
          // A refused token is not kept: it is not this relay's sync token (it may be another secret).
          if (this.#tokens.get(url)?.token === trimmed) this.#tokens.delete(url)
          done('refused')
          void this.#save()
        }
      }
      this.#listeners.add(check)
    })
  }

  /** Whether Share links through this relay carry its token (the person chooses in the Share dialog). */
  async shareToken(address: string, share: boolean): Promise<void> {
    const url = relaySyncAddress(address)
    const saved = this.#tokens.get(url)
    if (!saved || saved.share === share) return
    saved.share = share
    await this.#save()
    this.#notify()
  }

  /**
   * The relay's address as a Share link names it: with its token when the person lets links carry
   * it and the relay accepted it (so it is the sync token the relay checks, never another secret).
   */
  linkAddress(address: string): string {
    const url = relaySyncAddress(address)
    const saved = this.#tokens.get(url)
    const accepted = this.#links.get(url)?.state.kind === 'connected'
    return saved?.share && accepted ? addressWithToken(url, saved.token) : url
  }

  /** True when the relay at `url` is connected now. */
  isConnected(url: string): boolean {
    return this.#links.get(relaySyncAddress(url))?.state.kind === 'connected'
  }

  /** Stops sharing one repository with a relay (it keeps what it already received). */
  async unshare(address: string, repository: AutomergeUrl): Promise<void> {
    const entry = this.#entries.get(relaySyncAddress(address))
    if (!entry) return
    const id = isValidAutomergeUrl(repository) ? interpretAsDocumentId(repository) : undefined
    entry.repositories = entry.repositories.filter((r) => r !== id)
    await this.#save()
    this.#reshare()
    this.#notify()
  }

  /** Disconnects from a relay and forgets it (a default relay stays removed until added again). */
  async remove(address: string): Promise<void> {
    const url = relaySyncAddress(address)
    const link = this.#links.get(url)
    this.#entries.delete(url)
    this.#tokens.delete(url)
    if (this.#defaults.has(url)) this.#removedDefaults.add(url)
    if (link) {
      this.#links.delete(url)
      this.#repo.networkSubsystem.removeNetworkAdapter(link)
    }
    await this.#save()
    this.#notify()
  }

  /**
   * Names the profile's catalog: it and the repositories it lists never go to a relay that is not the
   * user's own, whatever a shared repository document links to.
   */
  protectCatalog(catalog: DocHandle<{ repositories: Record<string, { url: unknown }> }>): void {
    this.#catalog = catalog.documentId
    let cached = { heads: '', ids: new Set<DocumentId>() }
    this.#catalogRepositories = () => {
      if (!catalog.isReady()) return cached.ids
      const heads = catalog.heads().join()
      if (heads === cached.heads) return cached.ids
      const ids = new Set<DocumentId>()
      for (const r of Object.values(catalog.doc()?.repositories ?? {})) {
        const url = String(r?.url ?? '')
        if (isValidAutomergeUrl(url)) ids.add(interpretAsDocumentId(url))
      }
      cached = { heads, ids }
      return ids
    }
    this.#catalogHandle = catalog
    void this.#grantLegacy()
  }

  /**
   * A relay list saved before sharing by capability held bare addresses, and every document had been
   * offered to each of those relays. They keep receiving the repositories the catalog lists now —
   * nothing they were not already sent — but never the catalog, nor a repository added later.
   */
  async #grantLegacy(): Promise<void> {
    const catalog = this.#catalogHandle
    if (this.#legacy.size === 0 || !catalog) return
    await catalog.whenReady()
    const repositories = [...this.#catalogRepositories()]
    for (const url of this.#legacy) {
      const entry = this.#entries.get(url)
      if (entry) entry.repositories = [...new Set([...entry.repositories, ...repositories])]
    }
    this.#legacy.clear()
    for (const id of repositories) this.#watchRepository(id)
    await this.#save()
    this.#reshare()
    this.#notify()
  }

  /** The share rule: may `peer` receive (or be answered about) `documentId`? */
  mayReceive(peer: PeerId, documentId: DocumentId): boolean {
    const urls = this.#relayPeers.get(peer)
    if (!urls) return true // not a relay: this profile's own workers
    // A peer id that several links announced gets only what every one of them may have.
    for (const url of urls) {
      const entry = this.#entries.get(url)
      if (!entry || !this.#entryAllows(entry, documentId)) return false
    }
    return true
  }

  statuses(): RelayStatus[] {
    return [...this.#entries.values()].map((entry) => {
      const link = this.#links.get(entry.url)
      return {
        url: entry.url,
        state: link?.state ?? { kind: 'connecting' },
        pending: link ? this.#pending(entry, link) : 0,
        own: this.#isOwn(entry),
        repositories: entry.repositories.map((id) => `automerge:${id}` as AutomergeUrl),
        token: { saved: this.#tokens.has(entry.url), shared: this.#tokens.get(entry.url)?.share ?? false },
      }
    })
  }

  /** Calls `listener` with the statuses now, on every state change, and every second for `pending`. */
  watch(listener: (statuses: RelayStatus[]) => void): () => void {
    this.#listeners.add(listener)
    listener(this.statuses())
    const timer = setInterval(() => listener(this.statuses()), 1000)
    return () => {
      clearInterval(timer)
      this.#listeners.delete(listener)
    }
  }

  /** True when some connected relay that may hold the document has reported holding it as it is now. */
  confirms(handle: DocHandle<unknown>): boolean {
    return this.#connectedFor(handle).some((link) => this.#holds(link, handle))
  }

  /** True when some connected relay may hold the document, so it is worth waiting for its confirmation. */
  expects(handle: DocHandle<unknown>): boolean {
    return this.#connectedFor(handle).length > 0
  }

  #connectedFor(handle: DocHandle<unknown>): ReconnectingWebSocketAdapter[] {
    const links: ReconnectingWebSocketAdapter[] = []
    for (const [url, link] of this.#links) {
      const entry = this.#entries.get(url)
      if (entry && link.state.kind === 'connected' && this.#entryAllows(entry, handle.documentId))
        links.push(link)
    }
    return links
  }

  /** A relay given at start (the app's own, or named on the command line) or one the user marked as theirs. */
  #isOwn(entry: RelayEntry): boolean {
    return entry.own || this.#defaults.has(entry.url)
  }

  #entryAllows(entry: RelayEntry, documentId: DocumentId): boolean {
    if (this.#isOwn(entry)) return true
    if (documentId === this.#catalog) return false
    if (entry.repositories.includes(documentId)) {
      // Asked first about the repository document itself, as soon as it is opened: from then on its
      // changes (a new blob pack or live file linked) re-run the share decisions.
      this.#watchRepository(documentId)
      return true
    }
    // Another repository of this profile never rides along because a shared document names it.
    if (this.#catalogRepositories().has(documentId)) return false
    return entry.repositories.some((repository) => this.#documentsOf(repository).has(documentId))
  }

  /** The documents a repository consists of, as far as its loaded document says. */
  #documentsOf(repository: DocumentId): Set<DocumentId> {
    const handle = this.#repo.handles[repository]
    if (!handle?.isReady()) return new Set()
    const heads = handle.heads().join()
    const cached = this.#documentsCache.get(repository)
    if (cached?.heads === heads) return cached.ids
    const ids = repositoryDocumentIds(handle.doc())
    ids.delete(repository)
    this.#documentsCache.set(repository, { heads, ids })
    return ids
  }

  /**
   * A document created before its repository links to it (a new blob pack or live file) was not
   * announced to relays then; when a shared repository changes, the share decisions are taken again.
   */
  #watchRepository(id: DocumentId): void {
    if (this.#watchedRepositories.has(id)) return
    if (![...this.#entries.values()].some((entry) => !this.#isOwn(entry) && entry.repositories.includes(id)))
      return
    const handle = this.#repo.handles[id]
    if (!handle) return
    this.#watchedRepositories.add(id)
    handle.on('change', () => this.#reshare())
    void handle.whenReady().then(
      () => this.#reshare(),
      () => undefined,
    )
  }

  #reshare(): void {
    for (const entry of this.#entries.values()) for (const id of entry.repositories) this.#watchRepository(id)
    clearTimeout(this.#reshareTimer)
    this.#reshareTimer = setTimeout(() => this.#repo.shareConfigChanged(), RESHARE_DELAY_MS)
  }

  /** Connects anew to `url` (with its token as it is now); returns the new link, if online. */
  #reconnect(url: string): ReconnectingWebSocketAdapter | undefined {
    const old = this.#links.get(url)
    if (old) {
      this.#links.delete(url)
      this.#repo.networkSubsystem.removeNetworkAdapter(old)
    }
    this.#connect(url)
    return this.#links.get(url)
  }

  #connect(url: string): void {
    if (!this.#online || this.#links.has(url)) return
    const link = new ReconnectingWebSocketAdapter(
      addressWithToken(url, this.#tokens.get(url)?.token),
      (state) => {
        // The peer id is recorded before the Repo hears of the peer, so no document is offered unchecked.
        if (state.kind === 'connected' && link.remotePeerId) {
          const peer = link.remotePeerId as PeerId
          const urls = this.#relayPeers.get(peer) ?? new Set<string>()
          urls.add(url)
          this.#relayPeers.set(peer, urls)
        }
        // A link replaced by a newer one (a new token) reports nothing more.
        if (this.#links.get(url) !== link) return
        this.#notify()
        if (state.kind === 'connected') this.#onConnected()
      },
    )
    this.#links.set(url, link)
    this.#repo.networkSubsystem.addNetworkAdapter(link)
  }

  /** Counts loaded documents this relay may hold whose heads differ from what its storage last reported. */
  #pending(entry: RelayEntry, link: ReconnectingWebSocketAdapter): number {
    let pending = 0
    for (const handle of Object.values(this.#repo.handles))
      if (handle.isReady() && this.#entryAllows(entry, handle.documentId) && !this.#holds(link, handle))
        pending++
    return pending
  }

  #holds(link: ReconnectingWebSocketAdapter, handle: DocHandle<unknown>): boolean {
    return storageHolds(this.#repo, link.remotePeerId as PeerId | undefined, handle)
  }

  async #load(): Promise<SavedRelays> {
    const bytes = await this.#storage.load(RELAYS_KEY)
    const empty: SavedRelays = { version: 2, relays: [], removed: [] }
    if (!bytes) return empty
    let saved: unknown
    try {
      saved = JSON.parse(new TextDecoder().decode(bytes))
    } catch {
      return empty
    }
    // Before sharing by capability the list held bare addresses: see #grantLegacy.
    if (Array.isArray(saved)) {
      const relays = saved.flatMap((url) => this.#entryFrom(url))
      for (const entry of relays) this.#legacy.add(entry.url)
      return { ...empty, relays, tokens: this.#tokensInAddresses(saved) }
    }
    const record = saved as Partial<SavedRelays>
    return {
      version: 2,
      relays: Array.isArray(record.relays) ? record.relays.flatMap((r) => this.#entryFrom(r)) : [],
      removed: Array.isArray(record.removed)
        ? record.removed.filter((u): u is string => typeof u === 'string')
        : [],
      tokens: { ...this.#tokensInAddresses(record.relays), ...this.#savedTokens(record.tokens) },
    }
  }

  /** Saved tokens, checked: a damaged one is dropped. */
  #savedTokens(raw: unknown): Record<string, SavedToken> {
    const tokens: Record<string, SavedToken> = {}
    if (typeof raw !== 'object' || raw === null) return tokens
    for (const [address, value] of Object.entries(raw as Record<string, unknown>)) {
      const t = value as Partial<SavedToken> | null
      try {
        if (typeof t?.token === 'string' && t.token)
          tokens[relaySyncAddress(address)] = { token: t.token, share: t.share !== false }
      } catch {
        /* not a relay address */
      }
    }
    return tokens
  }

  /** Tokens of relays saved before tokens were kept apart, when an address could end in `?token=`. */
  #tokensInAddresses(list: unknown): Record<string, SavedToken> {
    const tokens: Record<string, SavedToken> = {}
    for (const r of Array.isArray(list) ? list : []) {
      try {
        const address = typeof r === 'string' ? r : String((r as Partial<RelayEntry>)?.url)
        const token = relayToken(address)
        if (token) tokens[relaySyncAddress(address)] = { token, share: SHARE_TOKEN_BY_DEFAULT }
      } catch {
        /* skipped by #entryFrom as well */
      }
    }
    return tokens
  }

  /** A stored relay, checked: storage is written by us, but a damaged entry must not stop start-up. */
  #entryFrom(raw: unknown): RelayEntry[] {
    const r = (raw ?? {}) as Partial<RelayEntry>
    try {
      const url = relaySyncAddress(String(typeof raw === 'string' ? raw : r.url))
      const repositories = Array.isArray(r.repositories)
        ? r.repositories.filter((id) => isValidAutomergeUrl(`automerge:${id}`))
        : []
      return [{ url, own: r.own === true, repositories }]
    } catch {
      return []
    }
  }

  async #save(): Promise<void> {
    // A default relay is own by being given at start; it is stored only for what was added to it.
    const relays = [...this.#entries.values()].filter(
      (entry) => !this.#defaults.has(entry.url) || entry.own || entry.repositories.length > 0,
    )
    const saved: SavedRelays = {
      version: 2,
      relays,
      removed: [...this.#removedDefaults],
      tokens: Object.fromEntries(this.#tokens),
    }
    await this.#storage.save(RELAYS_KEY, new TextEncoder().encode(JSON.stringify(saved)))
  }

  #notify(): void {
    const statuses = this.statuses()
    for (const listener of this.#listeners) listener(statuses)
  }
}
