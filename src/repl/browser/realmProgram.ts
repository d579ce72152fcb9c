/**
 * The program of an isolated browser realm: a sandboxed frame (opaque origin) inside a tab, or a
 * worker started from a `data:` URL (opaque origin too). It is built into one classic script (see
 * `build/realmProgram.ts`) so it needs nothing from the app's origin, and it has none of the app's
 * storage, tokens or repository worker. It waits for the port its runtime drives, then runs code
 * sent there in its own global scope, reporting its console and uncaught errors.
 */
import { captureConsole, captureGlobalErrors, scriptExecutor } from '../Executor.ts'
import { exposeExecutor } from '../remoteExecutor.ts'
import { isRealmWorkerConnect } from './workerRealm.ts'

const scope = globalThis as unknown as Window & typeof globalThis
const executor = scriptExecutor(
  (code) => (0, eval)(code),
  [captureConsole(console), captureGlobalErrors(scope)],
)

// The first connect message only: the port is the realm's one channel to its runtime.
scope.addEventListener('message', function connect(event: MessageEvent) {
  if (!isRealmWorkerConnect(event.data)) return
  scope.removeEventListener('message', connect)
  exposeExecutor(executor, event.data.port)
})
