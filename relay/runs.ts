import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocket, WebSocketServer } from 'ws'
import { parseClientFrame, RunFrameError, type RunFrame, type RunSpec } from '../src/run/frames.ts'
import { DEFAULT_HISTORY_CHARS } from '../src/run/FrameLog.ts'
import { decodeRunRequest } from '../src/run/wire.ts'
import { spawnRun, type LocalProcess } from './localProcess.ts'
import { materialise, runFolder, RunFilesError } from './runFiles.ts'
import { bearerToken, hostProblem, originProblem } from './runsGuard.ts'
import { sameSecret } from './sameSecret.ts'

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

/** Owner output waiting in its socket beyond this pauses the process; below LOW it resumes. */
const HIGH_WATER = 4 * 1024 * 1024
const LOW_WATER = 512 * 1024
/** A viewer this far behind is dropped rather than slowing the run. */
const VIEWER_LIMIT = 16 * 1024 * 1024
/** A finished run stays watchable (its frames so far) this long. */
const LINGER_MS = 30_000
const RUN_PATH = /^\/runs\/([A-Za-z0-9-]{1,64})$/
const TICKET_PATH = /^\/runs\/([A-Za-z0-9-]{1,64})\/ticket$/
/** The WebSocket subprotocol of run sockets; the ticket rides beside it as `weft-ticket.{ticket}`. */
export const RUN_PROTOCOL = 'weft-run'
export const TICKET_PROTOCOL_PREFIX = 'weft-ticket.'

interface Entry {
  id: string
  dir: string
  cwd: string
  spec: RunSpec
  process: LocalProcess | null
  owner: WebSocket | null
  sockets: Set<WebSocket>
  claimTimer: NodeJS.Timeout
}

/** A single-use pass to open one socket on one run, issued to a holder of the runner token. */
interface Ticket {
  runId: string
  expires: number
}

const sizeLimit = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`
const tooLarge = (limit: number) =>
  new RangeError(`The run request is larger than the relay's limit of ${sizeLimit(limit)}.`)

const isLoopback = (address: string | undefined) =>
  address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address))

function reply(response: ServerResponse, status: number, body: object): void {
  response.statusCode = status
  response.setHeader('Content-Type', 'application/json')
  response.end(JSON.stringify(body))
}

/**
 * The local runner: `POST /runs` with `{spec, files}` (see `src/run/wire.ts`) and the runner token
 * as `Authorization: Bearer` answers `{id, ticket}`; the first WebSocket on `/runs/{id}` (offering
 * the subprotocols `weft-run` and `weft-ticket.{ticket}`: a browser cannot set headers on a socket,
 * and a URL ends up in logs) owns the run — the process starts when it connects, its
 * stdin/kill frames are obeyed, and its disconnect kills the run's whole process group. Later
 * sockets watch (each with a ticket from `POST /runs/{id}/ticket`): they get the frames so far
 * (bounded) and then every frame live. Every request passes `refusal` first (Host, Origin, token).
 */
