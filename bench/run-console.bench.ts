/**
 * Browser benchmark of the run console (RunDialog + RunConsole, xterm.js DOM renderer) in the real
 * app (production build served by `weft relay --runs`) in Chromium:
 *  - Run → first output row in the console: browser backend (`node hi.js`, cold then warm), local
 *    runner (`echo hi`), and Python through Pyodide (`python hi.py`, a fresh worker each run);
 *  - console throughput: Run → "Exited with code 0" and → last line rendered, MiB/s, and the
 *    main thread's long tasks (with Long Animation Frame attribution) while output floods;
 *  - keystroke latency in the Command field while the biggest flood renders.
 * The WebContainer backend cannot boot offline here, so it is not measured.
 *
 *   node --import tsx bench/run-console.bench.ts [--runs 10] [--python-runs 3]
 *
 * Prints a table, then one JSON line. On failure it prints what it measured, then the error, exit 1.
 * (The relay's own CPU and RSS per run are measured by bench/run.bench.ts.)
 */
import { mkdtempSync, rmSync, readFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { BrowserContext, Locator, Page } from '@playwright/test'
import { launchProfile } from './lib/chromium.ts'
import { createRepository } from './lib/measure.ts'
import {
  between,
  initScript,
  pageMarks,
  pageRecording,
  startRecorder,
  stopRecorder,
  watchFor,
  type Recording,
} from './lib/probe.ts'
import { causes, type Cause } from './lib/report.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { SourceLocator } from './lib/sources.ts'
import {
  formatBytes,
  formatMs,
  percentile,
  round,
  summariseKeystrokes,
  summariseLongTasks,
  type KeystrokeSummary,
  type LongTaskSummary,
} from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// The same flags as workspace.bench.ts: no network chatter competing with the measured work.
/** The runner's own token, read from the relay's data folder once it started. */
let runnerToken = ''
const ROWS = '[role=log][aria-label="Run output"] .xterm-rows > div'
const STATUS = '[role=status][aria-label="Run status"]'
const ENDED = /^(Exited with code|Stopped|Timed out|Disconnected|Failed)/
/** Lines the flooding JS programs print: the brief's 200,000, and half that to show how cost scales. */
const JS_LINES = [100_000, 200_000]
const manyFile = (lines: number) => `many-${lines / 1000}k.js`

const FILES: Record<string, string> = {
  'hi.js': "console.log('hi')\n",
  'hi.py': "print('hi')\n",
  ...Object.fromEntries(
    JS_LINES.map((n) => [manyFile(n), `for (let i = 0; i < ${n}; i++) console.log(i)\n`]),
  ),
}

const log = (line: string) => process.stderr.write(`· ${line}\n`)

type Backend = 'browser' | 'local'

interface RunTiming {
  /** Submit → the status reads "Running on …": the branch's files gathered and the runner started. */
  runningMs: number
  /** Submit → the first row starting with the expected first line is in the console's DOM. */
  firstOutputMs: number
  /** Submit → the status reads "Exited with code …". */
  exitedMs: number
  /** Submit → the row holding the last line is in the console's DOM. */
  lastLineMs: number
  /** What the app itself reports ("Exited with code 0 in 1.2 s"). */
  status: string
  recording: Recording
}

interface LatencySeries {
  label: string
  backend: Backend
  command: string
  firstMs: number
  /** Submit → "Running on …" of each run, in order (the rest of the wait is the program starting). */
  runningMs: number[]
  /** Runs after the first; each browser run is a fresh worker, so "warm" means cached assets only. */
  warm: { runs: number; p50Ms: number; p95Ms: number; maxMs: number; allMs: number[] }
}

interface Throughput {
  label: string
  backend: Backend
  command: string
  bytes: number
  exitedMs: number
  lastLineMs: number
  firstOutputMs: number
  /** Output bytes over submit → last line rendered. */
  mibPerSecond: number
  /** Output bytes over first output → last line rendered: the console alone, without start-up. */
  streamingMibPerSecond: number
  longTasks: LongTaskSummary
  keystrokes?: KeystrokeSummary
  status: string
  recording: Recording
}

interface Results {
  environment: { chromium: string; cpus: number; loadAverage: { start: number[]; end: number[] } }
  latency: LatencySeries[]
  throughput: Throughput[]
  notMeasured: string[]
  runMs?: number
  error?: string
}

/**
 * On each submit (the Run button), in the page clock: the submit, and the first time a console row
 * other than Weft's own "$ command" note holds text. A selector for the expected first line would
 * miss it on a flood: it has scrolled out of view by the first render.
 */
const SUBMIT_CLOCK = `addEventListener('submit', () => {
  const run = window.__weftRun = { submitAt: performance.now(), firstOutputAt: null, firstOutput: null }
  const check = () => {
    for (const row of document.querySelectorAll(${JSON.stringify(ROWS)})) {
      const text = (row.textContent || '').trim()
      if (text === '' || text.startsWith('$ ')) continue
      Object.assign(run, { firstOutputAt: performance.now(), firstOutput: text })
      observer.disconnect()
      return
    }
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true, characterData: true })
}, true)`

async function launch(profile: string, baseURL: string): Promise<BrowserContext> {
  // A persistent profile, as for a person: the HTTP and code caches that make warm runs warm live there.
  const context = await launchProfile(profile, baseURL)
  await context.addInitScript(initScript([]))
  await context.addInitScript({ content: SUBMIT_CLOCK })
  return context
}

/** Creates a file with `text` (inserted at once, as a paste is) and waits until it is saved. */
async function writeFile(page: Page, path: string, text: string): Promise<void> {
  await page.getByRole('button', { name: 'New file', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'New file' })
  await dialog.getByLabel('Path').fill(path)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await dialog.waitFor({ state: 'hidden' })
  await page.getByRole('tree', { name: 'Files' }).getByRole('treeitem', { name: path, exact: true }).click()
  const editor = page.getByRole('textbox', { name: `Editor: ${path}` })
  await editor.click()
  await page.keyboard.insertText(text)
  await page
    .getByRole('status', { name: 'Save state' })
    .filter({ hasText: 'All changes saved' })
    .waitFor({ timeout: 30_000 })
}

/**
 * Opens the Run dialog afresh for every run: its console starts empty, so "the first row reading
 * `hi`" can only be this run's output, not the previous run's.
 */
async function openRun(page: Page, backend: Backend, command: string): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: 'Run' })
  if (await dialog.count()) {
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    await dialog.waitFor({ state: 'hidden' })
  }
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  await page.locator(ROWS).first().waitFor({ state: 'attached' })
  if (backend === 'local') {
    const token = dialog.getByLabel('Runner token')
    await token.waitFor()
    if ((await token.inputValue()) !== runnerToken) await token.fill(runnerToken)
  }
  const select = dialog.getByLabel('Backend', { exact: true })
  await select
    .locator(`option[value="${backend}"]:not([disabled])`)
    .waitFor({ state: 'attached', timeout: 30_000 })
  await select.selectOption(backend)
  await dialog.getByLabel('Command', { exact: true }).fill(command)
  return dialog
}

