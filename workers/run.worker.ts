/// <reference lib="webworker" />
/**
 * One run, in a fresh module Worker (the host terminates it to stop the run): JavaScript and
 * TypeScript bundled from the branch's files by esbuild-wasm and imported as one module, or Python
 * on Pyodide. Both load from the app's own assets, never from a CDN: the first run that needs one
 * downloads it (progress shown in the app's windows) and keeps it, so runs work offline after that.
 */
import esbuildWasmUrl from 'esbuild-wasm/esbuild.wasm?url'
import { pyodideFiles, pyodideFolder } from 'virtual:weft-pyodide'
import { broadcastDownloads, keepRuntime } from '../src/run/browser/runtimeCache.ts'
import type { RuntimeScope } from '../src/run/jsRuntime.ts'
import { runWorker } from '../src/run/runWorkerCore.ts'
import { scriptExecutor } from '../src/repl/Executor.ts'
import { exposeExecutor } from '../src/repl/remoteExecutor.ts'
import type { FromRunWorker, ToRunWorker } from '../src/run/workerProtocol.ts'

declare const self: DedicatedWorkerGlobalScope

/** Pyodide's runtime files, copied into the app's `assets/pyodide-<version>/` folder by the build. */
const PYODIDE_INDEX = new URL(`${import.meta.env.BASE_URL}${pyodideFolder}`, self.location.href).href

const post = self.postMessage.bind(self)
const reportDownload = broadcastDownloads()
const handle = runWorker({
  post: (message: FromRunWorker) => post(message),
  scope: self as unknown as RuntimeScope,
  async bundler() {
    const wasmUrl = new URL(esbuildWasmUrl, self.location.href).href
    const [esbuild, kept] = await Promise.all([
      import('esbuild-wasm'),
      keepRuntime('esbuild', [wasmUrl], reportDownload),
    ])
    const wasmModule = await WebAssembly.compile(await kept.get(wasmUrl)!.arrayBuffer())
    // This worker is already off the UI thread: esbuild need not start one of its own.
    await esbuild.initialize({ wasmModule, worker: false })
    return esbuild
  },
  async python() {
    const [{ loadPyodide }] = await Promise.all([
      import('pyodide'),
      // Kept first: Pyodide then fetches its files, which the service worker answers from the cache.
      keepRuntime(
        'pyodide',
        pyodideFiles.map((name) => PYODIDE_INDEX + name),
        reportDownload,
      ),
    ])
    return loadPyodide({ indexURL: PYODIDE_INDEX })
  },
  // The run's console and uncaught errors are its output already; the realm log shows results.
  serveRealm: (port) =>
    exposeExecutor(
      scriptExecutor((code) => (0, eval)(code), []),
      port,
    ),
  importModule: (code) =>
    import(/* @vite-ignore */ URL.createObjectURL(new Blob([code], { type: 'text/javascript' }))),
  onUncaught(listener) {
    self.addEventListener('error', (event) => {
      event.preventDefault()
      listener(event.error ?? event.message)
    })
    self.addEventListener('unhandledrejection', (event) => {
      event.preventDefault()
      listener(event.reason)
    })
  },
})
self.onmessage = (event: MessageEvent<ToRunWorker>) => handle(event.data)
