import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { RunFrameError, type RunSpec } from '../src/run/frames.ts'
import { decodeRunRequest } from '../src/run/wire.ts'
import { materialise, runFolder, RunFilesError } from './runFiles.ts'
import { RunRegistry } from './runRegistry.ts'
import { serveRunSocket } from './runSocket.ts'
import { RUN_PROTOCOL, RunTickets, TICKET_PROTOCOL_PREFIX } from './runTickets.ts'
import { runsRefusal } from './runsGuard.ts'

/** The relay's local runner, as `startRelay` is asked for it. */
export interface RunsSettings {
  /** The runner's own token (never the sync token): `Authorization: Bearer` on `POST /runs`. */
  token: string
  /** Host names besides loopback the runner answers to (`NAME` or `NAME:PORT`); see runsGuard.ts. */
  allowedHosts?: readonly string[]
  /** Accept runs from other machines too; by default only from this one (loopback). */
  allowRemote?: boolean
  /** Largest `POST /runs` body (spec + files). */
  maxRequestBytes?: number
  /** Runs at once; more are refused with 429. */
  maxRuns?: number
  /** Output kept per run for viewers who join late. */
  historyChars?: number
  /** How long a posted run waits for its owner's WebSocket before it is dropped. */
  claimMs?: number
  /** Between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs?: number
}

export interface RunsOptions extends RunsSettings {
  log: (line: string) => void
}

export interface RunsEndpoint {
  /** Answers `/runs` HTTP requests; false for any other path. */
  serve(request: IncomingMessage, response: ServerResponse): boolean
  /** True for the WebSocket paths this endpoint answers (`/runs/{id}`). */
  owns(path: string): boolean
  /** Kills every run at once and closes its sockets. */
  close(): Promise<void>
}

const RUN_PATH = /^\/runs\/([A-Za-z0-9-]{1,64})$/
const TICKET_PATH = /^\/runs\/([A-Za-z0-9-]{1,64})\/ticket$/

const sizeLimit = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`
const tooLarge = (limit: number) =>
  new RangeError(`The run request is larger than the relay's limit of ${sizeLimit(limit)}.`)

function reply(response: ServerResponse, status: number, body: object): void {
  response.statusCode = status
  response.setHeader('Content-Type', 'application/json')
  response.end(JSON.stringify(body))
}

async function readBody(request: IncomingMessage, maxRequestBytes: number): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxRequestBytes) throw tooLarge(maxRequestBytes)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * A run request's spec, with its files written into a new temporary folder (removed again if the
 * request is refused). Throws RangeError when too large, RunFrameError or RunFilesError when malformed.
 */
async function receiveRun(
  request: IncomingMessage,
  maxRequestBytes: number,
): Promise<{ dir: string; cwd: string; spec: RunSpec }> {
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > maxRequestBytes) throw tooLarge(maxRequestBytes)
  let body: unknown
  try {
    body = JSON.parse(await readBody(request, maxRequestBytes))
  } catch (error) {
    throw error instanceof RangeError ? error : new RunFrameError('Malformed run request: not JSON.')
  }
  const { spec, files } = decodeRunRequest(body)
  const dir = await mkdtemp(join(tmpdir(), 'weft-run-'))
  try {
    await materialise(dir, files)
    return { dir, cwd: await runFolder(dir, spec.cwd), spec }
  } catch (error) {
    void rm(dir, { recursive: true, force: true })
    throw error
  }
}

/**
 * The local runner: `POST /runs` with `{spec, files}` (see `src/run/wire.ts`) and the runner token
 * as `Authorization: Bearer` answers `{id, ticket}`; the first WebSocket on `/runs/{id}` (offering
 * the subprotocols `weft-run` and `weft-ticket.{ticket}`: a browser cannot set headers on a socket,
 * and a URL ends up in logs) owns the run — the process starts when it connects, its
 * stdin/kill frames are obeyed, and its disconnect kills the run's whole process group. Later
 * sockets watch (each with a ticket from `POST /runs/{id}/ticket`): they get the frames so far
 * (bounded) and then every frame live. Every request passes `runsRefusal` first (Host, Origin, token).
 */