interface RunOptions {
  /** The program's first and last output lines, as the console shows them. */
  firstLine: string
  lastLine: string
  timeoutMs: number
  /** Types into the Command field while the output floods, to time keystrokes. */
  typeWhileRunning?: boolean
}

/** Clicks Run and waits until the run has ended and its last line is in the console. */
async function timedRun(
  page: Page,
  dialog: Locator,
  o: RunOptions,
): Promise<RunTiming & { keystrokes?: KeystrokeSummary }> {
  await watchFor(page, 'lastLine', ROWS, o.lastLine)
  await watchFor(page, 'exited', STATUS, 'Exited with code')
  await watchFor(page, 'running', STATUS, 'Running on')
  const recorder = o.typeWhileRunning ? await startRecorder(page) : null
  await dialog.getByRole('button', { name: 'Run', exact: true }).click()
  const status = dialog.getByRole('status', { name: 'Run status' })
  let typing: Promise<void> = Promise.resolve()
  if (o.typeWhileRunning) {
    typing = (async () => {
      await status.filter({ hasText: /^Running on/ }).waitFor({ timeout: o.timeoutMs })
      const field = dialog.getByLabel('Command', { exact: true })
      await field.focus()
      await field.press('End')
      // 39 keys, 25 ms apart: about a second of typing while the console is busiest.
      await page.keyboard.type(' typed while output floods abcdefghijk', { delay: 25 })
    })()
    // Handled here so a failure while the run is awaited below is not an unhandled rejection
    // (which would end the process before the browser and relay are cleaned up); awaited later.
    typing.catch(() => {})
  }
  await status.filter({ hasText: ENDED }).waitFor({ timeout: o.timeoutMs })
  const text = ((await status.textContent()) ?? '').trim()
  if (!text.startsWith('Exited with code 0')) {
    const tail = await page.locator(ROWS).allTextContents()
    throw new Error(
      `The run ended with "${text}"; console tail: ${tail
        .map((t) => t.trim())
        .filter(Boolean)
        .slice(-5)
        .join(' | ')}`,
    )
  }
  await page.waitForFunction(
    () =>
      (window as unknown as { __weftBench: { marks: Record<string, number> } }).__weftBench.marks.lastLine !==
      undefined,
    null,
    { timeout: o.timeoutMs, polling: 100 },
  )
  await typing
  const marks = await pageMarks(page)
  const clock = await page.evaluate(
    () =>
      (
        window as unknown as {
          __weftRun: { submitAt: number; firstOutputAt: number | null; firstOutput: string | null }
        }
      ).__weftRun,
  )
  const t0 = clock.submitAt
  // A flood's first line may have scrolled away by the first render: only the hi runs can check it.
  if (o.firstLine === o.lastLine && clock.firstOutput !== o.firstLine)
    throw new Error(`The console's first output row read "${clock.firstOutput}", expected "${o.firstLine}".`)
  if (clock.firstOutputAt === null) throw new Error('No output row was seen in the console.')
  const end = Math.max(marks.exited, marks.lastLine)
  const keyRecording = recorder ? await stopRecorder(page, recorder) : null
  return {
    runningMs: round((marks.running ?? marks.exited) - t0, 1),
    firstOutputMs: round(clock.firstOutputAt - t0, 1),
    exitedMs: round(marks.exited - t0, 1),
    lastLineMs: round(marks.lastLine - t0, 1),
    status: text,
    recording: between(await pageRecording(page), t0, end),
    keystrokes: keyRecording ? summariseKeystrokes(keyRecording) : undefined,
  }
}

