import * as Comlink from 'comlink'
import type { RepoService } from '../../services/RepoService.ts'
import type { ConnectMessage } from '../../services/protocol.ts'

/**
 * A window's line to the repository worker. The window holds no Automerge documents: everything,
 * live files included, goes through the worker, so CRDT work never lands on the UI thread.
 */
export interface Host {
  service: Comlink.Remote<RepoService>
}

/** Starts (or joins) the repository worker; `failed` rejects if its script cannot load or run. */
function startWorker(): {
  post: (message: ConnectMessage, transfer: Transferable[]) => void
  failed: Promise<never>
} {
  let fail: (error: Error) => void = () => {}
  const failed = new Promise<never>((_, reject) => {
    fail = reject
  })
  const onerror = () => fail(new Error('the storage worker could not load.'))
  if (typeof SharedWorker !== 'undefined') {
    const worker = new SharedWorker(new URL('../../../workers/repo.worker.ts', import.meta.url), {
      type: 'module',
      name: 'weft-repo',
    })
    worker.addEventListener('error', onerror)
    return { post: (m, t) => worker.port.postMessage(m, t), failed }
  }
  const worker = new Worker(new URL('../../../workers/repo.worker.ts', import.meta.url), {
    type: 'module',
    name: 'weft-repo',
  })
  worker.addEventListener('error', onerror)
  return { post: (m, t) => worker.postMessage(m, t), failed }
}

/** How long the storage worker may take to load the profile before the window reports it. */
const STARTUP_TIMEOUT_MS = 20_000

/** Connects to the profile's repository worker; rejects with the reason if it cannot start. */
export async function connectHost(): Promise<Host> {
  const rpc = new MessageChannel()
  const worker = startWorker()
  worker.post({ type: 'weft-connect', rpc: rpc.port2 }, [rpc.port2])
  const service = Comlink.wrap<RepoService>(rpc.port1)
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${STARTUP_TIMEOUT_MS / 1000} s`)),
      STARTUP_TIMEOUT_MS,
    )
  })
  await Promise.race([service.ping(), timeout, worker.failed]).finally(() => clearTimeout(timer))
  return { service }
}
