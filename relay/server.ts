import { createServer, type IncomingMessage, type Server } from 'node:http'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import sirv from 'sirv'
import { WebSocketServer } from 'ws'
import { Repo } from '@automerge/automerge-repo'
import { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { ISOLATION_HEADERS } from '../src/isolation.ts'
import { guardSocket } from './guard.ts'
import { shutdownRepo } from '../src/repo/flush.ts'

export interface RelayOptions {
  host: string
  port: number
  /** Folder for document storage. */
  dataDir: string
  /** Built app to serve; nothing is served when missing. */
  staticDir?: string
  /** When set, sync connections must present it (`?token=` or `Authorization: Bearer`). */
  token?: string
  /** Largest sync message accepted; a larger one closes that socket only. */
  maxMessageBytes: number
  /** Sustained messages per second one socket may send (bursts of twice that); a flood closes it. */
  messagesPerSecond: number
  log?: (line: string) => void
}

export interface Relay {
  url: string
  server: Server
  repo: Repo
  close(): Promise<void>
}

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string

function presentedToken(request: IncomingMessage): string | null {
  const url = new URL(request.url ?? '/', 'http://relay')
  const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')
  return url.searchParams.get('token') ?? bearer?.[1] ?? null
}

/** Starts the relay: sync over WebSocket at /sync, the app as static files, and GET /health. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const log = options.log ?? ((line: string) => console.log(line))
  mkdirSync(options.dataDir, { recursive: true })
  const started = Date.now()

  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes })
  // Registered before the sync adapter's own listener, so every socket is guarded from its first frame.
  sockets.on('connection', (socket, request) =>
    guardSocket(socket, request, { messagesPerSecond: options.messagesPerSecond, burst: options.messagesPerSecond * 2, log }))
  // The adapter types its server through isomorphic-ws; at run time it is this same `ws` server.
  const adapter = new WebSocketServerAdapter(sockets as unknown as ConstructorParameters<typeof WebSocketServerAdapter>[0])
  const repo = new Repo({
    network: [adapter],
    storage: new NodeFSStorageAdapter(options.dataDir),
    // A relay stores what peers send it and never offers documents on its own: ids stay secret.
    sharePolicy: async () => false,
  })

  const app = options.staticDir && existsSync(options.staticDir)
    ? sirv(options.staticDir, {
        single: true,
        dev: false,
        etag: true,
        setHeaders: (res, pathname) => {
          for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value)
          if (pathname.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
          else res.setHeader('Cache-Control', 'no-cache')
        },
      })
    : null

  const server = createServer((request, response) => {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value)
    if (request.url === '/health') {
      response.setHeader('Content-Type', 'application/json')
      response.end(JSON.stringify({
        ok: true,
        version,
        uptime: Math.round((Date.now() - started) / 1000),
        peers: sockets.clients.size,
        documents: Object.keys(repo.handles).length,
      }))
      return
    }
    if (app) return app(request, response, () => { response.statusCode = 404; response.end('Not found') })
    response.statusCode = 404
    response.end('This relay serves no app; build it with `npm run build`.')
  })

  server.on('upgrade', (request, socket, head) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname
    if (path !== '/sync') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    if (options.token && presentedToken(request) !== options.token) {
      log(`refused sync connection from ${request.socket.remoteAddress}: missing or wrong token`)
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n')
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request))
  })

  // The Repo connects its adapter only once the storage id is loaded; a socket accepted before that
  // would never be heard (its join is dropped), so listen only after.
  await repo.storageId()
  for (let waited = 0; adapter.peerId === undefined; waited++) {
    if (waited > 1000) throw new Error('the sync adapter did not start')
    await new Promise((resolve) => setImmediate(resolve))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, options.host, () => resolve())
  })
  const address = server.address() as AddressInfo
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`

  return {
    url,
    server,
    repo,
    async close() {
      for (const client of sockets.clients) client.close(1001, 'relay shutting down')
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await shutdownRepo(repo)
    },
  }
}
