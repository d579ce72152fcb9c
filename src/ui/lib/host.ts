import * as Comlink from 'comlink'
import { initializeWasm, Repo, type PeerId } from '@automerge/automerge-repo/slim'
import wasmUrl from '@automerge/automerge/automerge.wasm?url'
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel'
import type { RepoService } from '../../repo/RepoService.ts'
import { WINDOW_PEER_PREFIX, type ConnectMessage } from '../../repo/protocol.ts'

/** A window's line to the repository worker: RPC for operations, a small Repo for live documents. */
export interface Host {
  service: Comlink.Remote<RepoService>
  /** Holds only the documents this window edits; the worker holds and stores everything. */
  repo: Repo
}

function startWorker(): { post: (message: ConnectMessage, transfer: Transferable[]) => void } {
  if (typeof SharedWorker !== 'undefined') {
    const worker = new SharedWorker(new URL('../../../workers/repo.worker.ts', import.meta.url), { type: 'module', name: 'weft-repo' })
    return { post: (m, t) => worker.port.postMessage(m, t) }
  }
  const worker = new Worker(new URL('../../../workers/repo.worker.ts', import.meta.url), { type: 'module', name: 'weft-repo' })
  return { post: (m, t) => worker.postMessage(m, t) }
}

/** How long the storage worker may take to load the profile before the window reports it. */
const STARTUP_TIMEOUT_MS = 20_000

/** Connects to the profile's repository worker; rejects with the reason if it cannot start. */
export async function connectHost(): Promise<Host> {
  await initializeWasm(wasmUrl)
  const rpc = new MessageChannel()
  const sync = new MessageChannel()
  startWorker().post({ type: 'weft-connect', rpc: rpc.port2, sync: sync.port2 }, [rpc.port2, sync.port2])
  const repo = new Repo({
    peerId: `${WINDOW_PEER_PREFIX}${crypto.randomUUID()}` as PeerId,
    network: [new MessageChannelNetworkAdapter(sync.port1)],
    sharePolicy: async () => true,
  })
  const service = Comlink.wrap<RepoService>(rpc.port1)
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${STARTUP_TIMEOUT_MS / 1000} s`)), STARTUP_TIMEOUT_MS)
  })
  await Promise.race([service.ping(), timeout]).finally(() => clearTimeout(timer))
  return { service, repo }
}