export function runsEndpoint(server: Server, options: RunsOptions): RunsEndpoint {
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024 * 1024
  const maxRuns = options.maxRuns ?? 64
  const claimMs = options.claimMs ?? 10_000
  const runs = new Map<string, Entry>()
  let active = 0
  const tickets = new Map<string, Ticket>()
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 1024 * 1024,
    // Browsers fail a socket whose requested subprotocols the server does not answer; never echo the ticket.
    handleProtocols: (offered) => (offered.has(RUN_PROTOCOL) ? RUN_PROTOCOL : false),
  })

  /**
   * Why this request may not reach the runner (status and message), or null: Host, then Origin,
   * then where it comes from, then (HTTP only) the runner token. One gate for every path.
   */
  function refusal(request: IncomingMessage, needsToken: boolean): [number, string] | null {
    const host = hostProblem(request, options.allowedHosts ?? [])
    if (host) return [403, host]
    const origin = originProblem(request)
    if (origin) return [403, origin]
    if (!options.allowRemote && !isLoopback(request.socket.remoteAddress))
      return [
        403,
        'This relay runs commands for this machine only (start it with --runs-remote to allow others).',
      ]
    if (needsToken && !sameSecret(bearerToken(request), options.token))
      return [
        401,
        'Missing or wrong runner token (send it as Authorization: Bearer; it is not the sync token).',
      ]
    return null
  }

  /** A new single-use ticket for one socket on `runId`, valid for the claim time. */
  function issueTicket(runId: string): string {
    const now = Date.now()
    for (const [key, ticket] of tickets) if (ticket.expires <= now) tickets.delete(key)
    const ticket = randomBytes(24).toString('base64url')
    tickets.set(ticket, { runId, expires: now + claimMs })
    return ticket
  }

  /** Uses up the ticket the socket request offers; true when it was valid for `runId`. */
  function redeemTicket(request: IncomingMessage, runId: string): boolean {
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
    const value = offered
      .find((p) => p.startsWith(TICKET_PROTOCOL_PREFIX))
      ?.slice(TICKET_PROTOCOL_PREFIX.length)
    const ticket = value ? tickets.get(value) : undefined
    if (!ticket) return false
    tickets.delete(value!)
    return ticket.runId === runId && ticket.expires > Date.now()
  }

  async function readBody(request: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = []
    let size = 0
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > maxRequestBytes) throw tooLarge(maxRequestBytes)
      chunks.push(chunk)
    }
    return Buffer.concat(chunks).toString('utf8')
  }

  async function create(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (active >= maxRuns)
      return reply(response, 429, {
        error: `This relay is already running ${maxRuns} commands; try again when one ends.`,
      })
    let dir: string | null = null
    try {
      const declared = Number(request.headers['content-length'] ?? 0)
      if (declared > maxRequestBytes) throw tooLarge(maxRequestBytes)
      let body: unknown
      try {
        body = JSON.parse(await readBody(request))
      } catch (error) {
        throw error instanceof RangeError ? error : new RunFrameError('Malformed run request: not JSON.')
      }
      const { spec, files } = decodeRunRequest(body)
      dir = await mkdtemp(join(tmpdir(), 'weft-run-'))
      await materialise(dir, files)
      const cwd = await runFolder(dir, spec.cwd)
      const id = crypto.randomUUID()
      const claimTimer = setTimeout(() => {
        options.log(`run ${id} dropped: nobody connected within ${claimMs / 1000} s`)
        forget(runs.get(id)!)
      }, claimMs)
      runs.set(id, { id, dir, cwd, spec, process: null, owner: null, sockets: new Set(), claimTimer })
      active++
      reply(response, 201, { id, ticket: issueTicket(id) })
    } catch (error) {
      if (dir) void rm(dir, { recursive: true, force: true })
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
  /** Drops a run from the registry and its folder from disk. */
  function forget(entry: Entry): void {
    clearTimeout(entry.claimTimer)
    if (runs.get(entry.id) === entry && !entry.process) active--
    runs.delete(entry.id)
    void rm(entry.dir, { recursive: true, force: true })
  }

  function start(entry: Entry, owner: WebSocket): LocalProcess {
    clearTimeout(entry.claimTimer)
    entry.owner = owner
    const run = spawnRun(entry.id, entry.spec, entry.cwd, {
      killGraceMs: options.killGraceMs ?? 2_000,
      historyChars: options.historyChars ?? DEFAULT_HISTORY_CHARS,
    })
    entry.process = run
    options.log(`run ${entry.id} started (pid ${run.pid}): ${entry.spec.command.slice(0, 80)}`)
    void run.log.ended().then((exit) => {
      active--
      options.log(
        `run ${entry.id} ended: ${exit.reason}${exit.code !== null ? ` ${exit.code}` : ''}${exit.signal ? ` ${exit.signal}` : ''}`,
      )
      void rm(entry.dir, { recursive: true, force: true })
      setTimeout(() => runs.delete(entry.id), LINGER_MS).unref()
    })
    return run
  }

  function watch(entry: Entry, socket: WebSocket): void {
    entry.sockets.add(socket)
    socket.on('error', () => socket.terminate())
    const run = entry.process ?? start(entry, socket)
    const isOwner = socket === entry.owner
    let paused = false
    const send = (frame: RunFrame) => {
      if (socket.readyState !== WebSocket.OPEN) return
      socket.send(JSON.stringify(frame), () => {
        if (paused && socket.bufferedAmount < LOW_WATER) {
          paused = false
          run.resume()
        }
      })
      if (frame.type === 'exit') socket.close(1000, 'run ended')
      else if (isOwner && !paused && socket.bufferedAmount > HIGH_WATER) {
        paused = true
        run.pause()
      } else if (!isOwner && socket.bufferedAmount > VIEWER_LIMIT) {
        socket.close(1008, 'too far behind this run')
        setTimeout(() => socket.terminate(), 2_000).unref()
      }
    }
    const unsubscribe = run.log.subscribe(send)
    socket.on('message', (data, isBinary) => {
      let frame
      try {
        frame = parseClientFrame(isBinary ? '' : String(data))
      } catch (error) {
        socket.close(1007, (error as Error).message.slice(0, 120))
        return
      }
      if (!isOwner) return // viewers watch; only the owner types or stops
      if (frame.type === 'kill') run.stop('killed')
      else run.write(frame.data)
    })
    socket.on('close', () => {
      unsubscribe()
      entry.sockets.delete(socket)
      if (isOwner) {
        if (paused) run.resume()
        run.stop('disconnected')
      }
    })
  }

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://relay').pathname
    if (!path.startsWith('/runs/')) return
    const match = RUN_PATH.exec(path)
    const entry = match ? runs.get(match[1]) : undefined
    // A socket carries no Authorization from a browser: it presents the single-use ticket its POST got.
    const refused =
      refusal(request, false) ??
      (entry && !redeemTicket(request, entry.id)
        ? ([
            401,
            `Missing, used or expired run ticket (offer subprotocols "${RUN_PROTOCOL}, ${TICKET_PROTOCOL_PREFIX}TICKET").`,
          ] as [number, string])
        : null)
    if (refused || !entry) {
      if (refused) options.log(`refused run socket from ${request.socket.remoteAddress}: ${refused[1]}`)
      socket.end(
        refused
          ? `HTTP/1.1 ${refused[0]} ${refused[0] === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${refused[1]}`
          : 'HTTP/1.1 404 Not Found\r\n\r\n',
      )
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => watch(entry, ws))
  })

  return {
    owns: (path) => path.startsWith('/runs/'),
    serve(request, response) {
      const path = new URL(request.url ?? '/', 'http://relay').pathname
      const ticketFor = TICKET_PATH.exec(path)?.[1]
      if (path !== '/runs' && ticketFor === undefined) return false
      // No CORS headers at all: the app is served by this relay (same origin) and needs none.
      const refused = refusal(request, true)
      if (refused) {
        options.log(`refused run request from ${request.socket.remoteAddress}: ${refused[1]}`)
        reply(response, refused[0], { error: refused[1] })
      } else if (request.method !== 'POST') reply(response, 405, { error: `Use POST ${path}.` })
      else if (ticketFor === undefined) void create(request, response)
      else if (!runs.has(ticketFor))
        reply(response, 404, { error: 'No such run (it ended, or was never started).' })
      // A viewer's ticket: another socket on the same run, which watches.
      else reply(response, 201, { ticket: issueTicket(ticketFor) })
      return true
    },
    async close() {
      const ending: Promise<unknown>[] = []
      for (const entry of runs.values()) {
        if (entry.process) {
          entry.process.stop('killed', true)
          ending.push(entry.process.log.ended())
        } else forget(entry)
        for (const socket of entry.sockets) {
          socket.close(1001, 'relay shutting down')
          setTimeout(() => socket.terminate(), 1_000).unref()
        }
      }
      await Promise.race([Promise.all(ending), new Promise((resolve) => setTimeout(resolve, 3_000))])
      for (const entry of runs.values()) void rm(entry.dir, { recursive: true, force: true })
      runs.clear()
      tickets.clear()
    },
  }
}
