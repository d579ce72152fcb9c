import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import sirv from 'sirv'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { ISOLATION_HEADERS } from '../src/isolation.ts'
import { adapterConnected, syncEndpoint } from './syncEndpoint.ts'
import { shutdownRepo } from '../src/repo/flush.ts'
import { runsEndpoint, type RunsSettings } from './runs.ts'

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
  /** Enables the local runner at `/runs`, with its own token (never the sync `token`). */
  runs?: RunsSettings
  log?: (line: string) => void
}

export interface Relay {
  url: string
  server: Server
  repo: Repo
  close(): Promise<void>
}

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string

/** Starts the relay: sync over WebSocket at /sync, the app as static files, and GET /health. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const log = options.log ?? ((line: string) => console.log(line))
  mkdirSync(options.dataDir, { recursive: true })
  const started = Date.now()

  if (options.runs && options.token !== undefined && options.runs.token === options.token)
    throw new Error('The runner token must differ from the sync token: everyone with a Share link has the sync token.')
  const server = createServer((request, response) => handle(request, response))
  const runs = options.runs ? runsEndpoint(server, { ...options.runs, log }) : null
  const { adapter, sockets } = syncEndpoint(server, { ...options, log, otherUpgrades: runs?.owns })
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

  function handle(request: IncomingMessage, response: ServerResponse) {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value)
    if (runs?.serve(request, response)) return
    if (request.url === '/health') {
      response.setHeader('Content-Type', 'application/json')
      response.end(JSON.stringify({
        ok: true,
        version,
        uptime: Math.round((Date.now() - started) / 1000),
        // Peers that joined, not sockets: a client may hold a half-open socket besides its live one.
        peers: repo.peers.length,
        documents: Object.keys(repo.handles).length,
        // Whether `/runs` (the local runner) is on; the app offers that backend only then.
        runs: runs !== null,
      }))
      return
    }
    if (app) return app(request, response, () => { response.statusCode = 404; response.end('Not found') })
    response.statusCode = 404
    response.end('This relay serves no app; build it with `npm run build`.')
  }

  await repo.storageId()
  await adapterConnected(adapter)

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
      await runs?.close()
      for (const client of sockets.clients) client.close(1001, 'relay shutting down')
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await shutdownRepo(repo)
    },
  }
}
