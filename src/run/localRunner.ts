import { FrameLog } from './FrameLog.ts'
import { parseRunFrame, type ClientFrame, type RunSpec } from './frames.ts'
import { RunnerUnavailable, type Run, type RunFile, type Runner } from './Runner.ts'
import { encodeRunRequest } from './wire.ts'

/** The part of the WebSocket API used here; the browser's WebSocket and `ws` both fit. */
export interface RunSocket {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number; reason: string }) => void) | null
  onerror: ((event: unknown) => void) | null
}

export interface LocalRunnerOptions {
  /** The relay's address, e.g. `http://127.0.0.1:8787`. */
  relay: string
  /** The runner's own token (the relay prints where it keeps it); not the sync token. */
  token: string
  /** Opens a WebSocket offering `protocols`; defaults to the global `WebSocket` (Node 20 has none: pass `ws`'s). */
  connect?: (url: string, protocols: string[]) => RunSocket
}

/** Subprotocols of a run socket: the browser cannot set headers on a WebSocket, so its single-use ticket rides here. */
export const runSocketProtocols = (ticket: string) => ['weft-run', `weft-ticket.${ticket}`]

const OPEN = 1

/** Runs on the machine of a relay started with `--runs`: POST /runs, then frames over `/runs/{id}`. */
export class LocalRunner implements Runner {
  readonly backend = 'local' as const
  readonly #relay: URL
  readonly #token: string
  readonly #connect: (url: string, protocols: string[]) => RunSocket

  constructor(options: LocalRunnerOptions) {
    this.#relay = new URL(options.relay)
    this.#token = options.token
    this.#connect =
      options.connect ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as RunSocket)
  }

  async start(spec: RunSpec, files: readonly RunFile[]): Promise<Run> {
    let response: Response
    try {
      response = await fetch(new URL('/runs', this.#relay), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.#token}` },
        body: encodeRunRequest(spec, files),
      })
    } catch (error) {
      throw new RunnerUnavailable(
        'local',
        `cannot reach the relay at ${this.#relay.origin} (${(error as Error).message}).`,
      )
    }
    const answer = (await response.json().catch(() => null)) as {
      id?: string
      ticket?: string
      error?: string
    } | null
    if (
      response.status === 404 ||
      (response.ok && (typeof answer?.id !== 'string' || typeof answer.ticket !== 'string'))
    )
      throw new RunnerUnavailable(
        'local',
        `the relay at ${this.#relay.origin} does not run commands (start it with --runs).`,
      )
    if (!response.ok) throw new Error(answer?.error ?? `The relay refused the run (HTTP ${response.status}).`)
    return this.#attach(answer!.id!, answer!.ticket!)
  }

  #attach(id: string, ticket: string): Promise<Run> {
    const address = new URL(`/runs/${id}`, this.#relay)
    address.protocol = address.protocol === 'https:' ? 'wss:' : 'ws:'
    // The token never goes into a URL: the socket presents the single-use ticket its POST was given.
    const socket = this.#connect(address.href, runSocketProtocols(ticket))
    const log = new FrameLog(id, 'local')
    let started = false
    const fail = (message: string) => {
      log.output('stderr', `weft: ${message}\n`)
      log.finish(null, null, 'disconnected')
    }
    socket.onmessage = (event) => {
      let frame
      try {
        frame = parseRunFrame(String(event.data))
      } catch (error) {
        socket.close(1007, 'malformed frame')
        return fail((error as Error).message)
      }
      // The relay opens with the start frame; this log already made its own.
      if (frame.type === 'start') started = true
      else if (started) log.append(frame)
    }
    socket.onclose = (event) => {
      if (!log.exit)
        fail(`lost the connection to the relay (${event.code}${event.reason ? ` ${event.reason}` : ''}).`)
    }
    const send = (frame: ClientFrame) => {
      if (socket.readyState === OPEN && !log.exit) socket.send(JSON.stringify(frame))
    }
    const run: Run = {
      id,
      frames: () => log.frames(),
      stdin: (data) => send({ type: 'stdin', data }),
      kill: () => send({ type: 'kill' }),
    }
    return new Promise((resolve, reject) => {
      socket.onopen = () => resolve(run)
      socket.onerror = () => {
        if (socket.readyState !== OPEN)
          reject(new RunnerUnavailable('local', `could not open the run's socket on ${this.#relay.origin}.`))
      }
    })
  }
}