export function runsEndpoint(server: Server, options: RunsOptions): RunsEndpoint {
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024 * 1024
  const maxRuns = options.maxRuns ?? 64
  const claimMs = options.claimMs ?? 10_000
  const runs = new RunRegistry({
    maxRuns,
    claimMs,
    killGraceMs: options.killGraceMs,
    historyChars: options.historyChars,
    log: options.log,
  })
  const tickets = new RunTickets(claimMs)
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    // Browsers fail a socket whose requested subprotocols the server does not answer; never echo the ticket.
    handleProtocols: (offered) => (offered.has(RUN_PROTOCOL) ? RUN_PROTOCOL : false),
  })

  /** `POST /runs`: the run's files into a folder of its own, the run registered, its owner's ticket. */
  async function create(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (runs.full)
      return reply(response, 429, {
        error: `This relay is already running ${maxRuns} commands; try again when one ends.`,
      })
    try {
      const { dir, cwd, spec } = await receiveRun(request, maxRequestBytes)
      const { id } = runs.add(dir, cwd, spec)
      reply(response, 201, { id, ticket: tickets.issue(id) })
    } catch (error) {
      const status =
        error instanceof RangeError
          ? 413
          : error instanceof RunFrameError || error instanceof RunFilesError
            ? 400
            : 500
      if (status === 500) options.log(`run request failed: ${(error as Error).message}`)
      if (status === 413) response.setHeader('Connection', 'close')
      reply(response, status, { error: (error as Error).message })
    }
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname
    if (!path.startsWith('/runs/')) return
    const match = RUN_PATH.exec(path)
    const run = match ? runs.get(match[1]) : undefined
    // A socket carries no Authorization from a browser: it presents the single-use ticket its POST got.
    const refused =
      runsRefusal(request, options, false) ??
      (run && !tickets.redeem(request, run.id)
        ? ([
            401,
            `Missing, used or expired run ticket (offer subprotocols "${RUN_PROTOCOL}, ${TICKET_PROTOCOL_PREFIX}TICKET").`,
          ] as [number, string])
        : null)
    if (refused || !run) {
      if (refused) options.log(`refused run socket from ${request.socket.remoteAddress}: ${refused[1]}`)
      socket.end(
        refused
          ? `HTTP/1.1 ${refused[0]} ${refused[0] === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused[1]}`
          : 'HTTP/1.1 404 Not Found\r\n\r\n',
      )
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const { process, isOwner } = runs.attach(run, ws)
      serveRunSocket(ws, process, isOwner, () => runs.detach(run, ws))
    })
  })

  return {
    owns: (path) => path.startsWith('/runs/'),
    serve(request, response) {
      const path = new URL(request.url ?? '/', 'http://relay').pathname
      const ticketFor = TICKET_PATH.exec(path)?.[1]
      if (path !== '/runs' && ticketFor === undefined) return false
      // No CORS headers at all: the app is served by this relay (same origin) and needs none.
      const refused = runsRefusal(request, options, true)
      if (refused) {
        options.log(`refused run request from ${request.socket.remoteAddress}: ${refused[1]}`)
        reply(response, refused[0], { error: refused[1] })
      } else if (request.method !== 'POST') reply(response, 405, { error: `Use POST ${path}.` })
      else if (ticketFor === undefined) void create(request, response)
      else if (!runs.get(ticketFor))
        reply(response, 404, { error: 'No such run (it ended, or was never started).' })
      // A viewer's ticket: another socket on the same run, which watches.
      else reply(response, 201, { ticket: tickets.issue(ticketFor) })
      return true
    },
    async close() {
      await runs.close()
      tickets.clear()
    },
  }
}
