import { spawn, type ChildProcess } from 'node:child_process'
import { connect, createServer } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A relay child process of its own (serving the built app), which a test may kill and restart. */
export class RelayProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'weft-e2e-relay-'))
  #child: ChildProcess | null = null
  port = 0

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** Starts on the given port (0 picks one the first time; restarts reuse it), with any further relay flags. */
  async start(port = this.port, flags: string[] = []): Promise<void> {
    const child = spawn(
      process.execPath,
      ['bin/weft.js', 'relay', '--port', String(port), '--data', this.dataDir, ...flags],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.#child = child
    this.port = await new Promise<number>((resolve, reject) => {
      let out = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        const match = /Weft relay on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
        if (match) resolve(Number(match[1]))
      })
      child.stderr!.on('data', (chunk: Buffer) => {
        out += chunk.toString()
      })
      child.once('exit', (code) => reject(new Error(`relay exited (${code}) before listening:\n${out}`)))
    })
  }

  /** Ends the relay with `signal` and waits for it to be gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    await exited
    this.#child = null
  }
}

/**
 * A TCP proxy in front of a relay, to cut one peer's network (a partition) while others stay
 * connected: `cut()` drops its connections and refuses new ones until `restore()`.
 */
export class NetworkLink {
  readonly #server: import('node:net').Server
  readonly #sockets = new Set<import('node:net').Socket>()
  #open = true
  port = 0

  constructor(targetPort: () => number) {
    this.#server = createServer((client) => {
      if (!this.#open) return client.destroy()
      const upstream = connect(targetPort(), '127.0.0.1')
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => {
          client.destroy()
          upstream.destroy()
        })
      }
      client.pipe(upstream).pipe(client)
    })
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve))
    this.port = (this.#server.address() as import('node:net').AddressInfo).port
  }

  cut(): void {
    this.#open = false
    for (const socket of this.#sockets) socket.destroy()
  }

  restore(): void {
    this.#open = true
  }

  close(): Promise<void> {
    this.cut()
    return new Promise((resolve) => this.#server.close(() => resolve()))
  }
}
