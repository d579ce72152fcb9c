/**
 * Durable acknowledgements, measured against real relay child processes:
 *
 * 1. Kill test: a client writes a change, waits until it counts the change as confirmed by the
 *    relay (the heads reported for the relay's storage id equal its own, as src/sync/Relays.ts
 *    decides), and the relay is SIGKILLed at once; a restarted relay on the same folder must give a
 *    fresh client every confirmed change.
 * 2. Confirmation latency: the time from a change to its confirmation, on a relay left running.
 * 3. The cost of one save of a small chunk: DurableFileStorage (fsynced) vs NodeFSStorageAdapter.
 *
 *   node --import tsx bench/durability.bench.ts [--rounds 50] [--changes 200]
 *
 * Prints "kill test: N confirmed changes, M lost" and the latency percentiles, then one JSON line.
 */
import '@automerge/automerge-repo'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo'
import { relayClient, whenConfirmed } from './lib/relayClient.ts'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import type { StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import { randomBytes } from 'node:crypto'
import { DurableFileStorage } from '../src/storage/DurableFileStorage.ts'
import { percentile, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '50' }, changes: { type: 'string', default: '200' } },
})

interface Relay {
  child: ChildProcess
  syncUrl: string
}

async function startRelay(dataDir: string): Promise<Relay> {
  const child = spawn(process.execPath, ['bin/weft.js', 'relay', '--port', '0', '--data', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /Weft relay on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (match) resolve(Number(match[1]))
    })
    child.once('exit', (code) => reject(new Error(`relay exited (${code}):\n${out}`)))
  })
  return { child, syncUrl: `ws://127.0.0.1:${port}/sync` }
}

async function kill(relay: Relay, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((resolve) => relay.child.once('exit', resolve))
  relay.child.kill(signal)
  await exited
}

interface Log {
  values: number[]
}

async function killTest(rounds: number): Promise<{ confirmed: number; lost: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-kill-'))
  let relay = await startRelay(dataDir)
  const confirmedValues: number[] = []
  const lost = new Set<number>()
  let url: AutomergeUrl | null = null
  for (let round = 0; round <= rounds; round++) {
    const { repo, close } = relayClient(relay.syncUrl)
    let handle: DocHandle<Log>
    try {
      handle = url ? await repo.find<Log>(url) : repo.create<Log>({ values: [] })
    } catch {
      // The whole document is gone: everything confirmed in it is lost; go on with a new one.
      for (const value of confirmedValues) lost.add(value)
      handle = repo.create<Log>({ values: [] })
    }
    url = handle.url
    await whenConfirmed(repo, handle)
    for (const value of confirmedValues) if (!handle.doc().values.includes(value)) lost.add(value)
    if (round === rounds) {
      close()
      break
    }
    handle.change((doc) => {
      doc.values.push(round)
    })
    await whenConfirmed(repo, handle)
    confirmedValues.push(round)
    const killed = kill(relay, 'SIGKILL')
    close()
    await killed
    relay = await startRelay(dataDir)
  }
  await kill(relay, 'SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
  return { confirmed: confirmedValues.length, lost: lost.size }
}

async function latency(changes: number): Promise<number[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'weft-latency-'))
  const relay = await startRelay(dataDir)
  const { repo, close } = relayClient(relay.syncUrl)
  const handle = repo.create<Log>({ values: [] })
  await whenConfirmed(repo, handle)
  const times: number[] = []
  for (let i = 0; i < changes; i++) {
    const start = performance.now()
    handle.change((doc) => {
      doc.values.push(i)
    })
    await whenConfirmed(repo, handle)
    times.push(performance.now() - start)
  }
  close()
  await kill(relay, 'SIGTERM')
  rmSync(dataDir, { recursive: true, force: true })
  return times.sort((a, b) => a - b)
}

/** Milliseconds per save of a fresh 200-byte incremental chunk, median over `count`. */
async function saveCost(make: (dir: string) => StorageAdapterInterface, count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'weft-save-'))
  const storage = make(dir)
  const times: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await storage.save(
      ['2NvUrLkKLT1L7V2qShwXhXYzUBbj', 'incremental', randomBytes(16).toString('hex')],
      randomBytes(200),
    )
    times.push(performance.now() - start)
  }
  rmSync(dir, { recursive: true, force: true })
  return round(
    percentile(
      times.sort((a, b) => a - b),
      0.5,
    ),
    2,
  )
}

const killed = await killTest(Number(args.rounds))
console.log(`kill test: ${killed.confirmed} confirmed changes, ${killed.lost} lost`)
const times = await latency(Number(args.changes))
const figures = {
  p50Ms: round(percentile(times, 0.5), 1),
  p95Ms: round(percentile(times, 0.95), 1),
  maxMs: round(times.at(-1) ?? 0, 1),
}
console.log(
  `confirmation latency over ${times.length} changes: p50 ${figures.p50Ms} ms, p95 ${figures.p95Ms} ms, max ${figures.maxMs} ms`,
)
const save = {
  durableMs: await saveCost((dir) => new DurableFileStorage(dir), 200),
  nodeFsMs: await saveCost((dir) => new NodeFSStorageAdapter(dir), 200),
}
console.log(
  `one chunk save (median of 200): DurableFileStorage ${save.durableMs} ms (write, fsync, rename, fsync folder), NodeFSStorageAdapter ${save.nodeFsMs} ms`,
)
console.log(JSON.stringify({ kill: killed, latency: figures, save }))
process.exit(0)
