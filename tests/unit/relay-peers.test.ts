import '@automerge/automerge-repo'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { cbor, Repo, type PeerId } from '@automerge/automerge-repo'
import { next as A } from '@automerge/automerge'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { startRelay, type Relay } from '../../relay/server.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { tempDir } from './helpers.ts'
import { RelayChild } from './relayChild.ts'

const opened: Relay[] = []
const children: RelayChild[] = []
const logged: string[] = []
const repos: Repo[] = []
afterEach(async () => {
  for (const repo of repos.splice(0)) await shutdownRepo(repo)
  for (const relay of opened.splice(0)) await relay.close()
  for (const child of children.splice(0)) await child.stop('SIGKILL')
  logged.length = 0
})

async function relay(livenessMs = 1500): Promise<Relay> {
  const started = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(tempDir('weft-relay-'), 'data'),
    maxMessageBytes: 1024 * 1024,
    messagesPerSecond: 500,
    livenessMs,
    log: (line) => logged.push(line),
  })
  opened.push(started)
  return started
}

function client(syncUrl: string): Repo {
  const repo = new Repo({ network: [new WebSocketClientAdapter(syncUrl)], sharePolicy: async () => true })
  repos.push(repo)
  return repo
}

/** A raw socket speaking the sync protocol by hand, recording every message it receives. */
async function rawPeer(syncUrl: string) {
  const socket = new WebSocket(syncUrl)
  const received: Record<string, unknown>[] = []
  socket.on('message', (data) => received.push(cbor.decode(data as Uint8Array) as Record<string, unknown>))
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )
  await new Promise((resolve, reject) => {
    socket.once('open', resolve)
    socket.once('error', reject)
  })
  const send = (message: Record<string, unknown>) => socket.send(cbor.encode(message))
  const joinAs = (peerId: string) =>
    send({ type: 'join', senderId: peerId, peerMetadata: {}, supportedProtocolVersions: ['1'] })
  return { socket, received, closed, send, joinAs }
}

const syncUrlOf = (relay: Relay) => `${relay.url.replace('http', 'ws')}/sync`

describe('relay peer ids', () => {
  it('refuses a join that claims the peer id of a live connection: the victim stays, the attacker hears nothing', async () => {
    const r = await relay()
    const victim = client(syncUrlOf(r))
    const friend = client(syncUrlOf(r))
    const doc = victim.create<{ n: number }>({ n: 0 })
    await expect.poll(() => r.repo.handles[doc.documentId]?.isReady() ?? false).toBe(true)
    const seen = await friend.find<{ n: number }>(doc.url)

    const attacker = await rawPeer(syncUrlOf(r))
    attacker.joinAs(victim.peerId)
    // The victim keeps writing while the attacker waits for its messages.
    doc.change((d) => {
      d.n = 1
    })
    expect(await attacker.closed).toMatchObject({
      code: 1008,
      reason: expect.stringContaining('in use by a live connection'),
    })
    doc.change((d) => {
      d.n = 2
    })
    await expect.poll(() => seen.doc().n).toBe(2)
    expect(attacker.received).toEqual([])
    expect(r.repo.peers).toContain(victim.peerId)
    expect(victim.peers).toContain(r.repo.peerId)
    expect(logged.filter((line) => line.includes('in use by a live connection'))).toHaveLength(1)
  })

  it('lets a reconnect take its peer id from a half-open socket that no longer answers pings', async () => {
    const r = await relay(300)
    const stale = await rawPeer(syncUrlOf(r))
    stale.joinAs('peer-reconnecting')
    await expect.poll(() => r.repo.peers).toContain('peer-reconnecting' as PeerId)
    // Stop reading: the socket is open on the relay's side but answers nothing (a half-open connection).
    stale.socket.pause()
    const fresh = await rawPeer(syncUrlOf(r))
    fresh.joinAs('peer-reconnecting')
    await expect.poll(() => fresh.received.map((m) => m.type)).toContain('peer')
    expect(r.repo.peers).toContain('peer-reconnecting' as PeerId)
    expect(logged.some((line) => line.includes('takes peer id peer-reconnecting'))).toBe(true)
  })

  it('never lets a socket speak for another peer: its messages under the victim id are dropped, a join as another id closes it', async () => {
    const r = await relay()
    const victim = client(syncUrlOf(r))
    await expect.poll(() => r.repo.peers).toContain(victim.peerId)
    const attacker = await rawPeer(syncUrlOf(r))
    attacker.joinAs('peer-attacker')
    await expect.poll(() => attacker.received.map((m) => m.type)).toContain('peer')
    // A whole document, sent as if the victim had written it: it must not reach the relay's Repo.
    const forged = new Repo({ network: [] }).create<{ owner: string }>({ owner: 'victim' })
    const { documentId } = forged
    const [, syncMessage] = A.generateSyncMessage(forged.doc(), A.initSyncState())
    attacker.send({
      type: 'request',
      senderId: victim.peerId,
      targetId: r.repo.peerId,
      documentId,
      data: syncMessage,
    })
    attacker.send({ type: 'leave', senderId: victim.peerId })
    // The attacker's own next message round-trips, so the forged ones were seen before it.
    attacker.send({
      type: 'request',
      senderId: 'peer-attacker',
      targetId: r.repo.peerId,
      documentId: new Repo({ network: [] }).create({}).documentId,
      data: syncMessage,
    })
    await expect
      .poll(() => attacker.received.some((m) => m.type === 'doc-unavailable' || m.type === 'sync'))
      .toBe(true)
    expect(r.repo.handles[documentId]).toBeUndefined()
    expect(r.repo.peers).toContain(victim.peerId)

    attacker.joinAs(victim.peerId)
    expect(await attacker.closed).toMatchObject({
      code: 1008,
      reason: expect.stringContaining('after joining as another'),
    })
    expect(r.repo.peers).toContain(victim.peerId)
  })
})

