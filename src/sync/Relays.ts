import type { DocHandle, PeerId, Repo, StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import { ReconnectingWebSocketAdapter, type LinkState } from './ReconnectingWebSocketAdapter.ts'

/** One relay as the status bar shows it. */
export interface RelayStatus {
  url: string
  state: LinkState
  /** Documents with changes the relay has not confirmed yet. */
  pending: number
}

const RELAYS_KEY = ['weft', 'relays']

/** Checks and normalises a relay address; accepts http(s) or ws(s) origins, with or without /sync. */
export function relaySyncAddress(input: string): string {
  let url: URL
  try {
    url = new URL(input.trim())
  } catch {
    throw new Error(`"${input}" is not a relay address; expected something like ws://127.0.0.1:8787.`)
  }
  const protocol = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[url.protocol]
  if (!protocol) throw new Error(`A relay address starts with ws://, wss://, http:// or https://, not ${url.protocol}//.`)
  return `${protocol}//${url.host}/sync${url.search}`
}

/**
 * The relays a profile syncs through: the one that served the app plus any the user added (kept in
 * storage). Each connection reconnects with backoff and reports how much is not yet on the relay.
 */
export class Relays {
  readonly #repo: Repo
  readonly #storage: StorageAdapterInterface
  readonly #links = new Map<string, ReconnectingWebSocketAdapter>()
  readonly #listeners = new Set<(statuses: RelayStatus[]) => void>()
  /** Relays given at start (the app's own); only the others are remembered. */
  readonly #defaults = new Set<string>()

  readonly #onConnected: () => void

  /** `onConnected` runs whenever a relay connection is (re)established. */
  constructor(repo: Repo, storage: StorageAdapterInterface, onConnected: () => void = () => {}) {
    this.#repo = repo
    this.#storage = storage
    this.#onConnected = onConnected
  }

  /** Connects to `defaults` and to the relays saved earlier. */
  async start(defaults: string[]): Promise<void> {
    const saved = await this.#storage.load(RELAYS_KEY)
    const urls = saved ? (JSON.parse(new TextDecoder().decode(saved)) as string[]) : []
    for (const url of defaults) this.#defaults.add(relaySyncAddress(url))
    for (const url of [...defaults, ...urls]) this.#connect(url)
  }

  /** Adds a relay and remembers it for next time; returns its normalised address. */
  async add(address: string): Promise<string> {
    const url = relaySyncAddress(address)
    if (!this.#links.has(url)) {
      this.#connect(url)
      await this.#save()
    }
    return url
  }

  async remove(url: string): Promise<void> {
    const link = this.#links.get(url)
    if (!link) return
    this.#links.delete(url)
    this.#repo.networkSubsystem.removeNetworkAdapter(link)
    await this.#save()
    this.#notify()
  }

  statuses(): RelayStatus[] {
    return [...this.#links].map(([url, link]) => ({ url, state: link.state, pending: this.#pending(link) }))
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

  #connect(address: string): void {
    const url = relaySyncAddress(address)
    if (this.#links.has(url)) return
    const link = new ReconnectingWebSocketAdapter(url, (state) => {
      this.#notify()
      if (state.kind === 'connected') this.#onConnected()
    })
    this.#links.set(url, link)
    this.#repo.networkSubsystem.addNetworkAdapter(link)
  }

  /** Counts loaded documents whose heads differ from what the relay's storage last reported. */
  #pending(link: ReconnectingWebSocketAdapter): number {
    let pending = 0
    for (const handle of Object.values(this.#repo.handles)) if (handle.isReady() && !this.#holds(link, handle)) pending++
    return pending
  }

  /** True when some connected relay's storage has reported holding the document as it is now. */
  confirms(handle: DocHandle<unknown>): boolean {
    return [...this.#links.values()].some((link) => link.state.kind === 'connected' && this.#holds(link, handle))
  }

  #holds(link: ReconnectingWebSocketAdapter, handle: DocHandle<unknown>): boolean {
    const peer = link.remotePeerId as PeerId | undefined
    const storageId = peer ? this.#repo.peerMetadataByPeerId[peer]?.storageId : undefined
    const theirs = storageId ? handle.getSyncInfo(storageId)?.lastHeads : undefined
    const ours = handle.heads()
    return !!theirs && theirs.length === ours.length && ours.every((h) => theirs.includes(h))
  }

  async #save(): Promise<void> {
    const added = [...this.#links.keys()].filter((url) => !this.#defaults.has(url))
    await this.#storage.save(RELAYS_KEY, new TextEncoder().encode(JSON.stringify(added)))
  }

  #notify(): void {
    const statuses = this.statuses()
    for (const listener of this.#listeners) listener(statuses)
  }
}
