/**
 * The relay under many peers: for each N, a fresh relay child process and N simulated peers (each
 * an automerge-repo Repo with its own WebSocket), hosted in a few client child processes so the
 * clients do not saturate one event loop before the relay does. Most peers edit a document of
 * their own; groups of peers share one. Every peer makes one small change per interval.
 *
 *   node --import tsx bench/relay-load.bench.ts [--peers 50,200,1000] [--seconds 20] [--workers 4]
 *     [--interval-ms 1000] [--group-size 5] [--shared 0.2] [--max-messages-per-second 500] [--max-message-mb 64]
 *     [--relay-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"]
 *
 * Prints a table (one column per N), then one JSON line.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { get } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { PeerSpec, Ready, Report, ToPeers } from './lib/loadPeers.ts'
import { CpuMeter, rssBytes } from './lib/procStats.ts'
import { startRelay, type RunningRelay } from './lib/server.ts'
import { formatBytes, formatMs, percentile, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const log = (line: string) => process.stderr.write(`· ${line}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Options {
  levels: number[]
  seconds: number
  workers: number
  intervalMs: number
  groupSize: number
  shared: number
  relayArgs: string[]
  relayNodeArgs: string[]
}

interface Level {
  peers: number
  groups: number
  stage: string
  setupMs?: number
  connected?: number
  joined?: number
  held?: number
  disconnects?: number
  changesPerSecond?: number
  toRelayPerSecond?: number
  fromRelayPerSecond?: number
  toRelayByType?: Record<string, number>
  fromRelayByType?: Record<string, number>
  toRelayKiBPerSecond?: number
  fromRelayKiBPerSecond?: number
  health?: { peers: number; documents: number }
  /** Fewest sockets /health reported during the measurement. */
  healthPeersMin?: number
  /** /health answer times while measuring (one request at a time, every second): the relay's responsiveness. */
  healthMs?: { p50: number; max: number; count: number; failed: number }
  relayRss: { idle: number; afterSetup: number; peak: number; end: number }
  relayCpuPercent?: number
  clientCpuPercent?: number[]
  eventLoopP99Ms?: number
  eventLoopMaxMs?: number
  latency?: { p50Ms: number; p95Ms: number; maxMs: number; count: number; expected: number }
  converged?: string
  /** From the last change until every shared group had converged (slowest client process). */
  catchUpMs?: number
  closeCodes?: Record<string, number>
  relayClosures: number
  relayLog: string[]
  errors: string[]
  error?: string
}

/** Groups first (a group is never split across processes), then the peers with their own documents. */
function assign(n: number, o: Options): { perWorker: PeerSpec[][]; groups: number } {
  const groups = Math.floor((n * o.shared) / o.groupSize)
  const perWorker: PeerSpec[][] = Array.from({ length: o.workers }, () => [])
  for (let g = 0; g < groups; g++) {
    for (let m = 0; m < o.groupSize; m++)
      perWorker[g % o.workers].push({ name: `g${g}-m${m}`, group: g, leader: m === 0 })
  }
  for (let i = groups * o.groupSize; i < n; i++)
    perWorker[i % o.workers].push({ name: `p${i}`, group: null, leader: false })
  return { perWorker, groups }
}

