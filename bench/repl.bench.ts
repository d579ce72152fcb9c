/**
 * REPL round trip on loopback: requester → relay → realm → result back, each in its own process.
 *   - the relay: `weft relay` (child process);
 *   - the realm, chosen with `--realm`:
 *       node: `weft repl serve` (child process), a **Node realm** (worker thread) standing in for a tab;
 *       tab:  a real **browser tab** (the production build, served by the relay, in Debian Chromium)
 *             that created the repository and opted in with "Run REPL code in this tab";
 *       both: one after the other, each with its own relay;
 *   - "steady": a long-lived requester (this process, one automerge-repo connected to the relay, as
 *     an agent library or the app would be) sends `1+1` and waits for the result, sequentially;
 *   - "cli": the whole `weft repl list --json` and `weft repl eval --realm ID 1+1` commands, process
 *     start to exit: wall time and the CPU time of the whole process (user + system, every thread),
 *     read by a preload (bench/lib/reportCpu.mjs);
 *   - with `--baseline DIR` (an earlier checkout with its `dist-node` built), that checkout's commands
 *     too, alternating with this one's command by command so both meet the same machine load.
 *
 *   node --import tsx bench/repl.bench.ts [--realm node|tab|both] [--rounds 100] [--cli-rounds 10] [--baseline DIR]
 *
 * A baseline of the commit before a change, for example:
 *   mkdir /tmp/base && git archive COMMIT | tar -x -C /tmp/base && ln -s "$PWD/node_modules" /tmp/base/ \
 *     && (cd /tmp/base && npx tsx build/nodeBuild.ts)
 *
 * Prints a table, then one JSON line. automerge-repo syncs a document at most once per 100 ms per
 * hop (its DocSynchronizer throttle), so about 200 ms per round trip is the floor on this path.
 * On failure it prints what it measured, then the error, and exits 1; the relay and browser are
 * stopped either way (Ctrl-C too).
 */
import '@automerge/automerge-repo'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import type { Page } from '@playwright/test'
import { launchProfile } from './lib/chromium.ts'
import { Profile } from '../src/cli/Profile.ts'
import { createRepoService } from '../src/services/RepoService.ts'
import { Workspace } from '../src/repo/Workspace.ts'
import { shutdownRepo } from '../src/repo/flush.ts'
import { ReplSession } from '../src/repl/ReplSession.ts'
import { Relays } from '../src/sync/Relays.ts'
import { shareLink } from '../src/sync/links.ts'
import { createRepository } from './lib/measure.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { formatMs, percentile, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// The same flags as workspace.bench.ts: no network chatter competing with the measured work.
const { values: opts } = parseArgs({
  options: {
    realm: { type: 'string', default: 'node' },
    rounds: { type: 'string', default: '100' },
    'cli-rounds': { type: 'string', default: '10' },
    baseline: { type: 'string' },
  },
})
const BASELINE = opts.baseline === undefined ? undefined : resolve(opts.baseline)
if (BASELINE && !existsSync(join(BASELINE, 'dist-node')))
  throw new Error(`--baseline ${BASELINE}: no dist-node there; build it (npx tsx build/nodeBuild.ts) first.`)
const CPU_REPORT = fileURLToPath(new URL('lib/reportCpu.mjs', import.meta.url))
const ROUNDS = Number(opts.rounds)
const CLI_ROUNDS = Number(opts['cli-rounds'])
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || !Number.isInteger(CLI_ROUNDS) || CLI_ROUNDS < 0)
  throw new Error('--rounds takes a positive whole number, --cli-rounds a whole number.')
if (!['node', 'tab', 'both'].includes(opts.realm!)) throw new Error('--realm takes node, tab or both.')
const REALMS = (opts.realm === 'both' ? ['node', 'tab'] : [opts.realm]) as RealmChoice[]

type RealmChoice = 'node' | 'tab'
type Cleanup = (() => Promise<void>)[]
interface Summary {
  n: number
  p50Ms: number
  p95Ms: number
  maxMs: number
}
interface RealmResults {
  realm: string
  steady?: Summary
  /** Whole one-shot commands by "[baseline ]list|eval wall|CPU": CPU is user + system time of the
   * whole process, every thread; "baseline" is the `--baseline` checkout's. */
  cli: Record<string, Summary>
  setupMs?: number
}

const log = (line: string) => process.stderr.write(`· ${line}\n`)
const weft = (home: string, args: string[]) =>
  spawnSync(process.execPath, ['bin/weft.js', ...args, '--home', home], { cwd: ROOT, encoding: 'utf8' })
