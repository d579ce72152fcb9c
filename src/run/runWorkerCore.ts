import type { PyodideAPI } from 'pyodide'
import { bundleEntry, type Bundler } from './bundle.ts'
import type { BrowserPlan } from './entry.ts'
import { JsRuntime, type RuntimeScope } from './jsRuntime.ts'
import { runPython } from './python.ts'
import { StdinReader } from './stdinChannel.ts'
import type { FromRunWorker, ToRunWorker } from './workerProtocol.ts'

/** Output waits at most this long, or until this much has gathered, before it is posted. */
const BATCH_MS = 16
const BATCH_CHARS = 64 * 1024

/** What the run worker's core needs from the worker it lives in. */
export interface RunWorkerHost {
  post(message: FromRunWorker): void
  /** The worker's global scope, which the program's runtime patches. */
  scope: RuntimeScope
  /** Loads esbuild (initialised). */
  bundler(): Promise<Bundler>
  /** Loads a fresh Pyodide. */
  python(): Promise<PyodideAPI>
  /** Evaluates the bundled program as an ES module. */
  importModule(code: string): Promise<unknown>
  /** Subscribes to errors that escape the program (uncaught exceptions, unhandled rejections). */
  onUncaught(listener: (error: unknown) => void): void
  /** Serves REPL requests on `port`, evaluated in the run's global scope. */
  serveRealm(port: MessagePort): void
}

/**
 * The run worker's logic, apart from how the worker loads its tools: takes one `run` message (and
 * any `stdin`), runs the plan, posts output and reports the exit code once.
 *
 * Output is batched: one message per printed line costs the page a task each (200,000 lines froze
 * it for seconds). A write after a quiet moment goes out at once; writes close behind it gather
 * until the batch is big or old enough (checked at each write, since a program busy in a loop,
 * as Python's always is on this thread, holds timers back), or until a timer, a read of input or
 * the exit sends them.
 */
export function runWorker(host: RunWorkerHost): (message: ToRunWorker) => void {
  let runtime: JsRuntime | null = null
  /** Input typed before the program has started. */
  const early: string[] = []

  let pending: { stream: 'stdout' | 'stderr'; data: string }[] = []
  let pendingChars = 0
  let posted = -Infinity
  let timer: ReturnType<typeof setTimeout> | undefined
  const flush = () => {
    clearTimeout(timer)
    timer = undefined
    for (const { stream, data } of pending) host.post({ type: 'output', stream, data })
    pending = []
    pendingChars = 0
    posted = performance.now()
  }
  const write = (stream: 'stdout' | 'stderr', data: string) => {
    if (data === '') return
    const last = pending.at(-1)
    if (last?.stream === stream) last.data += data
    else pending.push({ stream, data })
    pendingChars += data.length
    if (pendingChars >= BATCH_CHARS || performance.now() - posted >= BATCH_MS) flush()
    else timer ??= setTimeout(flush, BATCH_MS)
  }
  const exit = (code: number) => {
    flush()
    host.post({ type: 'exit', code })
  }

  async function javascript(
    plan: Extract<BrowserPlan, { language: 'javascript' }>,
    files: Map<string, Uint8Array>,
  ) {
    const code = await bundleEntry(await host.bundler(), files, plan.entry)
    const started = new JsRuntime(host.scope, plan, { write })
    runtime = started
    for (const data of early.splice(0)) started.stdin(data)
    host.onUncaught((error) => started.fail(error))
    exit(await started.run(() => host.importModule(code)))
  }

  async function python(
    plan: Extract<BrowserPlan, { language: 'python' }>,
    files: Map<string, Uint8Array>,
    stdin?: SharedArrayBuffer,
  ) {
    const reader = stdin && new StdinReader(stdin)
    // Whatever was printed (a prompt) must be out before the program blocks waiting for input.
    const input = reader && {
      readInto: (buffer: Uint8Array) => {
        flush()
        return reader.readInto(buffer)
      },
    }
    exit(runPython(await host.python(), plan, files, { write }, input))
  }

  return (message) => {
    if (message.type === 'realm') return host.serveRealm(message.port)
    if (message.type === 'stdin') return runtime ? runtime.stdin(message.data) : void early.push(message.data)
    const files = new Map(message.files)
    const started =
      message.plan.language === 'javascript'
        ? javascript(message.plan, files)
        : python(message.plan, files, message.stdin)
    started.catch((error: unknown) => {
      write('stderr', `${error instanceof Error ? error.message : String(error)}\n`)
      exit(1)
    })
  }
}
