/**
 * REPL round trip on loopback: requester → relay → realm → result back, each in its own process.
 *   - the relay: `weft relay` (child process);
 *   - the realm: `weft repl serve` (child process), a **Node realm** (worker thread) standing in for
 *     a browser tab; the path through the relay and the session document is the same;
 *   - "steady": a long-lived requester (this process, one automerge-repo connected to the relay, as
 *     an agent library or the app would be) sends `1+1` and waits for the result, sequentially;
 *   - "cli": the whole `weft repl eval --realm ID 1+1` command, process start to exit.
 *
 *   node --import tsx bench/repl.bench.ts [--rounds 50] [--cli-rounds 8]
 *
 * Prints a table, then one JSON line. automerge-repo syncs a document at most once per 100 ms per
 * hop (its DocSynchronizer throttle), so about 200 ms per round trip is the floor on this path.
 */
import '@automerge/automerge-repo'
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { RepoService } from '../src/repo/RepoService.ts'
import { Workspace } from '../src/repo/Workspace.ts'
import { shutdownRepo } from '../src/repo/flush.ts'
import { ReplSession } from '../src/repl/ReplSession.ts'
import { Relays } from '../src/sync/Relays.ts'
import { shareLink } from '../src/sync/links.ts'
import { startRelay } from './lib/server.ts'
import { formatMs, percentile, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: opts } = parseArgs({ options: { rounds: { type: 'string', default: '50' }, 'cli-rounds': { type: 'string', default: '8' } } })
const log = (line: string) => process.stderr.write(`· ${line}\n`)
const weft = (home: string, args: string[]) => spawnSync(process.execPath, ['bin/weft.js', ...args, '--home', home], { cwd: ROOT, encoding: 'utf8' })

const scratch = mkdtempSync(join(tmpdir(), 'weft-repl-bench-'))
mkdirSync(join(scratch, 'app'))
writeFileSync(join(scratch, 'app', 'index.html'), '<!doctype html><title>bench</title>')
const relay = await startRelay(ROOT, join(scratch, 'app'), join(scratch, 'relay'))
const storage = new NodeFSStorageAdapter(join(scratch, 'requester'))
const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
const relays = new Relays(repo, storage)
await relays.start([relay.url])
const until = async (ok: () => boolean, what: string, ms = 15_000) => {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const service = new RepoService(repo, storage, relays)
const created = await service.createRepository('repl-bench')
const info = await service.openRepository(created.id)
const ws = await Workspace.open(repo, created.url)
const session = await ReplSession.ensure(repo, ws.handle)
await until(() => relays.statuses()[0]?.pending === 0, 'the relay to hold the repository')
const link = shareLink(`${relay.url}/`, created.url, info.defaultBranch, relays.statuses()[0].url)

log('starting a Node realm (weft repl serve)')
const realmHome = join(scratch, 'realm')
if (weft(realmHome, ['clone', link]).status !== 0) throw new Error('the realm profile could not clone the repository')
const realmProcess = spawn(process.execPath, ['bin/weft.js', 'repl', 'serve', '--label', 'bench realm', '--home', realmHome], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
const realm = await new Promise<string>((resolve, reject) => {
  realmProcess.stdout!.on('data', (chunk: Buffer) => { const m = /Serving realm (\S+)/.exec(String(chunk)); if (m) resolve(m[1]) })
  realmProcess.once('exit', (code) => reject(new Error(`weft repl serve exited (${code})`)))
})
await until(() => session.realm(realm)?.status === 'alive', 'the realm to appear')

const steady: number[] = []
for (let i = 0; i < Number(opts.rounds); i++) {
  const started = performance.now()
  const job = session.request({ realm, code: '1+1', requester: 'bench' })
  const done = await session.outcome(realm, job.id, 1_000)
  if (done.result?.text !== '2') throw new Error(`round ${i}: ${JSON.stringify(done)}`)
  steady.push(performance.now() - started)
}

log('timing whole `weft repl eval` commands')
const cliHome = join(scratch, 'cli')
if (weft(cliHome, ['clone', link]).status !== 0) throw new Error('the CLI profile could not clone the repository')
const cli: number[] = []
for (let i = 0; i < Number(opts['cli-rounds']); i++) {
  const started = performance.now()
  const result = weft(cliHome, ['repl', 'eval', '--realm', realm, '1+1'])
  if (result.status !== 0 || result.stdout !== '2\n') throw new Error(`weft repl eval failed (${result.status}): ${result.stderr}`)
  cli.push(performance.now() - started)
}

realmProcess.kill('SIGINT')
await new Promise((resolve) => realmProcess.once('exit', resolve))
await shutdownRepo(repo)
await relay.stop()
rmSync(scratch, { recursive: true, force: true })

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return { n: sorted.length, p50Ms: round(percentile(sorted, 0.5)), p95Ms: round(percentile(sorted, 0.95)), maxMs: round(sorted.at(-1) ?? 0) }
}
const results = { cores: cpus().length, node: process.version, realm: 'node worker thread (weft repl serve)', steady: summary(steady), cli: summary(cli) }
console.log('| path | n | p50 | p95 | max |\n|---|---|---|---|---|')
for (const [name, s] of [['requester → relay → realm → requester (connected)', results.steady], ['`weft repl eval` command, start to exit', results.cli]] as const)
  console.log(`| ${name} | ${s.n} | ${formatMs(s.p50Ms)} | ${formatMs(s.p95Ms)} | ${formatMs(s.maxMs)} |`)
console.log(JSON.stringify(results))
