import type { PyodideAPI } from 'pyodide'
import { bundleEntry, type Bundler } from './bundle.ts'
import type { BrowserPlan } from './entry.ts'
import { JsRuntime, type RuntimeScope } from './jsRuntime.ts'
import { runPython } from './python.ts'
import { StdinReader } from './stdinChannel.ts'
import type { FromRunWorker, ToRunWorker } from './workerProtocol.ts'

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
}

/**
 * The run worker's logic, apart from how the worker loads its tools: takes one `run` message (and
 * any `stdin`), runs the plan, posts output as it is written and reports the exit code once.
 * Output is not batched on a timer: a program busy in a loop (Python's always is, on this thread)
 * would hold a timer back, and its last words with it.
 */
export function runWorker(host: RunWorkerHost): (message: ToRunWorker) => void {
  let runtime: JsRuntime | null = null
  /** Input typed before the program has started. */
  const early: string[] = []

  const write = (stream: 'stdout' | 'stderr', data: string) => {
    if (data !== '') host.post({ type: 'output', stream, data })
  }
  const exit = (code: number) => host.post({ type: 'exit', code })

  async function javascript(plan: Extract<BrowserPlan, { language: 'javascript' }>, files: Map<string, Uint8Array>) {
    const code = await bundleEntry(await host.bundler(), files, plan.entry)
    const started = new JsRuntime(host.scope, plan, { write })
    runtime = started
    for (const data of early.splice(0)) started.stdin(data)
    host.onUncaught((error) => started.fail(error))
    exit(await started.run(() => host.importModule(code)))
  }

  async function python(plan: Extract<BrowserPlan, { language: 'python' }>, files: Map<string, Uint8Array>, stdin?: SharedArrayBuffer) {
    exit(runPython(await host.python(), plan, files, { write }, stdin && new StdinReader(stdin)))
  }

  return (message) => {
    if (message.type === 'stdin') return runtime ? runtime.stdin(message.data) : void early.push(message.data)
    const files = new Map(message.files)
    const started = message.plan.language === 'javascript' ? javascript(message.plan, files) : python(message.plan, files, message.stdin)
    started.catch((error: unknown) => {
      write('stderr', `${error instanceof Error ? error.message : String(error)}\n`)
      exit(1)
    })
  }
}
