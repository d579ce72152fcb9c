import type * as A from '@automerge/automerge/slim'
import type { DocHandle } from '@automerge/automerge-repo/slim'
import type { Identity } from './protocol.ts'

/** A selection as Automerge cursors, so it keeps its place in the text across concurrent edits. */
export interface CursorSelection {
  anchor: A.Cursor
  head: A.Cursor
}

/** What one editor (one tab) broadcasts about itself on a live file. */
export interface CursorMessage {
  weftCursor: 1
  /** The sending tab; a browser's tabs share one relay peer, so the sender is named here. */
  from: string
  user: Identity
  selection: CursorSelection | null
  bye?: true
}

export interface PeerCursor {
  from: string
  user: Identity
  selection: CursorSelection
}

const HEARTBEAT_MS = 3_000
/** A peer not heard from for this long (a crashed or frozen tab) is dropped. */
const TTL_MS = 10_000

function isCursorMessage(value: unknown): value is CursorMessage {
  const m = value as CursorMessage
  return (
    typeof m === 'object' &&
    m !== null &&
    m.weftCursor === 1 &&
    typeof m.from === 'string' &&
    typeof m.user?.name === 'string'
  )
}

/**
 * Cursors of everyone editing one live file. Messages go out through `send` (the repository worker
 * broadcasts them as a direct peer of the relay: automerge-repo's WebSocket server drops ephemeral
 * messages forwarded on behalf of another peer) and come in on the handle's ephemeral messages.
 */
export class CursorPresence {
  readonly #from = crypto.randomUUID()
  readonly #peers = new Map<string, { cursor: PeerCursor; seen: number }>()
  readonly #handle: DocHandle<unknown>
  readonly #send: (message: CursorMessage) => void
  readonly #onPeers: (peers: PeerCursor[]) => void
  #user: Identity
  #selection: CursorSelection | null = null
  readonly #timer: ReturnType<typeof setInterval>

  constructor(
    handle: DocHandle<unknown>,
    user: Identity,
    send: (message: CursorMessage) => void,
    onPeers: (peers: PeerCursor[]) => void,
  ) {
    this.#handle = handle
    this.#user = user
    this.#send = send
    this.#onPeers = onPeers
    handle.on('ephemeral-message', this.#receive)
    this.#timer = setInterval(() => {
      this.#announce()
      this.#prune()
    }, HEARTBEAT_MS)
  }

  update(selection: CursorSelection | null): void {
    this.#selection = selection
    this.#announce()
  }

  /** The person renamed themselves: peers see the new name at once, in editors already open. */
  rename(user: Identity): void {
    this.#user = user
    this.#announce()
  }

  peers(): PeerCursor[] {
    return [...this.#peers.values()].map((p) => p.cursor)
  }

  /** Says goodbye, so peers drop this cursor at once. */
  stop(): void {
    clearInterval(this.#timer)
    this.#handle.off('ephemeral-message', this.#receive)
    this.#send({ weftCursor: 1, from: this.#from, user: this.#user, selection: null, bye: true })
  }

  #announce(): void {
    this.#send({ weftCursor: 1, from: this.#from, user: this.#user, selection: this.#selection })
  }

  #receive = ({ message }: { message: unknown }): void => {
    if (!isCursorMessage(message) || message.from === this.#from) return
    const known = this.#peers.has(message.from)
    if (message.bye || !message.selection) this.#peers.delete(message.from)
    else
      this.#peers.set(message.from, {
        cursor: { from: message.from, user: message.user, selection: message.selection },
        seen: Date.now(),
      })
    if (known || this.#peers.has(message.from)) this.#onPeers(this.peers())
  }

  #prune(): void {
    const before = this.#peers.size
    for (const [from, peer] of this.#peers) if (Date.now() - peer.seen > TTL_MS) this.#peers.delete(from)
    if (this.#peers.size !== before) this.#onPeers(this.peers())
  }
}
