/**
 * A child process of the relay load benchmark hosting many simulated peers: each an automerge-repo
 * `Repo` (no storage) with its own WebSocket to the relay. The parent sends `setup`, `measure` and
 * `close`; this process answers `ready` and `report`. A shared document's group lives wholly in
 * one process, so its change-to-peer latency is measured on one clock.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Repo, type AutomergeUrl, type DocHandle, type Message, type PeerId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'

export interface PeerSpec {
  name: string
  /** Index of the shared document's group, or null for a peer editing a document of its own. */
  group: number | null
  /** The group member that creates the shared document. */
  leader: boolean
}

export type ToPeers =
  | { type: 'setup'; url: string; peers: PeerSpec[] }
  /** After `durationMs` of changes, waits up to `drainMs` for every shared group to converge. */
  | { type: 'measure'; durationMs: number; intervalMs: number; drainMs: number }
  | { type: 'close' }

export interface Ready {
  type: 'ready'
  connected: number
  joined: number
  failures: string[]
  setupMs: number
}

export interface Report {
  type: 'report'
  peers: number
  /** Peers whose socket was open at the end and never dropped during the measurement. */
  held: number
  disconnects: number
  changes: number
  sent: Record<string, number>
  received: Record<string, number>
  sentBytes: number
  receivedBytes: number
  /** Change → seen by another member of its group, in ms, one per delivery. */
  latencies: number[]
  /** Deliveries expected (each change times the other members of its group). */
  expected: number
  groups: number
  /** Groups whose members all had the same heads at the end. */
  converged: number
  /** From the last change until every group here converged (or the drain limit). */
  catchUpMs: number
  /** Close codes of the sockets that dropped (1006: cut without a close frame, e.g. the relay's keep-alive). */
  closeCodes: Record<string, number>
  eventLoopP99Ms: number
  eventLoopMaxMs: number
  errors: string[]
}

interface OwnDoc {
  n: number
  at: number
}
/** Each member's latest write number; this process keeps when each was made (the group lives here). */
interface SharedDoc {
  writes: Record<string, number>
}

interface Peer {
  spec: PeerSpec
  repo: Repo
  adapter: WebSocketClientAdapter
  connected: boolean
  disconnects: number
  own?: DocHandle<OwnDoc>
  shared?: DocHandle<SharedDoc>
  timer?: ReturnType<typeof setTimeout>
}

const now = () => performance.timeOrigin + performance.now()
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const send = (message: Ready | Report) => process.send!(message)

const peers: Peer[] = []
const errors: string[] = []
let counting = false
const sent: Record<string, number> = {}
const received: Record<string, number> = {}
let sentBytes = 0
let receivedBytes = 0
const latencies: number[] = []
const closeCodes: Record<string, number> = {}
/** Per writer, the time of each write by number (index 0 unused). */
const writeTimes = new Map<string, number[]>()

// The adapter throws some socket errors from an event handler; count them instead of dying.
process.on('uncaughtException', (error) => {
  if (errors.length < 20) errors.push(`uncaught: ${error.message}`)
})

const size = (m: { data?: Uint8Array }) => m.data?.byteLength ?? 0

function makePeer(spec: PeerSpec, url: string): Peer {
  const adapter = new WebSocketClientAdapter(url)
  const peer: Peer = { spec, adapter, connected: false, disconnects: 0, repo: null as unknown as Repo }
  adapter.on('peer-candidate', () => {
    peer.connected = true
  })
  adapter.on('peer-disconnected', () => {
    peer.connected = false
    peer.disconnects++
  })
  adapter.on('message', (m: Message) => {
    if (!counting) return
    received[m.type] = (received[m.type] ?? 0) + 1
    receivedBytes += size(m)
  })
  // The adapter's close handler is given the close event: note its code, then carry on as before.
  const onClose = adapter.onClose
  adapter.onClose = ((event?: { code?: number }) => {
    closeCodes[String(event?.code)] = (closeCodes[String(event?.code)] ?? 0) + 1
    onClose()
  }) as typeof adapter.onClose
  const original = adapter.send.bind(adapter)
  adapter.send = (m: Message) => {
    if (counting) {
      sent[m.type] = (sent[m.type] ?? 0) + 1
      sentBytes += size(m)
    }
    original(m)
  }
  peer.repo = new Repo({ network: [adapter], peerId: spec.name as PeerId })
  return peer
}

async function until(test: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const started = Date.now(); !test(); await sleep(50))
    if (Date.now() - started > timeoutMs) return false
  return true
}

/** A member's `find` fails while the relay has not stored the leader's document yet: retry. */
async function join(peer: Peer, url: AutomergeUrl): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      peer.shared = await peer.repo.find<SharedDoc>(url)
      return
    } catch (error) {
      if (attempt >= 20) throw error
      await sleep(500)
    }
  }
}

/** Times every write of the others from when it was made until this member sees it, batched ones included. */
function watchGroup(peer: Peer): void {
  const seen: Record<string, number> = {}
  peer.shared!.on('change', ({ doc }) => {
    const t = now()
    for (const [writer, seq] of Object.entries(doc.writes)) {
      if (writer === peer.spec.name) continue
      const times = writeTimes.get(writer)!
      for (let s = (seen[writer] ?? 0) + 1; s <= seq; s++) latencies.push(t - times[s])
      seen[writer] = Math.max(seen[writer] ?? 0, seq)
    }
  })
}

