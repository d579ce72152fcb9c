import * as Comlink from 'comlink'
import type { MergeWorkerConnect } from '../../merge/workerApi.ts'

let worker: Worker | null = null

/**
 * Options for `RepoService.merge` carrying a fresh port to this window's merge worker (started on
 * first use), transferred to the repository worker, and a request id to cancel the merge by.
 */
export function withMergeEngine<T extends object>(options: T): T & { engine: MessagePort; request: string } {
  worker ??= new Worker(new URL('../../../workers/merge.worker.ts', import.meta.url), {
    type: 'module',
    name: 'weft-merge',
  })
  const channel = new MessageChannel()
  const connect: MergeWorkerConnect = { type: 'weft-merge-connect', port: channel.port1 }
  worker.postMessage(connect, [channel.port1])
  return Comlink.transfer({ ...options, engine: channel.port2, request: crypto.randomUUID() }, [
    channel.port2,
  ])
}

/** Stops the merge worker (a cancelled merge may still be parsing); the next merge starts another. */
export function stopMergeWorker(): void {
  worker?.terminate()
  worker = null
}
