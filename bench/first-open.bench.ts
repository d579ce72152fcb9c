/**
 * The first ten minutes, as a newcomer spends them: the production build served by a relay, a fresh
 * Chromium profile; the start page, then a repository created and opened, a file created and typed
 * into, the command palette, the Changes and History views and the Run dialog. Prints, per phase
 * and as the worst over visits, the main thread's longest task from a Chromium trace (wall clock,
 * and thread time: the time the main thread ran, without the time a busy machine kept it waiting
 * for a core) and the Long Tasks API's tasks over 50 ms; the bytes each phase downloaded (counted on
 * the wire by a proxy in front of the relay); the offline-ready bytes (Cache Storage); and the size
 * of the workspace's own chunk.
 *
 *   node --import tsx bench/first-open.bench.ts [--visits 3] [--app dist]
 *
 * `--app` measures an existing build; by default the app is built into a temporary folder first.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium, expect, type Browser, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './lib/chromium.ts'
import { cachedBytes, CountingProxy, mainThreadTasks } from './lib/pageLoad.ts'
import { between, initScript, pageRecording, type Recording } from './lib/probe.ts'
import { causes, type Cause } from './lib/report.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { SourceLocator } from './lib/sources.ts'
import { formatBytes, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const QUIET_MS = 2_000
const TRACE_CATEGORIES = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8',
  'blink',
]
const log = (line: string) => process.stderr.write(`· ${line}\n`)

interface Phase {
  bytes: number
  /** Long Tasks API: tasks over 50 ms, wall clock. */
  longTasksMs: number[]
  longestWallMs: number
  longestThreadMs: number
  longestInside: string[]
  /** What ran in the long animation frames, traced to source lines. */
  causes: Cause[]
}

/** Waits until nothing more arrives through the proxy for QUIET_MS. */
async function quiet(proxy: CountingProxy): Promise<void> {
  for (let last = -1; last !== proxy.received;) {
    last = proxy.received
    await new Promise((done) => setTimeout(done, QUIET_MS))
  }
}

/** Runs `work` under a Chromium trace and the page's long-task recorder; what it cost. */
async function measure(
  browser: Browser,
  page: Page,
  proxy: CountingProxy,
  locator: SourceLocator,
  work: () => Promise<void>,
): Promise<Phase> {
  const bytesBefore = proxy.received
  const from = await page.evaluate(() => performance.now()).catch(() => 0)
  await browser.startTracing(page, { categories: TRACE_CATEGORIES })
  await work()
  await quiet(proxy)
  const tasks = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString()))
  const all: Recording = await pageRecording(page)
  const recording = between(all, from, Infinity)
  const longest = tasks.reduce((a, b) => (b.wallMs > a.wallMs ? b : a), tasks[0])
  return {
    bytes: proxy.received - bytesBefore,
    longTasksMs: recording.longTasks.map((t) => round(t.duration)).sort((a, b) => b - a),
    longestWallMs: longest?.wallMs ?? 0,
    longestThreadMs: tasks[0]?.threadMs ?? 0,
    causes: causes(recording, locator),
    longestInside: tasks
      .slice(0, 3)
      .map((t) => [`${t.threadMs} ms thread (wall ${t.wallMs} ms)`, ...t.inside].join(' · ')),
  }
}

/** The start page, until the service worker controls it and the precache is done. */
async function startPage(page: Page): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Repository name').waitFor()
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
}

/** A repository created and opened, a file written, and a look at each view, as a newcomer does. */
async function firstOpen(page: Page): Promise<void> {
  await page.getByLabel('Repository name').fill('first-open')
  await page.getByRole('button', { name: 'Create repository' }).click()
  await expect(page.getByRole('heading', { name: 'first-open' })).toBeVisible()
  await page.getByRole('button', { name: 'New file', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'New file' })
  await dialog.getByLabel('Path').fill('src/main.ts')
  await dialog.getByRole('button', { name: 'Create' }).click()
  const editor = page.getByRole('textbox', { name: 'Editor: src/main.ts' })
  await expect(editor).toBeFocused()
  await page.keyboard.type('export const answer = 42\n', { delay: 20 })
  await expect(page.getByRole('status', { name: 'Save state' })).toHaveText('All changes saved')
  await page.keyboard.press('Control+Shift+P')
  await expect(page.getByRole('dialog', { name: 'Command palette' })).toBeVisible()
  await page.keyboard.press('Escape')
  await page.getByRole('tab', { name: 'Changes' }).click()
  await expect(page.getByLabel('Commit message')).toBeVisible()
  await page.getByRole('tab', { name: 'History' }).click()
  await page.getByRole('tab', { name: 'Files' }).click()
  await page.getByRole('button', { name: 'Run' }).click()
  const run = page.getByRole('dialog', { name: /^Run/ })
  await expect(run).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(run).toBeHidden()
}