async function setup(url: string, specs: PeerSpec[]): Promise<void> {
  const started = performance.now()
  // Connect in batches so the relay sees a steady stream of joins rather than one burst.
  for (let i = 0; i < specs.length; i += 50) {
    const batch = specs.slice(i, i + 50).map((spec) => makePeer(spec, url))
    peers.push(...batch)
    await until(() => batch.every((p) => p.connected), 30_000)
  }
  const urls = new Map<number, AutomergeUrl>()
  for (const peer of peers) {
    if (peer.spec.group === null) peer.own = peer.repo.create<OwnDoc>({ n: 0, at: 0 })
    else if (peer.spec.leader) {
      peer.shared = peer.repo.create<SharedDoc>({ writes: {} })
      urls.set(peer.spec.group, peer.shared.url)
    }
  }
  await sleep(1_000)
  const failures: string[] = []
  await Promise.all(
    peers
      .filter((p) => p.spec.group !== null && !p.spec.leader)
      .map((p) =>
        join(p, urls.get(p.spec.group!)!).catch((e: Error) => {
          failures.push(`${p.spec.name}: ${e.message}`)
        }),
      ),
  )
  for (const peer of peers) if (peer.shared) watchGroup(peer)
  send({
    type: 'ready',
    connected: peers.filter((p) => p.connected).length,
    joined: peers.filter((p) => p.shared).length,
    failures: failures.slice(0, 5),
    setupMs: Math.round(performance.now() - started),
  })
}

let changes = 0
let expected = 0

function change(peer: Peer): void {
  const at = now()
  changes++
  if (peer.own)
    peer.own.change((d) => {
      d.n++
      d.at = at
    })
  else if (peer.shared) {
    const times = writeTimes.get(peer.spec.name) ?? [0]
    writeTimes.set(peer.spec.name, times)
    const seq = times.push(at) - 1
    peer.shared.change((d) => {
      d.writes[peer.spec.name] = seq
    })
    expected += groupSize.get(peer.spec.group!)! - 1
  }
}

const groupSize = new Map<number, number>()

async function measure(durationMs: number, intervalMs: number, drainMs: number): Promise<void> {
  for (const p of peers)
    if (p.spec.group !== null && p.shared) groupSize.set(p.spec.group, (groupSize.get(p.spec.group) ?? 0) + 1)
  const loop = monitorEventLoopDelay({ resolution: 10 })
  loop.enable()
  const dropsBefore = peers.map((p) => p.disconnects)
  for (const code of Object.keys(closeCodes)) delete closeCodes[code]
  counting = true
  // Each peer at its own phase, so the load is even rather than one burst per interval.
  for (const peer of peers) {
    const tick = () => {
      change(peer)
      peer.timer = setTimeout(tick, intervalMs)
    }
    peer.timer = setTimeout(tick, Math.random() * intervalMs)
  }
  await sleep(durationMs)
  for (const peer of peers) clearTimeout(peer.timer)
  counting = false
  const stopped = performance.now()
  const groups = new Map<number, Peer[]>()
  for (const p of peers)
    if (p.spec.group !== null && p.shared) groups.set(p.spec.group, [...(groups.get(p.spec.group) ?? []), p])
  const same = (members: Peer[]) =>
    members.every((m) => m.shared!.heads().join() === members[0].shared!.heads().join())
  await until(() => [...groups.values()].every(same), drainMs)
  const catchUpMs = Math.round(performance.now() - stopped)
  loop.disable()
  send({
    type: 'report',
    peers: peers.length,
    held: peers.filter(
      (p, i) => p.connected && p.disconnects === dropsBefore[i] && p.adapter.socket?.readyState === 1,
    ).length,
    disconnects: peers.reduce((sum, p, i) => sum + p.disconnects - dropsBefore[i], 0),
    changes,
    sent,
    received,
    sentBytes,
    receivedBytes,
    latencies: latencies.map((l) => Math.round(l * 10) / 10),
    expected,
    groups: groups.size,
    converged: [...groups.values()].filter(same).length,
    catchUpMs,
    closeCodes,
    eventLoopP99Ms: Math.round(loop.percentile(99) / 1e5) / 10,
    eventLoopMaxMs: Math.round(loop.max / 1e5) / 10,
    errors,
  })
}

process.on('message', (message: ToPeers) => {
  const fail = (error: Error) => {
    errors.push(error.message)
    send({ type: 'ready', connected: 0, joined: 0, failures: [error.message], setupMs: 0 })
  }
  if (message.type === 'setup') void setup(message.url, message.peers).catch(fail)
  else if (message.type === 'measure') void measure(message.durationMs, message.intervalMs, message.drainMs)
  else if (message.type === 'close') {
    for (const peer of peers)
      try {
        peer.adapter.disconnect()
      } catch {
        /* already closed */
      }
    setTimeout(() => process.exit(0), 200)
  }
})