const load = () => loadavg().map((n) => round(n, 2))
const until = async (ok: () => boolean, what: string, ms = 15_000) => {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
const summary = (values: number[]): Summary => {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p95Ms: round(percentile(sorted, 0.95)),
    maxMs: round(sorted.at(-1) ?? 0),
  }
}

/** `1+1`, sequentially, from the connected requester: request written → result read back. */
async function steadyRounds(
  session: ReplSession,
  realm: string,
  key: string,
  out: RealmResults,
): Promise<void> {
  const steady: number[] = []
  for (let i = 0; i < ROUNDS; i++) {
    const started = performance.now()
    const job = await session.request({ realm, code: '1+1', requester: 'bench', key })
    const done = await session.outcome(realm, job.id, 1_000)
    if (done.result?.text !== '2') throw new Error(`round ${i}: ${JSON.stringify(done)}`)
    steady.push(performance.now() - started)
    out.steady = summary(steady)
  }
}

/** `weft ARGS` without blocking this process: spawnSync would stall the connected requester for the
 * whole command, long enough (10 × 1.5 s) for the relay's keep-alive to drop its socket. */
const weftAsync = (home: string, args: string[], checkout = ROOT) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const bin = join(checkout, 'bin', 'weft.js')
    const child = spawn(process.execPath, ['--import', CPU_REPORT, bin, ...args, '--home', home], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => {
      stdout += d
    })
    child.stderr.on('data', (d: Buffer) => {
      stderr += d
    })
    child.once('error', reject)
    child.once('close', (status) => resolve({ status, stdout, stderr }))
  })

/** The one-shot REPL commands timed whole, process start to exit. */
const CLI_COMMANDS = {
  list: {
    args: () => ['repl', 'list', '--json'],
    ok: (stdout: string, realm: string) => stdout.includes(realm),
  },
  eval: {
    args: (realm: string, keyFile: string) => [
      'repl',
      'eval',
      '--realm',
      realm,
      '--key-file',
      keyFile,
      '1+1',
    ],
    ok: (stdout: string) => stdout === '2\n',
  },
} as const
type CliCommand = keyof typeof CLI_COMMANDS

/** Whole `weft repl list` and `weft repl eval` commands, process start to exit, from a profile of
 * their own: wall and CPU time of each, and of the baseline checkout's alternating with them. */
async function cliRounds(
  cliHome: string,
  link: string,
  realm: string,
  keyFile: string,
  out: RealmResults,
): Promise<void> {
  if (CLI_ROUNDS === 0) return
  log('timing whole `weft repl list` and `weft repl eval` commands')
  if (weft(cliHome, ['clone', link, '--add-relay']).status !== 0)
    throw new Error('the CLI profile could not clone the repository')
  const once = async (command: CliCommand, checkout: string) => {
    const started = performance.now()
    const result = await weftAsync(cliHome, CLI_COMMANDS[command].args(realm, keyFile), checkout)
    const wall = performance.now() - started
    const cpu = /weft-bench-cpu-us (\d+)\n?$/.exec(result.stderr)
    if (result.status !== 0 || !CLI_COMMANDS[command].ok(result.stdout, realm) || !cpu)
      throw new Error(`weft repl ${command} (${checkout}) failed (${result.status}): ${result.stderr}`)
    return { wall, cpu: Number(cpu[1]) / 1000 }
  }
  const runs = new Map<string, number[]>()
  const record = (key: string, value: number) => {
    const values = runs.get(key) ?? []
    values.push(value)
    runs.set(key, values)
    out.cli[key] = summary(values)
  }
  for (let i = 0; i < CLI_ROUNDS; i++)
    for (const command of Object.keys(CLI_COMMANDS) as CliCommand[]) {
      const now = await once(command, ROOT)
      record(`${command} wall`, now.wall)
      record(`${command} CPU`, now.cpu)
      let line = `  weft repl ${command} ${i + 1}: ${formatMs(now.wall)} (CPU ${formatMs(now.cpu)})`
      if (BASELINE) {
        const before = await once(command, BASELINE)
        record(`baseline ${command} wall`, before.wall)
        record(`baseline ${command} CPU`, before.cpu)
        line += `; baseline ${formatMs(before.wall)} (CPU ${formatMs(before.cpu)})`
      }
      log(line)
    }
}