async function latency(
  page: Page,
  label: string,
  backend: Backend,
  command: string,
  runs: number,
  timeoutMs: number,
): Promise<LatencySeries> {
  const all: number[] = []
  const running: number[] = []
  for (let i = 0; i < runs; i++) {
    const dialog = await openRun(page, backend, command)
    const t = await timedRun(page, dialog, { firstLine: 'hi', lastLine: 'hi', timeoutMs })
    log(
      `${label} run ${i + 1}: "Running" ${formatMs(t.runningMs)}, first output ${formatMs(t.firstOutputMs)}, status "Exited" ${formatMs(t.exitedMs)} (${t.status})`,
    )
    all.push(t.firstOutputMs)
    running.push(t.runningMs)
  }
  const warm = all.slice(1)
  const sorted = [...warm].sort((a, b) => a - b)
  return {
    label,
    backend,
    command,
    firstMs: all[0],
    runningMs: running,
    warm: {
      runs: warm.length,
      p50Ms: percentile(sorted, 0.5),
      p95Ms: percentile(sorted, 0.95),
      maxMs: sorted.at(-1) ?? 0,
      allMs: warm,
    },
  }
}

async function throughput(
  page: Page,
  label: string,
  backend: Backend,
  command: string,
  bytes: number,
  lines: { first: string; last: string },
  typeWhileRunning = false,
): Promise<Throughput> {
  const dialog = await openRun(page, backend, command)
  const t = await timedRun(page, dialog, {
    firstLine: lines.first,
    lastLine: lines.last,
    timeoutMs: 300_000,
    typeWhileRunning,
  })
  const result: Throughput = {
    label,
    backend,
    command,
    bytes,
    exitedMs: t.exitedMs,
    lastLineMs: t.lastLineMs,
    firstOutputMs: t.firstOutputMs,
    mibPerSecond: round(bytes / 1024 / 1024 / (t.lastLineMs / 1000), 2),
    streamingMibPerSecond: round(bytes / 1024 / 1024 / ((t.lastLineMs - t.firstOutputMs) / 1000), 2),
    longTasks: summariseLongTasks(t.recording.longTasks),
    keystrokes: t.keystrokes,
    status: t.status,
    recording: t.recording,
  }
  log(
    `${label}: last line ${formatMs(t.lastLineMs)}, ${result.mibPerSecond} MiB/s, long tasks ${result.longTasks.count} (max ${formatMs(result.longTasks.maxMs)})`,
  )
  return result
}

