import '@automerge/automerge-repo'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { cbor, Repo } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { startRelay, type Relay } from '../../relay/server.ts'
import { tempDir } from './helpers.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'

const opened: { relay: Relay }[] = []
const logged: string[] = []
afterEach(async () => {
  logged.length = 0
  for (const { relay } of opened.splice(0)) {
    await relay.close()
  }
})

async function relay(extra: { token?: string; maxMessageBytes?: number; messagesPerSecond?: number } = {}) {
  const dir = tempDir('weft-relay-')
  mkdirSync(join(dir, 'app'))
  writeFileSync(join(dir, 'app', 'index.html'), '<!doctype html><title>app</title>')
  const started = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir, 'data'),
    staticDir: join(dir, 'app'),
    maxMessageBytes: extra.maxMessageBytes ?? 1024 * 1024,
    messagesPerSecond: extra.messagesPerSecond ?? 500,
    token: extra.token,
    log: (line) => logged.push(line),
  })
  opened.push({ relay: started })
  return started
}

/** Resolves with how a sync socket ended: refused at upgrade (HTTP status) or closed (code). */
function connect(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    socket.once('open', () => resolve(socket))
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    socket.once('error', reject)
  })
}

/** How a socket that the relay closes at once ends: its close code and reason, and any message it got first. */
function refusal(url: string): Promise<{ code: number; reason: string; messages: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url)
    let messages = 0
    socket.on('message', () => messages++)
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), messages }))
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
  })
}

describe('relay', () => {
  it('serves the app with isolation headers and reports health', async () => {
    const r = await relay()
    const page = await fetch(`${r.url}/some/deep/route`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<title>app</title>')
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin')
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp')
    const health = await (await fetch(`${r.url}/health`)).json()
    expect(health).toMatchObject({ ok: true, peers: 0, documents: 0, version: expect.any(String) })
  })

  it('closes a sync socket without the right token with "token required" (what a browser can read), and accepts one with it', async () => {
    const r = await relay({ token: 's3cret' })
    const ws = r.url.replace('http', 'ws')
    const refused = { code: 4401, reason: 'token required', messages: 0 }
    expect(await refusal(`${ws}/sync`)).toEqual(refused)
    expect(await refusal(`${ws}/sync?token=nope`)).toEqual(refused)
    expect((await fetch(`${r.url}/health`)).status).toBe(200)
    expect((await (await fetch(`${r.url}/health`)).json()).peers).toBe(0)
    const socket = await connect(`${ws}/sync?token=s3cret`)
    socket.close()
  })

  it('closes a socket that sends an oversize frame and keeps serving everyone else', async () => {
    const r = await relay({ maxMessageBytes: 1024 })
    const ws = r.url.replace('http', 'ws')
    const bystander = await connect(`${ws}/sync`)
    const offender = await connect(`${ws}/sync`)
    const closed = new Promise<number>((resolve) => offender.once('close', (code) => resolve(code)))
    offender.send(new Uint8Array(4096))
    expect(await closed).toBe(1009) // message too big
    expect(bystander.readyState).toBe(WebSocket.OPEN)
    expect((await fetch(`${r.url}/health`)).status).toBe(200)
    bystander.close()
  })
})

/** A real automerge-repo client syncing through the relay. */
function client(url: string) {
  return new Repo({
    network: [new WebSocketClientAdapter(`${url.replace('http', 'ws')}/sync`)],
    sharePolicy: async () => true,
  })
}

const closeOf = (socket: WebSocket) =>
  new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  )

describe('relay under bad input', () => {
  it('drops sockets sending garbage or malformed messages while real clients keep syncing', async () => {
    const r = await relay()
    const alice = client(r.url)
    const bob = client(r.url)
    const doc = alice.create<{ n: number }>({ n: 0 })
    await expect.poll(() => r.repo.handles[doc.documentId]?.isReady() ?? false).toBe(true)
    const seen = await bob.find<{ n: number }>(doc.url)
    expect(seen.doc().n).toBe(0)

    const ws = `${r.url.replace('http', 'ws')}/sync`
    const garbage = await connect(ws)
    const garbageClosed = closeOf(garbage)
    garbage.send(new Uint8Array([0xff, 0x00, 0x13, 0x37, 0xde, 0xad]))
    expect(await garbageClosed).toMatchObject({
      code: 1007,
      reason: expect.stringContaining('not a CBOR message'),
    })

    const forged = await connect(ws)
    const forgedClosed = closeOf(forged)
    forged.send(
      cbor.encode({
        type: 'sync',
        senderId: 'x',
        targetId: 'y',
        documentId: '../../etc',
        data: new Uint8Array([1]),
      }),
    )
    expect(await forgedClosed).toMatchObject({
      code: 1007,
      reason: expect.stringContaining('malformed documentId'),
    })

    const text = await connect(ws)
    const textClosed = closeOf(text)
    text.send('hello')
    expect((await textClosed).code).toBe(1007)

    doc.change((d) => {
      d.n = 1
    })
    await expect.poll(() => seen.doc().n).toBe(1)
    expect(logged.filter((l) => l.includes('malformed message'))).toHaveLength(3)
    await shutdownRepo(alice)
    await shutdownRepo(bob)
  })

  it('closes a socket that floods messages', async () => {
    const r = await relay({ messagesPerSecond: 50 })
    const flood = await connect(`${r.url.replace('http', 'ws')}/sync`)
    const closed = closeOf(flood)
    const harmless = cbor.encode({ type: 'leave', senderId: 'flooder' })
    for (let i = 0; i < 500; i++) flood.send(harmless)
    expect(await closed).toMatchObject({
      code: 1008,
      reason: expect.stringContaining('more than 50 messages per second'),
    })
    expect((await fetch(`${r.url}/health`)).status).toBe(200)
  })
})