/** The realm is `weft repl serve`; the requester created the repository in-process. */
async function nodeRealm(scratch: string, out: RealmResults, cleanup: Cleanup): Promise<void> {
  const setup = performance.now()
  mkdirSync(join(scratch, 'app'))
  writeFileSync(join(scratch, 'app', 'index.html'), '<!doctype html><title>bench</title>')
  const relay = await startRelay(ROOT, join(scratch, 'app'), join(scratch, 'relay'))
  cleanup.push(() => relay.stop())
  const storage = new NodeFSStorageAdapter(join(scratch, 'requester'))
  const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
  cleanup.unshift(() => shutdownRepo(repo))
  const relays = new Relays(repo, storage)
  await relays.start([relay.url])

  const service = createRepoService(repo, storage, relays)
  const created = await service.createRepository('repl-bench')
  const info = await service.openRepository(created.id)
  const ws = await Workspace.open(repo, created.url)
  const session = await ReplSession.ensure(repo, ws.handle)
  await until(() => relays.statuses()[0]?.pending === 0, 'the relay to hold the repository')
  const link = shareLink(`${relay.url}/`, created.url, info.defaultBranch, relays.statuses()[0].url)

  log('starting a Node realm (weft repl serve)')
  const realmHome = join(scratch, 'realm')
  if (weft(realmHome, ['clone', link, '--add-relay']).status !== 0)
    throw new Error('the realm profile could not clone the repository')
  const key = weft(realmHome, ['repl', 'key']).stdout.trim()
  const keyFile = join(scratch, 'realm-key')
  writeFileSync(keyFile, key)
  const realmProcess = spawn(
    process.execPath,
    ['bin/weft.js', 'repl', 'serve', '--label', 'bench realm', '--home', realmHome],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  cleanup.unshift(async () => {
    if (realmProcess.exitCode !== null || realmProcess.signalCode !== null) return
    const exited = new Promise((resolve) => realmProcess.once('exit', resolve))
    process.kill(realmProcess.pid!, 'SIGINT')
    await exited
  })
  const realm = await new Promise<string>((resolve, reject) => {
    realmProcess.stdout!.on('data', (chunk: Buffer) => {
      const m = /Serving realm (\S+)/.exec(String(chunk))
      if (m) resolve(m[1])
    })
    realmProcess.once('exit', (code) => reject(new Error(`weft repl serve exited (${code})`)))
  })
  await until(() => session.realm(realm)?.status === 'alive', 'the realm to appear')
  out.setupMs = round(performance.now() - setup)

  log(`node realm: ${ROUNDS} round trips of 1+1`)
  await steadyRounds(session, realm, key, out)
  await cliRounds(join(scratch, 'cli'), link, realm, keyFile, out)
}

/** The Share dialog's link, once it names the relay (as tests/e2e/fixtures.ts shareLinkOf). */
async function shareLinkOf(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share' }).click()
  const dialog = page.getByRole('dialog', { name: 'Share repository' })
  const field = dialog.getByLabel('Link')
  const deadline = Date.now() + 30_000
  let link = await field.inputValue()
  while (!link.includes('relay=')) {
    if (Date.now() > deadline) throw new Error(`the Share link never named a relay: ${link}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
    link = await field.inputValue()
  }
  await dialog.getByRole('button', { name: 'Done' }).click()
  return link
}

/** The realm is a Chromium tab of the app; the requester is a profile that cloned the tab's Share link. */
async function tabRealm(
  scratch: string,
  out: RealmResults,
  cleanup: Cleanup,
  environment: { chromium: string },
): Promise<void> {
  log('building the app')
  buildApp(ROOT, join(scratch, 'app'))
  const setup = performance.now()
  const relay = await startRelay(ROOT, join(scratch, 'app'), join(scratch, 'relay'))
  cleanup.push(() => relay.stop())
  const context = await launchProfile(join(scratch, 'browser-profile'), relay.url)
  cleanup.unshift(() => context.close())
  environment.chromium = context.browser()?.version() ?? 'unknown'
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (error) => log(`page error: ${error.message}`))

  log('creating the repository in the tab and opting it in as a realm')
  await createRepository(page, 'repl-bench')
  const link = await shareLinkOf(page)
  await page.getByRole('tab', { name: 'REPL' }).click()
  await page.getByLabel('Run REPL code in this tab').check()
  const hint = page.getByText(/^This tab is realm /)
  await hint.waitFor({ timeout: 30_000 })
  const prefix = ((await hint.locator('code').textContent()) ?? '').trim()

  const requesterHome = join(scratch, 'requester')
  if (weft(requesterHome, ['clone', link, '--add-relay']).status !== 0)
    throw new Error('the requester profile could not clone the repository')
  const profile = await Profile.open(requesterHome)
  cleanup.unshift(async () => {
    await profile.close()
  })
  const { ws } = await profile.open(profile.pick())
  let session: ReplSession | null
  const deadline = Date.now() + 30_000
  while (!(session = await ReplSession.find(profile.repo, ws.handle))) {
    if (Date.now() > deadline) throw new Error("the requester never saw the tab's REPL session")
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const s = session
  const tab = () =>
    s.realms().find((r) => r.kind === 'tab' && r.status === 'alive' && r.id.startsWith(prefix))
  await until(() => tab() !== undefined, 'the tab realm to be alive', 30_000)
  const realm = tab()!.id
  out.setupMs = round(performance.now() - setup)
  log(`tab realm ${realm}: ${ROUNDS} round trips of 1+1`)
  const key = ((await page.getByLabel('Realm key', { exact: true }).textContent()) ?? '').trim()
  const keyFile = join(scratch, 'realm-key')
  writeFileSync(keyFile, key)
  await steadyRounds(s, realm, key, out)
  if (!tab()) throw new Error('the tab realm is no longer alive after the round trips')
  await cliRounds(join(scratch, 'cli'), link, realm, keyFile, out)
  if (!tab()) throw new Error('the tab realm is no longer alive after the `weft repl eval` commands')
  await hint.waitFor({ timeout: 1_000 })
}

async function main(): Promise<void> {
  const environment = {
    cores: cpus().length,
    node: process.version,
    chromium: 'n/a',
    loadAverage: { start: load(), end: [] as number[] },
  }
  const results: Partial<Record<RealmChoice, RealmResults>> = {}
  const started = performance.now()
  let failure: unknown = null
  let cleanup: Cleanup = []
  const runCleanup = async () => {
    const steps = cleanup
    cleanup = []
    for (const step of steps) await step().catch((e: Error) => log(`cleanup: ${e.message}`))
  }
  // Ctrl-C still closes the browser and stops the relay and realm.
  const onSignal = () => {
    void runCleanup().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  for (const choice of REALMS) {
    const scratch = mkdtempSync(join(tmpdir(), `weft-repl-bench-${choice}-`))
    const out: RealmResults = {
      realm:
        choice === 'node'
          ? 'node worker thread (weft repl serve)'
          : 'Chromium tab (sandboxed frame, "Run REPL code in this tab")',
      cli: {},
    }
    results[choice] = out
    try {
      if (choice === 'node') await nodeRealm(scratch, out, cleanup)
      else await tabRealm(scratch, out, cleanup, environment)
    } catch (error) {
      failure = error
    }
    await runCleanup()
    rmSync(scratch, { recursive: true, force: true })
    // automerge-repo may still write a sync-state file after its shutdown: remove the folder again at exit.
    process.once('exit', () => rmSync(scratch, { recursive: true, force: true }))
    if (failure) break
  }
  process.off('SIGINT', onSignal)
  process.off('SIGTERM', onSignal)
  environment.loadAverage.end = load()

  console.log(
    `Weft REPL round trip · ${environment.cores} CPUs · Node ${environment.node} · Chromium ${environment.chromium} · load average (1/5/15 min) ${environment.loadAverage.start.join('/')} at start → ${environment.loadAverage.end.join('/')} at end`,
  )
  console.log('| realm | path | n | p50 | p95 | max |\n|---|---|---|---|---|---|')
  for (const [choice, r] of Object.entries(results)) {
    const rows: [string, Summary | undefined][] = [
      ['requester → relay → realm → requester (connected)', r.steady],
      ...Object.entries(r.cli).map(([key, s]): [string, Summary] => {
        const [, baseline, command, measure] = /^(baseline )?(\w+) (wall|CPU)$/.exec(key)!
        const what = measure === 'wall' ? 'start to exit' : 'CPU time (user + system)'
        return [`${baseline ? 'baseline ' : ''}\`weft repl ${command}\` command, ${what}`, s]
      }),
    ]
    for (const [name, s] of rows)
      if (s)
        console.log(
          `| ${choice} | ${name} | ${s.n} | ${formatMs(s.p50Ms)} | ${formatMs(s.p95Ms)} | ${formatMs(s.maxMs)} |`,
        )
  }
  const error = failure ? ((failure as Error).message?.split('\n')[0] ?? String(failure)) : undefined
  console.log(
    JSON.stringify({
      bench: 'repl',
      ...environment,
      ...(BASELINE ? { baseline: BASELINE } : {}),
      realms: results,
      runMs: round(performance.now() - started),
      ...(error ? { error } : {}),
    }),
  )
  if (failure) {
    console.error(failure)
    process.exitCode = 1
  }
  // Everything was stopped above; should something still hold the process, say what and exit rather
  // than hang a script that waits for the bench. (automerge-repo's WebSocketClientAdapter arms a
  // 2^31 ms reconnect timer on every socket close, never cleared: one dropped socket holds it.)
  setTimeout(() => {
    log(
      `still running 10 s after the end (${process.getActiveResourcesInfo().join(', ') || 'nothing listed'}): exiting`,
    )
    process.exit()
  }, 10_000).unref()
}

await main()
