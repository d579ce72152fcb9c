import type { IncomingMessage, Server } from 'node:http'
import { WebSocketServer } from 'ws'
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import type { Repo } from '@automerge/automerge-repo'
import { sameSecret } from './sameSecret.ts'
import { guardSocket } from './guard.ts'
import { PeerSockets } from './peerSockets.ts'
import { TOKEN_REQUIRED, TOKEN_REQUIRED_REASON } from '../src/sync/closeCodes.ts'

export interface SyncEndpointOptions {
  /** Largest sync message accepted; a larger one closes that socket only. */
  maxMessageBytes: number
  /** Sustained messages per second one socket may send (bursts of twice that); a flood closes it. */
  messagesPerSecond: number
  /** When set, sync connections must present it (`?token=` or `Authorization: Bearer`). */
  token?: string
  /** How long a socket holding a peer id has to answer a ping before a new join may take that id (1500 ms). */
  livenessMs?: number
  /** Upgrade paths another endpoint answers (the local runner's `/runs/{id}`); left alone here. */
  otherUpgrades?: (path: string) => boolean
  log: (line: string) => void
}

/** The token a request presents (`?token=` or `Authorization: Bearer`), or null. */
export function presentedToken(request: IncomingMessage): string | null {
  const url = new URL(request.url ?? '/', 'http://relay')
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
  return url.searchParams.get('token') ?? bearer?.[1] ?? null
}

/**
 * The relay's sync path on `server`: WebSocket upgrades at `/sync` (token checked), every socket
 * guarded, handed to automerge-repo's server adapter. Returns that adapter for a Repo to use, and
 * the socket server (whose `clients` are the connected peers).
 */
export function syncEndpoint(
  server: Server,
  options: SyncEndpointOptions,
): {
  adapter: WebSocketServerAdapter
  sockets: WebSocketServer
  peers: PeerSockets
  /** Resolves once a Repo has connected the adapter; listen only after it (see `connectedPromise`). */
  connected: Promise<void>
} {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes })
  const peers = new PeerSockets()
  // Sockets refused for their token: upgraded only to be closed with a code the app recognises.
  const refusals = new WebSocketServer({ noServer: true, maxPayload: 1024 })
  // Registered before the sync adapter's own listener, so every socket is guarded from its first frame.
  sockets.on('connection', (socket, request) =>
    guardSocket(socket, request, {
      messagesPerSecond: options.messagesPerSecond,
      burst: options.messagesPerSecond * 2,
      peers,
      livenessMs: options.livenessMs ?? 1500,
      log: options.log,
    }),
  )
  // The adapter types its server through isomorphic-ws; at run time it is this same `ws` server.
  const adapter = new WebSocketServerAdapter(
    sockets as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0],
  )

  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname
    if (path !== '/sync') {
      if (options.otherUpgrades?.(path)) return
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    if (options.token && !sameSecret(presentedToken(request), options.token)) {
      options.log(`refused sync connection from ${request.socket.remoteAddress}: missing or wrong token`)
      // Never handed to the guard or the sync adapter: nothing it sends is read.
      refusals.handleUpgrade(request, socket, head, (ws) => {
        ws.on('error', () => ws.terminate())
        ws.close(TOKEN_REQUIRED, TOKEN_REQUIRED_REASON)
      })
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request))
  })
  return { adapter, sockets, peers, connected: connectedPromise(adapter) }
}

/**
 * A message that passed the guard can still fail inside automerge-repo (a `sync` whose data is not
 * an Automerge sync message, changes that do not decode). automerge-repo would print the error with
 * its stack trace and the whole message, for every such message; instead the sender's socket is
 * closed with one logged line naming it and the reason.
 */
export function refuseFailingMessages(repo: Repo, peers: PeerSockets, log: (line: string) => void): void {
  const synchronizer = repo.synchronizer
  const receive = synchronizer.receiveMessage.bind(synchronizer)
  synchronizer.receiveMessage = async (message) => {
    try {
      await receive(message)
    } catch (error) {
      const reason = `malformed ${message.type} message for ${message.documentId}: ${String(
        (error as Error)?.message ?? error,
      )
        .split('\n')[0]
        .slice(0, 200)}`
      if (!peers.refuse(message.senderId, 1007, reason))
        log(`peer ${message.senderId.slice(0, 40)} (gone): ${reason}`)
    }
  }
}

/**
 * Resolves once a Repo has connected `adapter`. The Repo does so only after loading its storage id
 * (disk reads that may take seconds on a busy machine); a socket accepted before then is never heard
 * (its join is dropped), so listen only after this. Told by the adapter's own `connect`, not polled:
 * counting event-loop turns gave up after a few hundred milliseconds of pending disk I/O.
 */
function connectedPromise(adapter: WebSocketServerAdapter): Promise<void> {
  return new Promise((resolve) => {
    const connect = adapter.connect.bind(adapter)
    adapter.connect = (...args: Parameters<typeof connect>) => {
      connect(...args)
      resolve()
    }
  })
}