/** Bytes `seq 1 n` prints. */
function seqBytes(n: number): number {
  let bytes = 0
  for (let digits = 1, low = 1; low <= n; digits++, low *= 10)
    bytes += (Math.min(n, low * 10 - 1) - low + 1) * (digits + 1)
  return bytes
}

async function run(
  o: { runs: number; pythonRuns: number },
  work: string,
  results: Results,
  cleanup: (() => Promise<void>)[],
): Promise<void> {
  log('building the app')
  buildApp(ROOT, join(work, 'app'))
  // The local runner has its own token, so the relay needs no sync token here.
  const onLine = (line: string) => {
    if (!/^run \S+ (started|ended)/.test(line)) process.stderr.write(`  relay: ${line}\n`)
  }
  const relay = await startRelay(ROOT, join(work, 'app'), join(work, 'relay-data'), {
    args: ['--runs'],
    onLine,
  })
  cleanup.push(() => relay.stop())
  runnerToken = readFileSync(join(work, 'relay-data', 'runs-token'), 'utf8').trim()
  const context = await launch(join(work, 'profile'), relay.url)
  cleanup.unshift(() => context.close())
  results.environment.chromium = context.browser()?.version() ?? 'unknown'
  const page = context.pages()[0] ?? (await context.newPage())

  await createRepository(page, 'console')
  for (const [path, text] of Object.entries(FILES)) await writeFile(page, path, text)

  log('latency: browser backend (node hi.js)')
  results.latency.push(
    await latency(page, 'Browser · node hi.js', 'browser', 'node hi.js', o.runs + 1, 120_000),
  )
  log('latency: local runner (echo hi)')
  results.latency.push(await latency(page, 'Local runner · echo hi', 'local', 'echo hi', o.runs + 1, 60_000))
  log('latency: Python in the browser (python hi.py)')
  results.latency.push(
    await latency(page, 'Browser (Pyodide) · python hi.py', 'browser', 'python hi.py', o.pythonRuns, 240_000),
  )

  // `yes` prints only "y": an end marker tells its last line apart from the others (4 more bytes).
  const yes = 'yes | head -n 1000000; echo END'
  results.throughput.push(
    await throughput(page, 'Local · yes | head -n 1000000', 'local', yes, 2 * 1_000_000 + 4, {
      first: 'y',
      last: 'END',
    }),
  )
  results.throughput.push(
    await throughput(
      page,
      'Local · seq 1 3000000 (+ typing)',
      'local',
      'seq 1 3000000',
      seqBytes(3_000_000),
      { first: '1', last: '3000000' },
      true,
    ),
  )
  for (const n of JS_LINES) {
    // 0 … n-1, one per line: seq's bytes for 1 … n-1, plus "0\n".
    results.throughput.push(
      await throughput(
        page,
        `Browser · node ${manyFile(n)} (${n.toLocaleString('en')} lines)`,
        'browser',
        `node ${manyFile(n)}`,
        seqBytes(n - 1) + 2,
        { first: '0', last: String(n - 1) },
      ),
    )
  }
}

const row = (label: string, value: string) => `  ${label.padEnd(44)} ${value}`
const tasks = (t: LongTaskSummary) =>
  t.count === 0 ? 'none' : `${t.count} · max ${formatMs(t.maxMs)} · total ${formatMs(t.totalMs)}`

