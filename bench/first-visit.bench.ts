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
import { createServer, connect, type Server, type Socket } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { chromium, type Browser, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './lib/chromium.ts'
import { initScript, pageRecording } from './lib/probe.ts'
import { causes, type Cause } from './lib/report.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { SourceLocator } from './lib/sources.ts'
import { formatBytes, round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const QUIET_MS = 2_000
const log = (line: string) => process.stderr.write(`· ${line}\n`)

/** A TCP proxy in front of the relay that counts the bytes sent to the browser. */
class CountingProxy {
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  received = 0
  port = 0

  constructor(target: URL) {
    this.#server = createServer((client) => {
      const upstream = connect(Number(target.port), target.hostname)
      this.#sockets.add(client).add(upstream)
      upstream.on('data', (chunk: Buffer) => {
        this.received += chunk.length
      })
      client.pipe(upstream)
      upstream.pipe(client)
      const close = () => {
        client.destroy()
        upstream.destroy()
        this.#sockets.delete(client)
        this.#sockets.delete(upstream)
      }
      client.on('error', close).on('close', close)
      upstream.on('error', close).on('close', close)
    })
  }

  async listen(): Promise<string> {
    await new Promise<void>((done) => this.#server.listen(0, '127.0.0.1', done))
    this.port = (this.#server.address() as { port: number }).port
    return `http://127.0.0.1:${this.port}`
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy()
    await new Promise((done) => this.#server.close(done))
  }
}

/** Every entry the app keeps in Cache Storage, by cache, with its body's size. */
const cachedBytes = (page: Page) =>
  page.evaluate(async () => {
    const result: Record<string, number> = {}
    for (const name of await caches.keys()) {
      const cache = await caches.open(name)
      let total = 0
      for (const request of await cache.keys()) {
        const response = await cache.match(request)
        total += response ? (await response.blob()).size : 0
      }
      result[name] = total
    }
    return result
  })

interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  tdur?: number
  pid: number
  tid: number
  args?: { name?: string }
}

interface PageFrames {
  frames?: { parent?: string; processId?: number }[]
  processId?: number
  parent?: string
}

/** The renderer main thread's top-level tasks, in wall and thread time (ms), longest in thread time first. */
function mainThreadTasks(trace: { traceEvents: TraceEvent[] }) {
  const events = trace.traceEvents
  // The page's renderer only: Playwright's own blank page and other renderers have main threads too.
  const pagePids = new Set(
    events.flatMap((e) => {
      const data = (e.args as { data?: PageFrames } | undefined)?.data
      if (e.name === 'TracingStartedInBrowser')
        return (data?.frames ?? []).filter((f) => !f.parent && f.processId).map((f) => f.processId!)
      if (e.name === 'FrameCommittedInBrowser' && data?.processId && !data.parent) return [data.processId]
      return []
    }),
  )
  const main = new Set(
    events
      .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && pagePids.has(e.pid))
      .map((e) => `${e.pid}:${e.tid}`),
  )
  const onMain = events.filter((e) => e.ph === 'X' && main.has(`${e.pid}:${e.tid}`))
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.tdur !== undefined)
  return tasks
    .map((task) => ({
      wallMs: round(task.dur! / 1000),
      threadMs: round(task.tdur! / 1000),
      // What took the task's time: the events directly inside it of 5 ms or more.
      inside: [
        ...new Set(
          onMain
            .filter((e) => e !== task && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= task.ts + task.dur!)
            .filter((e) => (e.tdur ?? e.dur ?? 0) >= 5000)
            .map((e) => `${e.name} ${round((e.tdur ?? e.dur!) / 1000)} ms`),
        ),
      ].slice(0, 8),
    }))
    .sort((a, b) => b.threadMs - a.threadMs)
}

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