function nextMessage<T extends Ready | Report>(
  child: ChildProcess,
  type: T['type'],
  timeoutMs: number,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no "${type}" from client process ${child.pid} within ${timeoutMs / 1000} s`)),
      timeoutMs,
    )
    const onMessage = (m: Ready | Report) => {
      if (m.type === type) done(null, m as T)
    }
    const onExit = (code: number | null) =>
      done(new Error(`client process ${child.pid} exited (${code}) before "${type}"`))
    const done = (error: Error | null, m?: T) => {
      clearTimeout(timer)
      child.off('message', onMessage)
      child.off('exit', onExit)
      if (error) reject(error)
      else resolve(m!)
    }
    child.on('message', onMessage)
    child.once('exit', onExit)
  })
}

/**
 * The relay's /health, and how long it took to answer: a busy relay answers late. A new connection
 * each time (no keep-alive): a pooled one may be reset by the relay's keep-alive timeout meanwhile.
 */
function health(
  relay: RunningRelay,
  timeoutMs = 30_000,
): Promise<{ peers: number; documents: number; ms: number }> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const request = get(`${relay.url}/health`, { agent: false, timeout: timeoutMs }, (response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString()
      })
      response.on('end', () => {
        try {
          const { peers, documents } = JSON.parse(body) as { peers: number; documents: number }
          resolve({ peers, documents, ms: performance.now() - started })
        } catch (error) {
          reject(error)
        }
      })
    })
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)))
    request.on('error', reject)
  })
}

function startClient(errors: string[]): ChildProcess {
  const child = fork(join(ROOT, 'bench', 'lib', 'loadPeers.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  // Clients print nothing unless automerge-repo complains; keep a few lines as evidence.
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean))
      if (errors.length < 10) errors.push(`client ${child.pid}: ${line.slice(0, 200)}`)
  }
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  return child
}

async function stopClient(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.send({ type: 'close' } satisfies ToPeers)
  const timer = setTimeout(() => {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL')
  }, 10_000)
  await exited
  clearTimeout(timer)
}

async function runLevel(n: number, o: Options, work: string): Promise<Level> {
  const { perWorker, groups } = assign(n, o)
  const level: Level = {
    peers: n,
    groups,
    stage: 'starting the relay',
    relayRss: { idle: 0, afterSetup: 0, peak: 0, end: 0 },
    relayClosures: 0,
    relayLog: [],
    errors: [],
  }
  const onLine = (line: string) => {
    if (/closed:/.test(line)) level.relayClosures++
    if (!/^Weft relay on|^SIGTERM/.test(line) && level.relayLog.length < 10)
      level.relayLog.push(line.slice(0, 200))
  }
  // --static points at a missing folder: the relay then serves no app.
  const relay = await startRelay(ROOT, join(work, 'no-app'), join(work, `relay-${n}`), {
    args: o.relayArgs,
    nodeArgs: o.relayNodeArgs,
    onLine,
  })
  const clients: ChildProcess[] = []
  const sampler = setInterval(() => {
    level.relayRss.peak = Math.max(level.relayRss.peak, rssBytes(relay.pid))
  }, 250)
  try {
    await sleep(500)
    level.relayRss.idle = rssBytes(relay.pid)
    level.stage = 'connecting peers, creating and joining documents'
    const wsUrl = `${relay.url.replace(/^http/, 'ws')}/sync`
    for (let i = 0; i < perWorker.length; i++) clients.push(startClient(level.errors))
    const readies = await Promise.all(
      clients.map((c, i) => {
        c.send({ type: 'setup', url: wsUrl, peers: perWorker[i] } satisfies ToPeers)
        return nextMessage<Ready>(c, 'ready', 180_000)
      }),
    )
    level.setupMs = Math.max(...readies.map((r) => r.setupMs))
    level.connected = readies.reduce((s, r) => s + r.connected, 0)
    level.joined = readies.reduce((s, r) => s + r.joined, 0)
    level.errors.push(...readies.flatMap((r) => r.failures))
    level.relayRss.afterSetup = rssBytes(relay.pid)
    // Let the relay finish storing the new documents before the clock starts.
    await sleep(2_000)

    level.stage = 'measuring'
    const durationMs = o.seconds * 1000
    const cpu = new CpuMeter([relay.pid, ...clients.map((c) => c.pid!)])
    const reports = Promise.all(
      clients.map((c) => {
        c.send({ type: 'measure', durationMs, intervalMs: o.intervalMs, drainMs: 60_000 } satisfies ToPeers)
        return nextMessage<Report>(c, 'report', durationMs + 120_000)
      }),
    )
    const answers: number[] = []
    let failed = 0
    let healthPeersMin = Infinity
    // CPU over exactly the changing period; /health asked one request at a time until then, each
    // allowed 60 s: a request sent late in the period may be answered after it.
    const cpuRead = sleep(durationMs).then(() => {
      const used = cpu.read()
      level.relayCpuPercent = round(used.get(relay.pid)!)
      level.clientCpuPercent = clients.map((c) => round(used.get(c.pid!)!))
    })
    const watching = (async () => {
      for (
        const until = performance.now() + durationMs;
        performance.now() < until - 1000;
        await sleep(1_000)
      ) {
        const answer = await health(relay, 60_000).catch((e: Error) => {
          level.errors.push(`/health: ${e.message}`)
          return null
        })
        if (answer) {
          answers.push(answer.ms)
          healthPeersMin = Math.min(healthPeersMin, answer.peers)
        } else failed++
      }
    })()
    const done = await reports
    await cpuRead
    await watching
    answers.sort((a, b) => a - b)
    level.healthPeersMin = Number.isFinite(healthPeersMin) ? healthPeersMin : undefined
    level.healthMs = {
      p50: round(percentile(answers, 0.5)),
      max: round(answers.at(-1) ?? 0),
      count: answers.length,
      failed,
    }
    level.health = await health(relay, 120_000).catch(() => undefined)
    level.relayRss.end = rssBytes(relay.pid)
    summarise(level, done, o.seconds)
    level.stage = 'done'
  } catch (error) {
    level.error = `${level.stage}: ${(error as Error).message}`
    level.relayRss.end = rssBytes(relay.pid)
    level.health = await health(relay, 60_000).catch(() => undefined)
  } finally {
    clearInterval(sampler)
    await Promise.all(clients.map(stopClient))
    await relay.stop()
  }
  return level
}

function summarise(level: Level, reports: Report[], seconds: number): void {
  const sum = (pick: (r: Report) => number) => reports.reduce((s, r) => s + pick(r), 0)
  const byType = (pick: (r: Report) => Record<string, number>) => {
    const total: Record<string, number> = {}
    for (const r of reports) for (const [k, v] of Object.entries(pick(r))) total[k] = (total[k] ?? 0) + v
    return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, round(v / seconds)]))
  }
  level.held = sum((r) => r.held)
  level.disconnects = sum((r) => r.disconnects)
  level.changesPerSecond = round(sum((r) => r.changes) / seconds)
  level.toRelayByType = byType((r) => r.sent)
  level.fromRelayByType = byType((r) => r.received)
  level.toRelayPerSecond = round(Object.values(level.toRelayByType).reduce((a, b) => a + b, 0))
  level.fromRelayPerSecond = round(Object.values(level.fromRelayByType).reduce((a, b) => a + b, 0))
  level.toRelayKiBPerSecond = round(sum((r) => r.sentBytes) / 1024 / seconds, 1)
  level.fromRelayKiBPerSecond = round(sum((r) => r.receivedBytes) / 1024 / seconds, 1)
  level.eventLoopP99Ms = Math.max(...reports.map((r) => r.eventLoopP99Ms))
  level.eventLoopMaxMs = Math.max(...reports.map((r) => r.eventLoopMaxMs))
  const latencies = reports.flatMap((r) => r.latencies).sort((a, b) => a - b)
  level.latency = {
    p50Ms: percentile(latencies, 0.5),
    p95Ms: percentile(latencies, 0.95),
    maxMs: latencies.at(-1) ?? 0,
    count: latencies.length,
    expected: sum((r) => r.expected),
  }
  level.converged = `${sum((r) => r.converged)}/${sum((r) => r.groups)}`
  level.catchUpMs = Math.max(...reports.map((r) => r.catchUpMs))
  level.closeCodes = {}
  for (const r of reports)
    for (const [code, n] of Object.entries(r.closeCodes))
      level.closeCodes[code] = (level.closeCodes[code] ?? 0) + n
  level.errors.push(...reports.flatMap((r) => r.errors))
}

function table(
  levels: Level[],
  o: Options,
  env: { cpus: number; node: string; loadAverage: number[] },
): string {
  const width = 30
  const lines = [
    `Weft relay under load · ${env.cpus} CPUs · Node ${env.node} · load average ${env.loadAverage.map((n) => n.toFixed(1)).join(' → ')}`,
    `A fresh relay per N (flags: ${o.relayArgs.join(' ')}); peers in ${o.workers} client processes; each peer changes its document every ${o.intervalMs} ms for ${o.seconds} s;`,
    `${Math.round(o.shared * 100)} % of peers in groups of ${o.groupSize} sharing a document, the rest one document each. Messages counted at the peers.`,
    '',
    `  ${'N'.padEnd(46)}${levels.map((l) => String(l.peers).padStart(width)).join('')}`,
  ]
  const row = (label: string, cell: (l: Level) => string) =>
    lines.push(`  ${label.padEnd(46)}${levels.map((l) => cell(l).padStart(width)).join('')}`)
  const opt = <T>(v: T | undefined, f: (v: T) => string) => (v === undefined ? '–' : f(v))
  row(
    'connected after setup · shared docs joined',
    (l) => `${opt(l.connected, String)}/${l.peers} · ${opt(l.joined, String)}/${l.groups * o.groupSize}`,
  )
  row('setup (connect, create, join)', (l) => opt(l.setupMs, formatMs))
  row(
    'held: socket open, no drop while measuring',
    (l) => `${opt(l.held, String)}/${l.peers} (${opt(l.disconnects, String)} drops)`,
  )
  row('  close codes of the drops', (l) =>
    opt(
      l.closeCodes,
      (c) =>
        Object.entries(c)
          .map(([k, v]) => `${v}× ${k}`)
          .join(', ') || 'none',
    ),
  )
  row('relay /health: fewest peers while measuring', (l) => opt(l.healthPeersMin, String))
  row('relay /health answer p50 · max (failed)', (l) =>
    opt(l.healthMs, (h) => `${formatMs(h.p50)} · ${formatMs(h.max)} (${h.failed}/${h.count + h.failed})`),
  )
  row('relay /health at the end: peers · documents', (l) =>
    opt(l.health, (h) => `${h.peers} · ${h.documents}`),
  )
  row('changes made per s', (l) => opt(l.changesPerSecond, String))
  row('messages/s into the relay (peers sent)', (l) => opt(l.toRelayPerSecond, String))
  row('messages/s out of the relay (peers got)', (l) => opt(l.fromRelayPerSecond, String))
  row('  of which sync · ephemeral, in / out', (l) =>
    opt(
      l.toRelayByType,
      (t) =>
        `${t.sync ?? 0}·${t.ephemeral ?? 0} / ${l.fromRelayByType?.sync ?? 0}·${l.fromRelayByType?.ephemeral ?? 0}`,
    ),
  )
  row('sync payload KiB/s in / out', (l) =>
    opt(l.toRelayKiBPerSecond, (v) => `${v} / ${l.fromRelayKiBPerSecond}`),
  )
  row(
    'relay RSS idle → after setup',
    (l) => `${formatBytes(l.relayRss.idle)} → ${formatBytes(l.relayRss.afterSetup)}`,
  )
  row('relay RSS peak · end', (l) => `${formatBytes(l.relayRss.peak)} · ${formatBytes(l.relayRss.end)}`)
  row('relay CPU (% of one core)', (l) => opt(l.relayCpuPercent, (v) => `${v} %`))
  row('client processes CPU (% of one core each)', (l) =>
    opt(l.clientCpuPercent, (v) => v.map((c) => Math.round(c)).join(' · ')),
  )
  row('client event-loop delay p99 · max (worst)', (l) =>
    opt(l.eventLoopP99Ms, (v) => `${formatMs(v)} · ${formatMs(l.eventLoopMaxMs!)}`),
  )
  row('shared doc change → other peer p50 · p95', (l) =>
    opt(l.latency, (v) => `${formatMs(v.p50Ms)} · ${formatMs(v.p95Ms)}`),
  )
  row('  max · deliveries seen/expected', (l) =>
    opt(l.latency, (v) => `${formatMs(v.maxMs)} · ${v.count}/${v.expected}`),
  )
  row(
    'shared groups converged (same heads) · after',
    (l) => `${l.converged ?? '–'} · ${opt(l.catchUpMs, formatMs)}`,
  )
  row('sockets the relay closed (its log)', (l) => String(l.relayClosures))
  lines.push('')
  for (const l of levels) {
    if (l.error) lines.push(`  N=${l.peers} FAILED at ${l.error}`)
    for (const e of l.errors.slice(0, 5)) lines.push(`  N=${l.peers} client: ${e}`)
    for (const e of l.relayLog.slice(0, 5)) lines.push(`  N=${l.peers} relay: ${e}`)
  }
  return lines.join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      peers: { type: 'string', default: '50,200,1000' },
      seconds: { type: 'string', default: '20' },
      workers: { type: 'string', default: '4' },
      'interval-ms': { type: 'string', default: '1000' },
      'group-size': { type: 'string', default: '5' },
      shared: { type: 'string', default: '0.2' },
      'max-messages-per-second': { type: 'string', default: '500' },
      'max-message-mb': { type: 'string', default: '64' },
      // For diagnosis, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" (space-separated).
      'relay-node-args': { type: 'string', default: '' },
    },
  })
  const o: Options = {
    levels: values.peers!.split(',').map(Number),
    seconds: Number(values.seconds),
    workers: Number(values.workers),
    intervalMs: Number(values['interval-ms']),
    groupSize: Number(values['group-size']),
    shared: Number(values.shared),
    relayArgs: [
      '--max-messages-per-second',
      values['max-messages-per-second']!,
      '--max-message-mb',
      values['max-message-mb']!,
    ],
    relayNodeArgs: values['relay-node-args']!.split(' ').filter(Boolean),
  }
  const counts = [...o.levels, o.seconds, o.workers, o.intervalMs, o.groupSize]
  if (!counts.every((v) => Number.isInteger(v) && v > 0) || !(o.shared >= 0 && o.shared <= 1))
    throw new Error('Bad --peers, --seconds, --workers, --interval-ms, --group-size or --shared.')
  const work = mkdtempSync(join(tmpdir(), 'weft-relay-load-'))
  const env = { cpus: cpus().length, node: process.version, loadAverage: [round(loadavg()[0], 1), 0] }
  const started = performance.now()
  const levels: Level[] = []
  try {
    for (const n of o.levels) {
      log(`N=${n}: fresh relay, ${o.workers} client processes`)
      levels.push(await runLevel(n, o, work))
      const l = levels.at(-1)!
      log(
        `N=${n}: ${l.error ?? `held ${l.held}/${n}, p95 ${l.latency?.p95Ms} ms, relay CPU ${l.relayCpuPercent} %`}`,
      )
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  env.loadAverage[1] = round(loadavg()[0], 1)
  console.log(table(levels, o, env))
  console.log(`\n  Run time ${formatMs(performance.now() - started)}`)
  console.log(
    JSON.stringify({
      bench: 'relay-load',
      environment: env,
      options: o,
      levels,
      runMs: round(performance.now() - started),
    }),
  )
}

await main()