function table(r: Results, why: Record<string, Cause[]>): string {
  const e = r.environment
  const lines = [
    `Weft run console benchmark · Chromium ${e.chromium} · ${e.cpus} CPUs · load average (1/5/15 min) ${e.loadAverage.start.join('/')} at start → ${e.loadAverage.end.join('/')} at end`,
    '',
    'Run → first output row in the console (submit → the row is in the DOM)',
    `  ${'backend · command'.padEnd(44)} ${'first run'.padStart(10)} ${'then p50'.padStart(10)} ${'p95'.padStart(10)} ${'max'.padStart(10)}`,
  ]
  for (const l of r.latency) {
    const f = (ms: number) => formatMs(ms).padStart(10)
    lines.push(
      `  ${l.label.padEnd(44)} ${f(l.firstMs)} ${f(l.warm.p50Ms)} ${f(l.warm.p95Ms)} ${f(l.warm.maxMs)}   (${l.warm.runs} more runs)`,
    )
    const sorted = [...l.runningMs].sort((a, b) => a - b)
    lines.push(
      `    of which submit → "Running on …": first ${formatMs(l.runningMs[0])}, median ${formatMs(percentile(sorted, 0.5))}`,
    )
  }
  for (const t of r.throughput) {
    lines.push('', `${t.label} — ${formatBytes(t.bytes)} of output`)
    lines.push(row('Run → status "Exited with code 0"', `${formatMs(t.exitedMs)}   (app says "${t.status}")`))
    lines.push(
      row(
        'Run → first output row / → last line rendered',
        `${formatMs(t.firstOutputMs)} / ${formatMs(t.lastLineMs)}`,
      ),
    )
    lines.push(
      row(
        'throughput: Run → last line / first → last',
        `${t.mibPerSecond} MiB/s / ${t.streamingMibPerSecond} MiB/s`,
      ),
    )
    lines.push(row('main-thread long tasks (goal: none over 100 ms)', tasks(t.longTasks)))
    if (t.longTasks.count)
      lines.push(row('  longest', t.longTasks.durationsMs.slice(0, 8).map(formatMs).join(', ')))
    for (const c of (why[t.label] ?? []).slice(0, 5))
      lines.push(`      ${c.count}× · max ${formatMs(c.maxMs)} · total ${formatMs(c.totalMs)}  ${c.cause}`)
    if (t.keystrokes) {
      const k = t.keystrokes
      lines.push(
        row(
          `${k.keystrokes} keystrokes in Command → next frame`,
          `p50 ${formatMs(k.toNextFrame.p50Ms)} · p95 ${formatMs(k.toNextFrame.p95Ms)} · max ${formatMs(k.toNextFrame.maxMs)} · ${k.toNextFrame.over50} over 50 ms`,
        ),
      )
      lines.push(
        row(
          '  Event Timing (input → presented)',
          `p50 ${formatMs(k.eventTiming.p50Ms)} · p95 ${formatMs(k.eventTiming.p95Ms)} · max ${formatMs(k.eventTiming.maxMs)} · worst input delay ${formatMs(k.eventTiming.maxInputDelayMs)}`,
        ),
      )
    }
  }
  lines.push('', 'Not measured:', ...r.notMeasured.map((n) => `  - ${n}`))
  if (r.runMs) lines.push('', `Run time ${formatMs(r.runMs)}`)
  if (r.error) lines.push('', `FAILED: ${r.error}`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '10' }, 'python-runs': { type: 'string', default: '3' } },
  })
  const runs = Number(values.runs)
  const pythonRuns = Number(values['python-runs'])
  if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(pythonRuns) || pythonRuns < 1)
    throw new Error('--runs and --python-runs take positive whole numbers.')
  const work = mkdtempSync(join(tmpdir(), 'weft-console-bench-'))
  const load = () => loadavg().map((n) => round(n, 1))
  const results: Results = {
    environment: { chromium: 'unknown', cpus: cpus().length, loadAverage: { start: load(), end: [] } },
    latency: [],
    throughput: [],
    notMeasured: [
      'WebContainer backend: its runtime cannot boot offline here.',
      'Relay CPU and RSS per idle and busy run: bench/run.bench.ts measures them (Node client, no browser).',
    ],
  }
  const cleanup: (() => Promise<void>)[] = []
  const started = performance.now()
  let failure: unknown = null
  // Ctrl-C still closes the browser and stops the relay.
  const onSignal = () => {
    failure = new Error('interrupted')
    for (const step of cleanup) void step().catch(() => {})
  }
  process.once('SIGINT', onSignal)
  try {
    await run({ runs, pythonRuns }, work, results, cleanup)
  } catch (error) {
    failure = error
    results.error = (error as Error).message?.split('\n')[0] ?? String(error)
  }
  results.runMs = round(performance.now() - started)
  results.environment.loadAverage.end = load()
  // Attribution reads the build's source maps, so it runs before the work folder goes.
  const locator = new SourceLocator(join(work, 'app'), ROOT)
  const why = Object.fromEntries(results.throughput.map((t) => [t.label, causes(t.recording, locator)]))
  for (const step of cleanup) await step().catch((e: Error) => log(`cleanup: ${e.message}`))
  rmSync(work, { recursive: true, force: true })

  console.log(table(results, why))
  console.log(
    JSON.stringify({ bench: 'run-console', ...results, causes: why }, (key, value) =>
      key === 'recording' ? undefined : value,
    ),
  )
  if (failure) {
    console.error(failure)
    process.exitCode = 1
  }
}

await main()
