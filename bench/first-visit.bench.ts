/**
 * The first visit, as a newcomer makes it: the production build served by a relay, a fresh
 * Chromium profile, the start page opened once. Prints, per visit and as the worst over visits:
 *
 * - first-visit bytes: what the browser downloaded (counted on the wire by a proxy in front of the
 *   relay) until the service worker controls the page and the network has been quiet for 2 s;
 * - offline-ready bytes: what the app keeps in Cache Storage to open offline after that visit;
 * - the main thread's longest task while loading: as the Long Tasks API sees it (wall clock), and
 *   in thread time from a Chromium trace (the time the main thread ran, without the time a busy
 *   machine kept it waiting for a core: on a shared 2-core machine wall-clock tasks are several
 *   times longer than the work in them), with what ran in the longest one and in the long frames
 *   (Long Animation Frames API, traced to source lines with the build's source maps).
 *
 *   node --import tsx bench/first-visit.bench.ts [--visits 3] [--app dist]
 *
 * `--app` measures an existing build (built with `--sourcemap` to see source lines); by default
 * the app is built into a temporary folder first.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium, type Browser } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './lib/chromium.ts'
import { cachedBytes, CountingProxy, mainThreadTasks } from './lib/pageLoad.ts'
import { initScript, pageRecording } from './lib/probe.ts'
import { causes, type Cause } from './lib/report.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { SourceLocator } from './lib/sources.ts'
import { formatBytes, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const QUIET_MS = 2_000
const log = (line: string) => process.stderr.write(`· ${line}\n`)

interface Visit {
  firstVisitBytes: number
  offlineReadyBytes: number
  caches: Record<string, number>
  longTasksMs: number[]
  longestThreadMs: number
  longestTaskInside: string[]
  causes: Cause[]
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
    await browser.startTracing(page, {
      categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink'],
    })
    await page.goto('/')
    await page.getByLabel('Repository name').waitFor()
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready
    })
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    // Quiet: nothing more arrives for QUIET_MS (the precache is done once the worker is ready).
    for (let last = -1; last !== proxy.received;) {
      last = proxy.received
      await new Promise((done) => setTimeout(done, QUIET_MS))
    }
    const tasks = mainThreadTasks(JSON.parse((await browser.stopTracing()).toString()))
    const recording = await pageRecording(page)
    const kept = await cachedBytes(page)
    return {
      firstVisitBytes: proxy.received,
      offlineReadyBytes: Object.values(kept).reduce((a, b) => a + b, 0),
      caches: kept,
      longTasksMs: recording.longTasks.map((t) => round(t.duration)).sort((a, b) => b - a),
      longestThreadMs: tasks[0]?.threadMs ?? 0,
      longestTaskInside: tasks[0] ? [`wall ${tasks[0].wallMs} ms`, ...tasks[0].inside] : [],
      causes: causes(recording, locator),
    }
  } finally {
    await context.close()
    await proxy.close()
    await relay.stop()
  }
}

async function main() {
  const { values } = parseArgs({
    options: { visits: { type: 'string', default: '3' }, app: { type: 'string' } },
  })
  const work = mkdtempSync(join(tmpdir(), 'weft-first-visit-'))
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
        log(
          `  downloaded ${formatBytes(v.firstVisitBytes)}, kept ${formatBytes(v.offlineReadyBytes)}, ` +
            `long tasks ${v.longTasksMs.join(', ') || 'none'} ms (wall); longest in thread time ${v.longestThreadMs} ms`,
        )
        log(`    the longest task: ${v.longestTaskInside.join(' · ')}`)
        for (const c of v.causes.slice(0, 5)) log(`    ${c.maxMs} ms max, ${c.count}×: ${c.cause}`)
      }
    } finally {
      await browser.close()
    }
    const longest = Math.max(0, ...visits.flatMap((v) => v.longTasksMs))
    const longestThread = Math.max(...visits.map((v) => v.longestThreadMs))
    const worst = (pick: (v: Visit) => number) => Math.max(...visits.map(pick))
    console.log(
      `First visit (${visits.length} fresh profiles, ${cpus().length} cores, load ${loadavg()[0]}):`,
    )
    console.log(`  first-visit bytes (on the wire)      ${formatBytes(worst((v) => v.firstVisitBytes))}`)
    console.log(`  offline-ready bytes (Cache Storage)  ${formatBytes(worst((v) => v.offlineReadyBytes))}`)
    for (const [name, bytes] of Object.entries(visits[0].caches))
      console.log(`    ${name.padEnd(34)} ${formatBytes(bytes)}`)
    console.log(`  longest main-thread task (wall)      ${longest ? `${longest} ms` : 'none over 50 ms'}`)
    console.log(`  longest main-thread task (thread)    ${longestThread} ms`)
    console.log(
      JSON.stringify({
        firstVisitBytes: visits.map((v) => v.firstVisitBytes),
        offlineReadyBytes: visits.map((v) => v.offlineReadyBytes),
        longTasksMs: visits.map((v) => v.longTasksMs),
        longestThreadMs: visits.map((v) => v.longestThreadMs),
      }),
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

await main()
