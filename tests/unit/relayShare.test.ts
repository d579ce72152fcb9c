import '@automerge/automerge-repo'
import { afterEach, expect, it, vi } from 'vitest'
import { WebSocketServer } from 'ws'
import { cbor, Repo, type AutomergeUrl, type DocumentId } from '@automerge/automerge-repo'
import { BroadcastChannelNetworkAdapter } from '@automerge/automerge-repo-network-broadcastchannel'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay } from '../../relay/server.ts'
import { Catalog } from '../../src/repo/Catalog.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { tempDir } from './helpers.ts'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f()
})

/** A profile as the app's worker runs it: a catalog with a private and a shared repository. */
async function victim(network: Repo['networkSubsystem']['adapters'] = []) {
  const storage = new NodeFSStorageAdapter(tempDir())
  const repo = new Repo({ storage, network })
  cleanups.push(() => shutdownRepo(repo))
  const relays = new Relays(repo, storage)
  const catalog = await Catalog.load(repo, storage)
  relays.protectCatalog(catalog.handle)
  const secret = catalog.create('private')
  const shared = catalog.create('shared')
  return { repo, relays, catalog, secret, shared }
}

/**
 * A relay that lies: it answers every join with the peer id of the victim's own relay, and records
 * every document any message it receives names.
 */
async function impostor(claimedPeerId: string) {
  const heard = new Set<DocumentId>()
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 })
  await new Promise((resolve) => server.once('listening', resolve))
  server.on('connection', (socket) =>
    socket.on('message', (data: Buffer) => {
      const message = cbor.decode(new Uint8Array(data)) as {
        type: string
        senderId: string
        documentId?: DocumentId
      }
      if (message.documentId) heard.add(message.documentId)
      if (message.type === 'join')
        socket.send(
          cbor.encode({
            type: 'peer',
            senderId: claimedPeerId,
            targetId: message.senderId,
            peerMetadata: { isEphemeral: false },
            selectedProtocolVersion: '1',
          }),
        )
    }),
  )
  cleanups.push(() => new Promise((resolve) => server.close(resolve)))
  return { url: `ws://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}/sync`, heard }
}

const id = (url: AutomergeUrl) => url.slice('automerge:'.length) as DocumentId

it('a relay that claims the peer id of our own relay still gets only the repository shared to it', async () => {
  const own = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDir(),
    maxMessageBytes: 1 << 20,
    messagesPerSecond: 1000,
    log: () => {},
  })
  cleanups.push(() => own.close())
  const liar = await impostor(own.repo.networkSubsystem.peerId)
  const { relays, catalog, secret, shared } = await victim()
  // The impostor connects first, so automerge-repo routes that peer id to it; then our own relay.
  await relays.start([])
  await relays.add(liar.url, { repository: shared.url })
  await vi.waitFor(() => expect(liar.heard.has(id(shared.url))).toBe(true), { timeout: 10_000 })
  expect(liar.heard.has(catalog.handle.documentId)).toBe(false)
  expect(liar.heard.has(id(secret.url))).toBe(false)
  // Once our own relay connects with the same id, that id still gets only what both links may have.
  await relays.add(own.url, { own: true })
  await vi.waitFor(() => expect(relays.isConnected(own.url)).toBe(true), { timeout: 10_000 })
  const claimed = own.repo.networkSubsystem.peerId
  expect(relays.mayReceive(claimed, catalog.handle.documentId)).toBe(false)
  expect(relays.mayReceive(claimed, id(secret.url))).toBe(false)
  expect(relays.mayReceive(claimed, id(shared.url))).toBe(true)
  expect(liar.heard.has(catalog.handle.documentId)).toBe(false)
  expect(liar.heard.has(id(secret.url))).toBe(false)
})

it('a peer that is not a relay (another tab worker of this profile) gets everything, a relay only its repository', async () => {
  const channelName = `weft-test-${Math.random()}`
  const liar = await impostor('not-a-real-relay')
  const { relays, catalog, secret, shared } = await victim([
    new BroadcastChannelNetworkAdapter({ channelName }),
  ])
  await relays.start([])
  await relays.add(liar.url, { repository: shared.url })
  const tab = new Repo({ network: [new BroadcastChannelNetworkAdapter({ channelName })] })
  cleanups.push(() => shutdownRepo(tab))
  const theirs = await tab.find<{ repositories: Record<string, unknown> }>(catalog.handle.url)
  expect(Object.keys(theirs.doc().repositories)).toHaveLength(2)
  expect((await tab.find(secret.url)).doc()).toMatchObject({ name: 'private' })
  await vi.waitFor(() => expect(liar.heard.has(id(shared.url))).toBe(true), { timeout: 10_000 })
  expect(liar.heard.has(catalog.handle.documentId)).toBe(false)
  expect(liar.heard.has(id(secret.url))).toBe(false)
})

it('a relay list saved before sharing by capability keeps its relays on the repositories they had, never the catalog or a new repository', async () => {
  const storage = new NodeFSStorageAdapter(tempDir())
  const repo = new Repo({ storage, network: [] })
  cleanups.push(() => shutdownRepo(repo))
  const catalog = await Catalog.load(repo, storage)
  const earlier = catalog.create('cloned before the upgrade')
  // The old format: bare addresses, each of which had been offered every document.
  await storage.save(['weft', 'relays'], new TextEncoder().encode(JSON.stringify(['ws://127.0.0.1:9/sync'])))
  const relays = new Relays(repo, storage)
  relays.protectCatalog(catalog.handle)
  await relays.load([])
  await vi.waitFor(() => expect(relays.receives('ws://127.0.0.1:9', earlier.url)).toBe(true))
  const later = catalog.create('created after the upgrade')
  const [status] = relays.statuses()
  expect(status).toMatchObject({ url: 'ws://127.0.0.1:9/sync', own: false, repositories: [earlier.url] })
  expect(relays.receives('ws://127.0.0.1:9', later.url)).toBe(false)
  // Remembered in the new format, so the next start needs no migration.
  const saved = JSON.parse(new TextDecoder().decode(await storage.load(['weft', 'relays'])))
  expect(saved).toMatchObject({
    version: 2,
    relays: [{ url: 'ws://127.0.0.1:9/sync', own: false, repositories: [id(earlier.url)] }],
  })
})
