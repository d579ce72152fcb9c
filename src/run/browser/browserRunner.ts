import { planBrowserRun, type BrowserPlan } from '../entry.ts'
import { FrameLog } from '../FrameLog.ts'
import { parseRunSpec, type RunSpec } from '../frames.ts'
import type { Run, RunFile, Runner } from '../Runner.ts'
import { createStdinBuffer, STDIN_CAPACITY, StdinWriter } from '../stdinChannel.ts'
import type { FromRunWorker, ToRunWorker } from '../workerProtocol.ts'

export interface BrowserRunnerOptions {
  /** Makes the fresh worker for one run; the app's default is `workers/run.worker.ts`. */
  createWorker?: () => Worker
}

const utf8 = new TextDecoder()

/** The plan for a spec over these files, or the reason the browser cannot run it (thrown). */
export function planFor(spec: RunSpec, files: readonly RunFile[]): BrowserPlan {
  const byPath = new Map(files.map((f) => [f.path, f.bytes]))
  return planBrowserRun({
    command: spec.command,
    cwd: spec.cwd,
    env: spec.env,
    paths: new Set(byPath.keys()),
    read: (path) => {
      const bytes = byPath.get(path)
      return bytes && utf8.decode(bytes)
    },
  })
}

/** Writes typed input into shared memory, retrying while the program has not yet read what came before. */
function typedInto(writer: StdinWriter, ended: () => boolean): (data: string) => void {
  const queue: string[] = []
  const drain = () => {
    while (queue.length > 0 && !ended() && writer.write(queue[0])) queue.shift()
    if (queue.length > 0 && !ended()) setTimeout(drain, 20)
  }
  return (data) => {
    const idle = queue.length === 0
    // Pieces that always fit the buffer (at most 3 bytes per UTF-16 unit), not splitting a surrogate pair.
    for (let at = 0; at < data.length;) {
      let end = Math.min(data.length, at + STDIN_CAPACITY / 4)
      if (end < data.length && /[\uD800-\uDBFF]/.test(data[end - 1])) end--
      queue.push(data.slice(at, end))
      at = end
    }
    if (idle) drain()
  }
}

/**
 * Runs JavaScript, TypeScript and Python in the browser, offline: each run gets a fresh module
 * Worker, and Stop or the time limit terminates it (nothing of a run survives its worker).
 * A command it cannot run ends at once with reason `error` and a stderr line saying why.
 */
export class BrowserRunner implements Runner {
  readonly backend = 'browser' as const
  readonly #createWorker: () => Worker

  constructor(options: BrowserRunnerOptions = {}) {
    this.#createWorker =
      options.createWorker ??
      (() =>
        new Worker(new URL('../../../workers/run.worker.ts', import.meta.url), {
          type: 'module',
          name: 'weft-run',
        }))
  }

  async start(spec: RunSpec, files: readonly RunFile[]): Promise<Run> {
    const log = new FrameLog(crypto.randomUUID(), 'browser')
    let worker: Worker | null = null
    let stdin = (data: string) => worker?.postMessage({ type: 'stdin', data } satisfies ToRunWorker)
    const end = (code: number | null, reason: 'exited' | 'killed' | 'timeout' | 'error') => {
      worker?.terminate()
      worker = null
      clearTimeout(timeout)
      log.finish(code, null, reason)
    }
    const timeout = spec.timeoutMs ? setTimeout(() => end(null, 'timeout'), spec.timeoutMs) : undefined
    try {
      // The spec (its folder above all) may come from a document: checked as the relay checks it.
      const plan = planFor(parseRunSpec(spec), files)
      worker = this.#createWorker()
      worker.onmessage = (event: MessageEvent<FromRunWorker>) => {
        const message = event.data
        if (message.type === 'output') log.output(message.stream, message.data)
        else end(message.code, 'exited')
      }
      worker.onerror = (event) => {
        log.output('stderr', `weft: the run's worker failed: ${event.message || 'it could not be loaded'}\n`)
        end(null, 'error')
      }
      const message: ToRunWorker = { type: 'run', plan, files: files.map((f) => [f.path, f.bytes]) }
      // Python reads input synchronously, so it comes through shared memory (absent unless the page is cross-origin isolated).
      if (plan.language === 'python' && typeof SharedArrayBuffer === 'function') {
        message.stdin = createStdinBuffer()
        stdin = typedInto(new StdinWriter(message.stdin), () => log.exit !== null)
      }
      worker.postMessage(message)
    } catch (error) {
      log.output('stderr', `${(error as Error).message}\n`)
      end(null, 'error')
    }
    return {
      id: log.start.id,
      frames: () => log.frames(),
      stdin: (data) => stdin(data),
      kill: () => {
        if (!log.exit) end(null, 'killed')
      },
      realmPort: () => {
        if (!worker || log.exit) return null
        const channel = new MessageChannel()
        worker.postMessage({ type: 'realm', port: channel.port1 } satisfies ToRunWorker, [channel.port1])
        return channel.port2
      },
    }
  }
}
