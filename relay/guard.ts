import type { IncomingMessage } from 'node:http'
import { WebSocket } from 'ws'
import { cbor, isValidDocumentId } from '@automerge/automerge-repo'

/** Message types a sync client may send (automerge-repo's repo messages plus the websocket join/leave). */
const CLIENT_MESSAGE_TYPES = new Set([
  'join', 'leave', 'sync', 'request', 'ephemeral', 'doc-unavailable', 'remote-subscription-change', 'remote-heads-changed',
])

/** Why a client's frame must close its socket, or null when it may go on to the sync adapter. */
export function frameProblem(frame: Uint8Array): string | null {
  let message: unknown
  try {
    message = cbor.decode(frame)
  } catch {
    return 'not a CBOR message'
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not a message object'
  const { type, senderId, documentId, data } = message as Record<string, unknown>
  if (typeof type !== 'string' || !CLIENT_MESSAGE_TYPES.has(type)) return `unknown message type ${JSON.stringify(type)?.slice(0, 40)}`
  if (typeof senderId !== 'string' || senderId.length === 0 || senderId.length > 256) return 'missing or malformed senderId'
  if (documentId !== undefined && (typeof documentId !== 'string' || !isValidDocumentId(documentId))) return 'malformed documentId'
  if ((type === 'sync' || type === 'request') && !(data instanceof Uint8Array)) return `${type} message without binary data`
  return null
}

/** A token bucket: `rate` per second, up to `burst` at once. */
export class RateLimit {
  #tokens: number
  #last = performance.now()
  constructor(readonly rate: number, readonly burst: number) {
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
  log: (line: string) => void
}

/**
 * Screens every frame of one sync socket before automerge-repo's adapter sees it. A malformed frame
 * or a flood closes this socket (logged with the reason) and never reaches the shared Repo, so one
 * bad client cannot disturb the others.
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
  socket.on('error', (error) => {
    options.log(`sync socket ${peer} closed: ${error.message}`)
    socket.terminate()
  })
  // The adapter subscribes to 'message' itself; gate the event so rejected frames never reach it.
  const emit = socket.emit.bind(socket)
  socket.emit = ((event: string, ...args: unknown[]) => {
    if (event !== 'message') return emit(event, ...args)
    if (socket.readyState !== WebSocket.OPEN) return false
    if (!limit.take()) {
      close(1008, `more than ${options.messagesPerSecond} messages per second`)
      return false
    }
    const [data, isBinary] = args as [Buffer | Buffer[] | ArrayBuffer, boolean]
    const problem = isBinary ? frameProblem(toBytes(data)) : 'text frame (sync frames are binary)'
    if (problem) {
      close(1007, `malformed message: ${problem}`)
      return false
    }
    return emit(event, ...args)
  }) as typeof socket.emit
}

function toBytes(data: Buffer | Buffer[] | ArrayBuffer): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}
