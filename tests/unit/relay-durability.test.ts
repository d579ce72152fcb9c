import '@automerge/automerge-repo'
import { afterEach, describe, expect, it } from 'vitest'
import { Repo, type AutomergeUrl, type DocHandle } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { RelayChild } from './relayChild.ts'

const children: RelayChild[] = []
afterEach(async () => {
  for (const child of children.splice(0)) await child.stop('SIGKILL')
})

function relayChild(): RelayChild {
  const child = new RelayChild()
  children.push(child)
  return child
}

/** A client with no storage of its own: what it reads came from the relay. */
function client(syncUrl: string) {
  const adapter = new WebSocketClientAdapter(syncUrl)
  const repo = new Repo({ network: [adapter], sharePolicy: async () => true })
  const close = () => {
    const socket = adapter.socket
    adapter.disconnect()
    // disconnect() drops the adapter's error listener; a reset from the killed relay is expected.
    socket?.on('error', () => {})
  }
  return { repo, close }
}

/**
 * Resolves when the client counts `handle` as confirmed by the relay, the way the app and the CLI do
 * (src/sync/Relays.ts): the heads last reported for the relay's storage id equal the document's.
 */
function confirmed(repo: Repo, handle: DocHandle<unknown>): Promise<void> {
  const holds = () => {
    const relayPeer = repo.peers[0]
    const storageId = relayPeer ? repo.peerMetadataByPeerId[relayPeer]?.storageId : undefined
    const theirs = storageId ? handle.getSyncInfo(storageId)?.lastHeads : undefined
    const ours = handle.heads()
    return !!theirs && theirs.length === ours.length && ours.every((h) => theirs.includes(h))
  }
  return new Promise((resolve) => {
    const check = () => {
      if (!holds()) return
      handle.off('remote-heads', check)
      clearInterval(timer)
      resolve()
    }
    handle.on('remote-heads', check)
    // The peer's storage id may arrive after the heads; look again now and then.
    const timer = setInterval(check, 5)
    check()
  })
}

interface Log { values: number[] }

describe('relay durability', () => {
  it('keeps every change it confirmed when SIGKILLed right after confirming', async () => {
    const relay = relayChild()
    await relay.start()
    const rounds = 30
    const confirmedValues: number[] = []
    let url = ''
    let lost: number[] = []
    for (let round = 0; round <= rounds; round++) {
      const { repo, close } = client(relay.syncUrl)
      let handle: DocHandle<Log>
      try {
        handle = round === 0 ? repo.create<Log>({ values: [] }) : await repo.find<Log>(url as AutomergeUrl)
      } catch {
        // The relay lost the whole document (it confirmed its creation, then kept nothing).
        lost = [...confirmedValues]
        close()
        break
      }
      url = handle.url
      await confirmed(repo, handle)
      // What the restarted relay gave a fresh client must hold every value confirmed before.
      lost = confirmedValues.filter((value) => !handle.doc().values.includes(value))
      if (lost.length > 0 || round === rounds) { close(); break }
      handle.change((doc) => { doc.values.push(round) })
      await confirmed(repo, handle)
      confirmedValues.push(round)
      await relay.stop('SIGKILL')
      close()
      await relay.start()
    }
    expect(lost, `lost ${lost.length} of ${confirmedValues.length} confirmed changes`).toEqual([])
    expect(confirmedValues).toHaveLength(rounds)
  }, 60_000)
})