interface Visit {
  start: Phase
  open: Phase
  offlineReadyBytes: number
}

async function visit(
  browser: Browser,
  appDir: string,
  work: string,
  locator: SourceLocator,
  n: number,
): Promise<Visit> {
  const relay = await startRelay(ROOT, appDir, join(work, `relay-${n}`))
  const proxy = new CountingProxy(new URL(relay.url))
  // A fresh context is a fresh profile: nothing cached, no service worker yet.
  const context = await browser.newContext({
    baseURL: await proxy.listen(),
    viewport: { width: 1280, height: 800 },
  })
  try {
    await context.addInitScript(initScript([]))
    const page = await context.newPage()
    const start = await measure(browser, page, proxy, locator, () => startPage(page))
    const open = await measure(browser, page, proxy, locator, () => firstOpen(page))
    const kept = await cachedBytes(page)
    return { start, open, offlineReadyBytes: Object.values(kept).reduce((a, b) => a + b, 0) }
  } finally {
    await context.close()
    await proxy.close()
    await relay.stop()
  }
}

/** The workspace view's own chunk, the JavaScript opening a repository needs before it shows. */
function workspaceChunk(appDir: string): number {
  const assets = join(appDir, 'assets')
  const file = readdirSync(assets).find((f) => /^WorkspaceView-.*\.js$/.test(f))
  return file ? statSync(join(assets, file)).size : 0
}

const describe = (p: Phase) =>
  `${formatBytes(p.bytes)}; longest task ${p.longestWallMs} ms wall, ${p.longestThreadMs} ms thread; ` +
  `over 50 ms: ${p.longTasksMs.join(', ') || 'none'}`

async function main() {
  const { values } = parseArgs({
    options: { visits: { type: 'string', default: '3' }, app: { type: 'string' } },
  })
  const work = mkdtempSync(join(tmpdir(), 'weft-first-open-'))
  try {
    const appDir = values.app ? resolve(values.app) : join(work, 'app')
    if (!values.app) {
      log('building the app')
      buildApp(ROOT, appDir)
    }
    const locator = new SourceLocator(appDir, ROOT)
    const visits: Visit[] = []
    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    try {
      for (let n = 1; n <= Number(values.visits); n++) {
        log(`visit ${n}`)
        const v = await visit(browser, appDir, work, locator, n)
        visits.push(v)
        log(`  start page: ${describe(v.start)}`)
        for (const t of v.start.longestInside) log(`    ${t}`)
        log(`  first open: ${describe(v.open)}`)
        for (const t of v.open.longestInside) log(`    ${t}`)
        for (const c of v.open.causes.slice(0, 5)) log(`    ${c.maxMs} ms max, ${c.count}×: ${c.cause}`)
      }
    } finally {
      await browser.close()
    }
    const worst = (pick: (v: Visit) => number) => Math.max(...visits.map(pick))
    const over50 = (pick: (v: Visit) => Phase) =>
      visits.map((v) => pick(v).longTasksMs.join('+') || 'none').join(', ')
    console.log(
      `First visit and first open (${visits.length} fresh profiles, ${cpus().length} cores, load ${loadavg()[0]}):`,
    )
    console.log(`  first-visit bytes (start page)        ${formatBytes(worst((v) => v.start.bytes))}`)
    console.log(`  first-open bytes (a repository)       ${formatBytes(worst((v) => v.open.bytes))}`)
    console.log(`  offline-ready bytes (Cache Storage)   ${formatBytes(worst((v) => v.offlineReadyBytes))}`)
    console.log(`  workspace chunk                       ${formatBytes(workspaceChunk(appDir))}`)
    console.log(`  start page: tasks over 50 ms (wall)   ${over50((v) => v.start)}`)
    console.log(`  start page: longest task (thread)     ${worst((v) => v.start.longestThreadMs)} ms`)
    console.log(`  first open: tasks over 50 ms (wall)   ${over50((v) => v.open)}`)
    console.log(`  first open: longest task (thread)     ${worst((v) => v.open.longestThreadMs)} ms`)
    console.log(JSON.stringify(visits))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
