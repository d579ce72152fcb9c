import { WebSocket } from 'ws'

interface Holder {
  socket: WebSocket
  /** Closes the socket with a logged reason (the guard's close). */
  refuse: (code: number, reason: string) => void
}

/**
 * Which open sync socket holds each peer id. automerge-repo's server adapter, on a join naming a
 * peer id that is already connected, drops the old socket and routes that peer's messages to the
 * newcomer; the guard asks here first, so a peer id cannot be taken from a live connection.
 */
export class PeerSockets {
  readonly #byPeer = new Map<string, Holder>()

  /** The open socket holding `peerId`, if any. */
  holder(peerId: string): WebSocket | undefined {
    const held = this.#byPeer.get(peerId)
    return held && held.socket.readyState === WebSocket.OPEN ? held.socket : undefined
  }

  claim(peerId: string, socket: WebSocket, refuse: Holder['refuse']): void {
    this.#byPeer.set(peerId, { socket, refuse })
  }

  release(peerId: string, socket: WebSocket): void {
    if (this.#byPeer.get(peerId)?.socket === socket) this.#byPeer.delete(peerId)
  }

  /** Closes the socket holding `peerId` with a logged reason; false when none does. */
  refuse(peerId: string, code: number, reason: string): boolean {
    const held = this.#byPeer.get(peerId)
    if (!held) return false
    held.refuse(code, reason)
    return true
  }
}

/**
 * Whether `socket` answers a ping within `withinMs`: a live peer's WebSocket answers at once (browsers
 * and `ws` do so below the page's code); a half-open one, left by a network that went away, does not.
 */
export function answersPing(socket: WebSocket, withinMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (socket.readyState !== WebSocket.OPEN) return resolve(false)
    const done = (alive: boolean) => {
      clearTimeout(timer)
      socket.off('pong', onPong)
      socket.off('close', onClose)
      resolve(alive)
    }
    const onPong = () => done(true)
    const onClose = () => done(false)
    const timer = setTimeout(() => done(false), withinMs)
    socket.on('pong', onPong)
    socket.on('close', onClose)
    socket.ping()
  })
}
