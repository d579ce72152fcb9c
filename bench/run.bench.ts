/**
 * The relay's local runner: a `weft relay --runs` child process and a client on loopback.
 *  - latency: from `POST /runs` to the first stdout frame of `echo hi` (sequential runs);
 *  - throughput: MiB/s of output a client receives for `yes | head -n 1000000` and a larger stream;
 *  - relay cost: RSS and CPU of the relay idle and during the busy run.
 *
 *   node --import tsx bench/run.bench.ts [--runs 30] [--big-mb 200]
 *
 * Prints a table, then one JSON line.
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { LocalRunner, type RunSocket } from '../src/run/localRunner.ts'
import type { RunSpec } from '../src/run/frames.ts'
import { CpuMeter, rssBytes } from './lib/procStats.ts'
import { startRelay } from './lib/server.ts'
import { formatBytes, percentile, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const spec = (command: string): RunSpec => ({ command, repo: 'bench', branch: 'main' })

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '30' }, 'big-mb': { type: 'string', default: '200' } },
})
const runs = Number(values.runs)
const bigMb = Number(values['big-mb'])

const dir = mkdtempSync(join(tmpdir(), 'weft-run-bench-'))
const relay = await startRelay(ROOT, join(dir, 'no-app'), join(dir, 'data'), {
  args: ['--runs'],
  onLine: () => {},
})
// The runner's own token, in the file the relay wrote in its data folder.
const token = readFileSync(join(dir, 'data', 'runs-token'), 'utf8').trim()
const runner = new LocalRunner({
  relay: relay.url,
  token,
  connect: (url, protocols) => new WebSocket(url, protocols) as unknown as RunSocket,
})

/** Samples the relay's RSS every 50 ms while `work` runs; returns the peak and the relay's CPU share. */
async function measured<T>(
  work: () => Promise<T>,
): Promise<{ result: T; peakRss: number; cpu: number; ms: number }> {
  let peakRss = rssBytes(relay.pid)
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssBytes(relay.pid))
  }, 50)
  const meter = new CpuMeter([relay.pid])
  const began = performance.now()
  const result = await work()
  const ms = performance.now() - began
  clearInterval(sampler)
  return { result, peakRss, cpu: meter.read().get(relay.pid)!, ms }
}

/** Starts `command` and consumes its frames: ms to the first stdout frame, stdout characters received. */
async function stream(
  command: string,
): Promise<{ firstOutputMs: number; chars: number; code: number | null }> {
  const began = performance.now()
  const run = await runner.start(spec(command), [])
  let firstOutputMs = -1
  let chars = 0
  for await (const frame of run.frames()) {
    if (frame.type === 'stdout') {
      if (firstOutputMs < 0) firstOutputMs = performance.now() - began
      chars += frame.data.length
    } else if (frame.type === 'exit') return { firstOutputMs, chars, code: frame.code }
  }
  throw new Error('the run ended without an exit frame')
}

try {
  await sleep(1_000)
  const idle = await measured(() => sleep(3_000))

  await stream('echo warm-up')
  const latencies: number[] = []
  for (let i = 0; i < runs; i++) latencies.push((await stream('echo hi')).firstOutputMs)
  latencies.sort((a, b) => a - b)

  const small = await measured(() => stream('yes | head -n 1000000'))
  const big = await measured(() => stream(`head -c ${bigMb * 1024 * 1024} /dev/zero | tr '\\0' y`))
  for (const { result } of [small, big])
    if (result.code !== 0) throw new Error(`a throughput run exited with ${result.code}`)
  const mbps = (m: typeof small) => round(m.result.chars / 1024 / 1024 / (m.ms / 1000), 1)

  const rows: [string, string][] = [
    ['POST → first output, p50', `${round(percentile(latencies, 0.5), 1)} ms`],
    ['POST → first output, p95', `${round(percentile(latencies, 0.95), 1)} ms`],
    ['`yes | head -n 1000000` (1.9 MiB)', `${mbps(small)} MiB/s, ${round(small.ms)} ms`],
    [`${bigMb} MiB of output`, `${mbps(big)} MiB/s, ${round(big.ms)} ms`],
    ['relay idle: RSS, CPU', `${formatBytes(idle.peakRss)}, ${round(idle.cpu, 1)} % of a core`],
    [
      `relay busy (${bigMb} MiB run): peak RSS, CPU`,
      `${formatBytes(big.peakRss)}, ${round(big.cpu, 1)} % of a core`,
    ],
  ]
  const width = Math.max(...rows.map(([name]) => name.length))
  console.log(`Local runner (relay /runs), ${runs} sequential runs, loopback\n`)
  for (const [name, value] of rows) console.log(`  ${name.padEnd(width)}  ${value}`)
  console.log(
    JSON.stringify({
      bench: 'run',
      runs,
      firstOutputMs: {
        p50: round(percentile(latencies, 0.5), 1),
        p95: round(percentile(latencies, 0.95), 1),
        max: round(latencies.at(-1)!, 1),
      },
      yesHead: {
        mib: round(small.result.chars / 1024 / 1024, 2),
        ms: round(small.ms),
        mibPerSecond: mbps(small),
      },
      big: {
        mib: bigMb,
        ms: round(big.ms),
        mibPerSecond: mbps(big),
        relayPeakRssBytes: big.peakRss,
        relayCpuPercent: round(big.cpu, 1),
      },
      idle: { relayRssBytes: idle.peakRss, relayCpuPercent: round(idle.cpu, 1) },
    }),
  )
} finally {
  await relay.stop()
  rmSync(dir, { recursive: true, force: true })
}
