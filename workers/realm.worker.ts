/// <reference lib="webworker" />
/**
 * A REPL realm in a worker: code sent to it runs here, off the page (no DOM), with this worker's
 * console and uncaught errors captured. The page that started it hands the port on to the
 * repository worker, where the realm's runtime and the session document are.
 */
import { captureConsole, captureGlobalErrors, scriptExecutor } from '../src/repl/Executor.ts'
import { exposeExecutor } from '../src/repl/remoteExecutor.ts'
import { isRealmWorkerConnect } from '../src/repl/workerRealm.ts'

const executor = scriptExecutor((code) => (0, eval)(code), [captureConsole(console), captureGlobalErrors(self)])

self.onmessage = (event: MessageEvent) => {
  if (isRealmWorkerConnect(event.data)) exposeExecutor(executor, event.data.port)
}
