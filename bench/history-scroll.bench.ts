/**
 * Browser benchmark of the history view: a repository with N commits, recorded in Node and
 * uploaded to a relay, opened from its share link in Chromium (production build served by the
 * relay); the History list is scrolled with the mouse wheel from the newest commit to the first
 * while the main thread's long tasks are recorded.
 *
 *   node --import tsx bench/history-scroll.bench.ts [--commits 1000]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Profile } from '../src/cli/Profile.ts'
import { shareLink } from '../src/sync/links.ts'
import { relaySyncAddress } from '../src/sync/Relays.ts'
import { launchProfile } from './lib/chromium.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { formatMs } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({ options: { commits: { type: 'string', default: '1000' } } })
const COMMITS = Number(values.commits)
const log = (line: string) => process.stderr.write(`· ${line}\n`)

/** Records `count` commits of one file in a fresh CLI profile; returns the share link once the relay holds them. */
async function seed(relayUrl: string, count: number, home: string): Promise<string> {
  const profile = await Profile.open(home, [relayUrl])
  const summary = profile.catalog.create('history')
  const { ws, vc } = await profile.open(summary)
  const branch = ws.handle.doc().defaultBranch
  for (let i = 1; i <= count; i++) {
    await ws.importFiles(branch, [{ path: 'counter.txt', bytes: new TextEncoder().encode(`${i}\n`) }])
    await vc.commit(branch, i === 1 ? 'Start' : `Step ${i}`, 'bench')
  }
  const unconfirmed = await profile.close()
  if (unconfirmed > 0) throw new Error(`${unconfirmed} documents not confirmed by the relay`)
  return shareLink(relayUrl, summary.url, branch, relaySyncAddress(relayUrl))
}

const work = mkdtempSync(join(tmpdir(), 'weft-history-bench-'))
const cleanup: (() => Promise<void>)[] = []
try {
  log('building the app')
  buildApp(ROOT, join(work, 'app'))
  const relay = await startRelay(ROOT, join(work, 'app'), join(work, 'relay-data'))
  cleanup.push(() => relay.stop())
  log(`recording ${COMMITS} commits`)
  const link = await seed(relay.url, COMMITS, join(work, 'cli'))

  const context = await launchProfile(join(work, 'profile'), relay.url)
  cleanup.unshift(() => context.close())
  const page = context.pages()[0] ?? (await context.newPage())
  await page.goto(link)
  await page.getByRole('heading', { name: 'history' }).waitFor({ timeout: 60_000 })
  const loadStart = Date.now()
  await page.getByRole('tab', { name: 'History' }).click()
  const history = page.getByRole('list', { name: 'History' })
  await history
    .getByRole('listitem')
    .first()
    .and(page.locator(`[aria-setsize="${COMMITS}"]`))
    .waitFor({ timeout: 120_000 })
  const loadMs = Date.now() - loadStart

  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] }
    w.longTasks = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration)
    }).observe({ type: 'longtask' })
  })
  const box = (await history.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + 40)
  const first = history.getByRole('button', { name: /: Start$/ })
  const scrollStart = Date.now()
  let wheels = 0
  let rendered = 0
  while (!(await first.isVisible())) {
    await page.mouse.wheel(0, 600)
    rendered = Math.max(rendered, await history.getByRole('listitem').count())
    if (++wheels > 10 * COMMITS) throw new Error('the first commit never came into view')
  }
  const scrollMs = Date.now() - scrollStart
  const longTasks = (
    await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)
  ).sort((a, b) => b - a)

  console.log(`history of ${COMMITS} commits: listed in ${formatMs(loadMs)} after opening the tab`)
  console.log(
    `scrolled to the first commit in ${wheels} wheel steps (${formatMs(scrollMs)}); at most ${rendered} rows in the page`,
  )
  console.log(
    `main-thread long tasks while scrolling: ${longTasks.length} (over 50 ms: ${longTasks.filter((d) => d > 50).length}; longest ${longTasks.length ? formatMs(longTasks[0]) : '-'})`,
  )
} finally {
  for (const step of cleanup) await step().catch(() => {})
  rmSync(work, { recursive: true, force: true })
}
