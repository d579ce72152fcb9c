import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { TOKEN_REQUIRED } from './closeCodes.ts'

/**
 * Where a relay connection stands, as the status bar shows it. `refused`: the relay wants a token
 * (`tokenSent` false) or refused the one given (true); no retry until a token is given.
 */
export type LinkState =
  | { kind: 'connecting' }
  | { kind: 'connected' }
  | { kind: 'reconnecting'; retryAt: number; attempt: number }
  | { kind: 'refused'; tokenSent: boolean }

/** The adapter's own retry never fires in practice: this class schedules reconnections itself. */
const NEVER_MS = 2 ** 31 - 1
const FIRST_RETRY_MS = 500
const MAX_RETRY_MS = 30_000

/**
 * automerge-repo's WebSocket client adapter, reconnecting with exponential backoff and jitter
 * (0.5 s doubling to 30 s) instead of a fixed interval, and reporting its state.
 */
export class ReconnectingWebSocketAdapter extends WebSocketClientAdapter {
  #attempt = 0
  #timer: ReturnType<typeof setTimeout> | undefined
  #stopped = false
  state: LinkState = { kind: 'connecting' }
  readonly #onState: (state: LinkState) => void

  constructor(url: string, onState: (state: LinkState) => void = () => {}) {
    super(url, NEVER_MS)
    this.#onState = onState
    // Replaces the adapter's own close handler: besides reporting the peer gone, it set a timer of
    // `retryInterval` (here "never", 24 days) that nothing clears and that keeps a Node process alive.
    this.onClose = (event?: { code?: number }) => {
      if (this.remotePeerId) this.emit('peer-disconnected', { peerId: this.remotePeerId })
      // Waiting would not make a token right: stop until the person gives one (a new link).
      if (event?.code === TOKEN_REQUIRED) {
        clearTimeout(this.#timer)
        this.#timer = undefined
        this.#setState({ kind: 'refused', tokenSent: new URL(url).searchParams.has('token') })
        return
      }
      this.#scheduleReconnect()
    }
    // Node reports a refused connection as an error event, then closes; the close schedules the retry.
    const error = this.onError
    this.onError = (event) => {
      try {
        error(event)
      } catch {
        /* reported through the close that follows */
      }
    }
  }

  override peerCandidate(...args: Parameters<WebSocketClientAdapter['peerCandidate']>): void {
    this.#attempt = 0
    // Known before the state is reported and before the Repo hears of the peer, so whoever decides
    // what this relay may receive can tell it from other peers from the first message on.
    this.remotePeerId = args[0]
    this.#setState({ kind: 'connected' })
    super.peerCandidate(...args)
  }

  override connect(...args: Parameters<WebSocketClientAdapter['connect']>): void {
    if (this.#stopped) return
    // The adapter arms a 1 s timer that marks it ready should the relay never answer. Nothing
    // clears it, so in Node it held every finished command's process open until it fired (about
    // 600 ms of a 1.2 s `weft repl eval`). Unreferenced, it still fires while the process works.
    const arm = globalThis.setTimeout
    globalThis.setTimeout = ((...timer: Parameters<typeof setTimeout>) => {
      const id = arm(...timer)
      ;(id as { unref?: () => void }).unref?.()
      return id
    }) as typeof setTimeout
    try {
      super.connect(...args)
    } finally {
      globalThis.setTimeout = arm
    }
  }

  override disconnect(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    // Removed before the Repo connected it: there is no socket to close.
    if (this.socket) super.disconnect()
  }

  #scheduleReconnect(): void {
    if (this.#stopped || this.#timer !== undefined) return
    const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this.#attempt)
    const delay = base / 2 + Math.random() * (base / 2)
    this.#attempt++
    this.#setState({ kind: 'reconnecting', retryAt: Date.now() + delay, attempt: this.#attempt })
    this.#timer = setTimeout(() => {
      this.#timer = undefined
      if (!this.#stopped && this.peerId) this.connect(this.peerId, this.peerMetadata)
    }, delay)
  }

  #setState(state: LinkState): void {
    this.state = state
    this.#onState(state)
  }
}
