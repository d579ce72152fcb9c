import type { IncomingMessage } from 'node:http'
import { WebSocket } from 'ws'
import { cbor, isValidDocumentId } from '@automerge/automerge-repo'
import { answersPing, type PeerSockets } from './peerSockets.ts'

/** Message types a sync client may send (automerge-repo's repo messages plus the websocket join/leave). */
const CLIENT_MESSAGE_TYPES = new Set([
  'join',
  'leave',
  'sync',
  'request',
  'ephemeral',
  'doc-unavailable',
  'remote-subscription-change',
  'remote-heads-changed',
])

/** A storage id as automerge-repo makes them (a UUID), with room for other ids of the same characters. */
const STORAGE_ID = /^[A-Za-z0-9_-]{1,100}$/

/** The fields of a client message the relay looks at. */
export interface ClientMessage {
  type: string
  senderId: string
}

/** A client's frame decoded and checked, or why it must close its socket. */
export function readFrame(frame: Uint8Array): { message: ClientMessage } | { problem: string } {
  let message: unknown
  try {
    message = cbor.decode(frame)
  } catch {
    return { problem: 'not a CBOR message' }
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message))
    return { problem: 'not a message object' }
  const { type, senderId, documentId, data } = message as Record<string, unknown>
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.has(type))
    return { problem: `unknown message type ${JSON.stringify(type)?.slice(0, 40)}` }
  if (typeof senderId !== 'string' || senderId.length === 0 || senderId.length > 256)
    return { problem: 'missing or malformed senderId' }
  if (documentId !== undefined && (typeof documentId !== 'string' || !isValidDocumentId(documentId)))
    return { problem: 'malformed documentId' }
  if ((type === 'sync' || type === 'request') && !(data instanceof Uint8Array))
    return { problem: `${type} message without binary data` }
  if (type === 'join') {
    // automerge-repo names files after a peer's storage id (its sync state with us): only an id's own characters.
    const { peerMetadata } = message as { peerMetadata?: unknown }
    const storageId =
      typeof peerMetadata === 'object' && peerMetadata !== null
        ? (peerMetadata as { storageId?: unknown }).storageId
        : undefined
    if (storageId !== undefined && (typeof storageId !== 'string' || !STORAGE_ID.test(storageId)))
      return { problem: 'malformed storageId in join' }
  }
  return { message: { type, senderId } }
}

/** Why a client's frame must close its socket, or null when it may go on to the sync adapter. */
export function frameProblem(frame: Uint8Array): string | null {
  const read = readFrame(frame)
  return 'problem' in read ? read.problem : null
}

/** A token bucket: `rate` per second, up to `burst` at once. */
export class RateLimit {
  #tokens: number
  #last = performance.now()
  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    this.#tokens = burst
  }
  take(): boolean {
    const now = performance.now()
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.rate)
    this.#last = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

export interface GuardOptions {
  messagesPerSecond: number
  burst: number
  /** Which socket holds each peer id, shared by all sync sockets. */
  peers: PeerSockets
  /** How long a socket holding a peer id has to answer a ping before a new join may take the id. */
  livenessMs: number
  log: (line: string) => void
}

/** Frames a socket may send while its join waits for the liveness check of the id's holder. */
const MAX_HELD_FRAMES = 1000

/**
 * Screens every frame of one sync socket before automerge-repo's adapter sees it. A malformed frame
 * or a flood closes this socket (logged with the reason) and never reaches the shared Repo, so one
 * bad client cannot disturb the others. A socket speaks for one peer id, the one it joined with:
 * messages under another id are dropped, and a join as another id closes it.
 * A join naming a peer id that another open socket holds is let through only if that socket fails
 * to answer a ping within `livenessMs` (a reconnect after a half-open socket); otherwise it is
 * refused, so no one can disconnect a peer and receive its messages by claiming its id.
 */
export function guardSocket(socket: WebSocket, request: IncomingMessage, options: GuardOptions): void {
  const peer = `${request.socket.remoteAddress}:${request.socket.remotePort}`
  const limit = new RateLimit(options.messagesPerSecond, options.burst)
  const close = (code: number, reason: string) => {
    options.log(`sync socket ${peer} closed: ${reason}`)
    socket.close(code, reason.slice(0, 120))
    // A client that ignores the close handshake is dropped for good after a grace period.
    setTimeout(() => socket.terminate(), 2_000).unref()
  }
  /** The peer id this socket joined with. */
  let joinedAs: string | null = null
  /** Frames that arrived while this socket's join waits on the liveness check; null when none runs. */
  let held: { message: ClientMessage; args: unknown[] }[] | null = null

  socket.on('error', (error) => {
    options.log(`sync socket ${peer} closed: ${error.message}`)
    socket.terminate()
  })
  socket.on('close', () => {
    if (joinedAs !== null) options.peers.release(joinedAs, socket)
  })
  // The adapter subscribes to 'message' itself; gate the event so rejected frames never reach it.
  const emit = socket.emit.bind(socket)

  const join = (peerId: string) => {
    joinedAs = peerId
    options.peers.claim(peerId, socket, close)
  }

  /** Passes a well-formed message on to the adapter if this socket may send it. */
  const admit = (message: ClientMessage, args: unknown[]): boolean => {
    if (message.type !== 'join') {
      // Only messages in the joined peer's name reach the adapter (which would drop the others too).
      // Not a reason to close: honest peers forward other peers' ephemeral messages under their ids.
      if (joinedAs === null || message.senderId !== joinedAs) return false
      return emit('message', ...args)
    }
    if (joinedAs !== null) {
      if (message.senderId === joinedAs) return emit('message', ...args)
      close(1008, `joined again as peer ${message.senderId.slice(0, 40)} after joining as another`)
      return false
    }
    const holder = options.peers.holder(message.senderId)
    if (!holder || holder === socket) {
      join(message.senderId)
      return emit('message', ...args)
    }
    held = []
    void answersPing(holder, options.livenessMs).then((alive) => {
      const waiting = held ?? []
      held = null
      if (socket.readyState !== WebSocket.OPEN) return
      if (alive) {
        close(1008, `peer id ${message.senderId.slice(0, 40)} is in use by a live connection`)
        return
      }
      options.log(
        `sync socket ${peer} takes peer id ${message.senderId.slice(0, 40)} from a socket that did not answer a ping within ${options.livenessMs} ms`,
      )
      holder.terminate()
      join(message.senderId)
      emit('message', ...args)
      for (const frame of waiting) if (socket.readyState === WebSocket.OPEN) admit(frame.message, frame.args)
    })
    return true
  }

  socket.emit = ((event: string, ...args: unknown[]) => {
    if (event !== 'message') return emit(event, ...args)
    if (socket.readyState !== WebSocket.OPEN) return false
    if (!limit.take()) {
      close(1008, `more than ${options.messagesPerSecond} messages per second`)
      return false
    }
    const [data, isBinary] = args as [Buffer | Buffer[] | ArrayBuffer, boolean]
    const read = isBinary ? readFrame(toBytes(data)) : { problem: 'text frame (sync frames are binary)' }
    if ('problem' in read) {
      close(1007, `malformed message: ${read.problem}`)
      return false
    }
    if (held) {
      if (held.length >= MAX_HELD_FRAMES) close(1008, 'too many messages while its join was being checked')
      else held.push({ message: read.message, args })
      return true
    }
    return admit(read.message, args)
  }) as typeof socket.emit
}

function toBytes(data: Buffer | Buffer[] | ArrayBuffer): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}