describe('relay log under malformed sync messages', () => {
  it('logs one line naming the socket and the reason, with no stack trace', async () => {
    const relay = new RelayChild()
    children.push(relay)
    await relay.start()
    const documentId = new Repo({ network: [] }).create({}).documentId
    const from = relay.output.length
    const attacker = await rawPeer(relay.syncUrl)
    attacker.joinAs('peer-garbler')
    await expect.poll(() => attacker.received.map((m) => m.type)).toContain('peer')
    const relayPeer = attacker.received[0].senderId
    attacker.send({
      type: 'sync',
      senderId: 'peer-garbler',
      targetId: relayPeer,
      documentId,
      data: new Uint8Array([0x42, 1, 2, 3, 4]),
    })
    expect(await attacker.closed).toMatchObject({
      code: 1007,
      reason: expect.stringContaining('malformed sync message'),
    })
    await expect.poll(() => relay.output.slice(from)).toContain('malformed sync message')
    // Whatever automerge-repo would print comes synchronously with the error: give it a round trip to show.
    expect((await fetch(`${relay.url}/health`)).status).toBe(200)
    const lines = relay.output
      .slice(from)
      .split('\n')
      .filter((line) => line.trim() !== '')
    expect(lines).toEqual([
      expect.stringMatching(
        /^sync socket 127\.0\.0\.1:\d+ closed: malformed sync message for \w+: could not decode sync message/,
      ),
    ])
    expect(relay.output).not.toMatch(/^\s+at /m)
  })
})

describe('relay storage under a hostile peer', () => {
  it('never writes outside its data folder for a peer that names its storage id as a path', async () => {
    const r = await relay()
    const outside = join(tempDir('weft-outside-'), 'owned')
    const attacker = await rawPeer(syncUrlOf(r))
    // automerge-repo keeps a peer's sync state under [documentId, 'sync-state', storageId].
    attacker.send({
      type: 'join',
      senderId: 'peer-traverser',
      peerMetadata: { storageId: `../../../../../../../..${outside}`, isEphemeral: false },
      supportedProtocolVersions: ['1'],
    })
    const doc = new Repo({ network: [] }).create({ a: 1 })
    const [, syncMessage] = A.generateSyncMessage(doc.doc(), A.initSyncState())
    attacker.send({
      type: 'request',
      senderId: 'peer-traverser',
      targetId: r.repo.peerId,
      documentId: doc.documentId,
      data: syncMessage,
    })
    expect(await attacker.closed).toMatchObject({
      code: 1007,
      reason: expect.stringContaining('malformed storageId'),
    })
    // Had the join gone through, the sync state would be written within the relay's 100 ms throttle.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(existsSync(outside)).toBe(false)
    expect(r.repo.handles[doc.documentId]).toBeUndefined()
  })
})
