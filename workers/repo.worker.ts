/// <reference lib="webworker" />
/**
 * The profile's one automerge-repo: owns IndexedDB storage and the relay connection, and serves
 * every window of this origin. Runs as a SharedWorker (a dedicated Worker where that is missing),
 * so CRDT work never blocks a UI thread.
 */
import './bufferGlobal.ts'
import * as Comlink from 'comlink'
import { initializeWasm, Repo } from '@automerge/automerge-repo/slim'
import wasmUrl from '@automerge/automerge/automerge.wasm?url'
import { IndexedDBStorageAdapter } from '@automerge/automerge-repo-storage-indexeddb'
import { BroadcastChannelNetworkAdapter } from '@automerge/automerge-repo-network-broadcastchannel'
import { Relays } from '../src/sync/Relays.ts'
import { createRepoService } from '../src/services/RepoService.ts'
import { isConnectMessage } from '../src/services/protocol.ts'

/** Delay before a (re)connected relay is handed everything it may lack. */
const CATCH_UP_DELAY_MS = 3_000

const ready = (async () => {
  await initializeWasm(wasmUrl)
  const storage = new IndexedDBStorageAdapter('weft')
  // Where SharedWorker is missing (Android Chrome), each tab runs its own worker; those workers sync
  // with each other over a BroadcastChannel, so tabs stay in step with or without a relay.
  const isShared = 'onconnect' in self
  const repo = new Repo({
    storage,
    network: isShared ? [] : [new BroadcastChannelNetworkAdapter({ channelName: 'weft-repo-workers' })],
  })
  let catchUp: ReturnType<typeof setTimeout> | undefined
  // After each (re)connection, once windows have had their start-up answers, load every document so
  // each relay catches up; the share rule lets through only what that relay may hold.
  const relays = new Relays(repo, storage, () => {
    clearTimeout(catchUp)
    catchUp = setTimeout(() => void service.loadEverything(), CATCH_UP_DELAY_MS)
  })
  const service = createRepoService(repo, storage, relays)
  // `Relays` decides what each relay receives (installed as the Repo's share rule). The relay that
  // served the app is the person's own by default: it receives the catalog and every repository.
  await relays.start([self.location.origin])
  return { service }
})()

async function connect(data: unknown) {
  if (!isConnectMessage(data)) return
  let started: Awaited<typeof ready>
  try {
    started = await ready
  } catch (error) {
    // Answer every call with the reason, so the window can say why instead of waiting forever.
    const reason = `storage could not start: ${(error as Error).message}`
    Comlink.expose(new Proxy({}, { get: () => () => Promise.reject(new Error(reason)) }), data.rpc)
    return
  }
  Comlink.expose(started.service, data.rpc)
}

if ('onconnect' in self) {
  ;(self as unknown as SharedWorkerGlobalScope).onconnect = (event) => {
    event.ports[0].onmessage = (message) => void connect(message.data)
  }
} else {
  ;(self as unknown as DedicatedWorkerGlobalScope).onmessage = (message) => void connect(message.data)
}
