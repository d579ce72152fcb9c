import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join, relative } from 'node:path'
import sirv from 'sirv'
import { Repo } from '@automerge/automerge-repo'
import { DurableFileStorage } from '../src/storage/DurableFileStorage.ts'
import { CheckedChunks } from '../src/storage/CheckedChunks.ts'
import { sendWhenSaved } from './durableReplies.ts'
import { packageRoot } from './packageRoot.ts'
import { ISOLATION_HEADERS } from './isolation.ts'
import { refuseFailingMessages, syncEndpoint } from './syncEndpoint.ts'
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
  /** How long a socket holding a peer id has to answer a ping before a new join may take that id (1500 ms). */
  livenessMs?: number
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

const version = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')).version as string

/** Starts the relay: sync over WebSocket at /sync, the app as static files, and GET /health. */
export async function startRelay(options: RelayOptions): Promise<Relay> {
  const log = options.log ?? ((line: string) => console.log(line))
  mkdirSync(options.dataDir, { recursive: true })
  const started = Date.now()

  if (options.runs && options.token !== undefined && options.runs.token === options.token)
    throw new Error(
      'The runner token must differ from the sync token: everyone with a Share link has the sync token.',
    )
  const server = createServer((request, response) => handle(request, response))
  const runs = options.runs ? runsEndpoint(server, { ...options.runs, log }) : null
  const { adapter, sockets, peers, connected } = syncEndpoint(server, {
    ...options,
    log,
    otherUpgrades: runs?.owns,
  })
  // Saves resolve only once fsynced; damaged chunks are skipped, logged by file and shown in /health.
  const storage = new CheckedChunks(new DurableFileStorage(options.dataDir), ({ file, reason }) =>
    log(`damaged storage chunk skipped: ${file} (${reason}); the document loads from its other chunks`),
  )
  const repo = new Repo({
    network: [adapter],
    storage,
    // A relay stores what peers send it and never offers documents on its own: ids stay secret.
    sharePolicy: async () => false,
  })
  // The relay's heads reach a peer only once they are on disk: what a client counts as confirmed survives a crash.
  sendWhenSaved(adapter, repo, log)
  refuseFailingMessages(repo, peers, log)

  const app =
    options.staticDir && existsSync(options.staticDir)
      ? sirv(options.staticDir, {
          single: true,
          dev: false,
          etag: true,
          setHeaders: (res, pathname) => {
            for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value)
            if (pathname.startsWith('/assets/'))
              res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
            else res.setHeader('Cache-Control', 'no-cache')
          },
        })
      : null

  function handle(request: IncomingMessage, response: ServerResponse) {
    for (const [name, value] of Object.entries(ISOLATION_HEADERS)) response.setHeader(name, value)
    if (runs?.serve(request, response)) return
    if (request.url === '/health') {
      const damaged = storage.damaged()
      response.setHeader('Content-Type', 'application/json')
      // Degraded stays 200: the relay still syncs, and a restart would not repair the files.
      response.end(
        JSON.stringify({
          ok: damaged.length === 0,
          status: damaged.length === 0 ? 'ok' : 'degraded',
          // Paths within the data folder: /health is public, where the folder lives is not its business.
          ...(damaged.length > 0
            ? {
                damaged: damaged.map(({ file, reason }) => ({
                  file: relative(options.dataDir, file),
                  reason,
                })),
              }
            : {}),
          version,
          uptime: Math.round((Date.now() - started) / 1000),
          // Peers that joined, not sockets: a client may hold a half-open socket besides its live one.
          peers: repo.peers.length,
          documents: Object.keys(repo.handles).length,
          // Whether `/runs` (the local runner) is on; the app offers that backend only then.
          runs: runs !== null,
        }),
      )
      return
    }
    if (app)
      return app(request, response, () => {
        response.statusCode = 404
        response.end('Not found')
      })
    response.statusCode = 404
    response.end('This relay serves no app; build it with `npm run build`.')
  }

  await repo.storageId()
  await connected
  // Check every stored chunk once at start, so damage is reported before a peer asks for it.
  const checked = storage.checkAll().then(
    (damaged) => {
      if (damaged.length > 0)
        log(`storage check: ${damaged.length} damaged chunk file(s); /health reports the relay degraded`)
    },
    (error: Error) => log(`storage check failed: ${error.message}`),
  )

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
      await checked
      await runs?.close()
      for (const client of sockets.clients) client.close(1001, 'relay shutting down')
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await shutdownRepo(repo)
    },
  }
}
