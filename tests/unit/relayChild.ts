import { spawn, type ChildProcess } from 'node:child_process'
import { tempDir } from './helpers.ts'

/**
 * A real relay child process (`weft relay`) on a data folder of its own, whose output the test
 * reads, and which can be SIGKILLed and started again on the same folder and port.
 */
export class RelayChild {
  readonly dataDir: string
  #child: ChildProcess | null = null
  port = 0
  /** Everything the relay printed, stdout and stderr, over all its runs. */
  output = ''

  constructor(dataDir = tempDir('weft-relay-child-')) {
    this.dataDir = dataDir
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  get syncUrl(): string {
    return `ws://127.0.0.1:${this.port}/sync`
  }

  async start(flags: string[] = []): Promise<void> {
    const child = spawn(
      process.execPath,
      ['bin/weft.js', 'relay', '--port', String(this.port), '--data', this.dataDir, ...flags],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    this.#child = child
    const from = this.output.length
    child.stdout!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    child.stderr!.on('data', (chunk: Buffer) => {
      this.output += chunk.toString()
    })
    this.port = await new Promise<number>((resolve, reject) => {
      const listening = () => {
        const match = /Weft relay on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.output.slice(from))
        if (match) resolve(Number(match[1]))
      }
      child.stdout!.on('data', listening)
      child.once('exit', (code) =>
        reject(new Error(`relay exited (${code}) before listening:\n${this.output.slice(from)}`)),
      )
    })
  }

  /** Sends `signal` at once and waits until the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill(signal)
    this.#child = null
    await exited
  }
}
