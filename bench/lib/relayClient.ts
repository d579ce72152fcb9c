import { Repo, type DocHandle } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { storageHolds } from '../../src/sync/storageHolds.ts'

/** A client of one relay with no storage of its own: what it reads came from the relay. Used by the kill test and its bench. */
export function relayClient(syncUrl: string): { repo: Repo; close: () => void } {
  const adapter = new WebSocketClientAdapter(syncUrl)
  const repo = new Repo({ network: [adapter], sharePolicy: async () => true })
  const close = () => {
    const socket = adapter.socket
    adapter.disconnect()
    // disconnect() drops the adapter's error listener; a reset from a killed relay is expected.
    socket?.on('error', () => {})
  }
  return { repo, close }
}

/**
 * Resolves when the client counts `handle` as confirmed by its relay, the way the app and the CLI do
 * (`storageHolds`: the heads last reported for the relay's storage id equal the document's).
 */
export function whenConfirmed(repo: Repo, handle: DocHandle<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!storageHolds(repo, repo.peers[0], handle)) return
      handle.off('remote-heads', check)
      clearInterval(timer)
      resolve()
    }
    handle.on('remote-heads', check)
    // The peer's storage id may arrive after the heads; look again now and then.
    const timer = setInterval(check, 2)
    check()
  })
}
