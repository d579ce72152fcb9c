/**
 * Browser benchmark of the workspace at scale, in the real app (production build served by the
 * relay) in Chromium: import of a generated 5,000-file folder, storage cost, cold open, and typing
 * in a 5,000-line file, each with the main thread's long tasks and what ran in them.
 *
 *   node --import tsx bench/workspace.bench.ts [--files 5000] [--raw results.json]
 *
 * Prints a table, then one JSON line with every figure. When a step fails it still prints what it
 * measured, then the error, and exits 1. `--raw` also writes every recorded entry to a file.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { BrowserContext } from '@playwright/test'
import { launchProfile } from './lib/chromium.ts'
import { generateTree, writeLongFile } from './lib/fixtures.ts'
import {
  createRepository,
  importFolder,
  LONG_FILE,
  longTasksSince,
  PAGE_WATCHES,
  reopenInNewPage,
  settledStorage,
  timeOpen,
  typeInLongFile,
} from './lib/measure.ts'
import { initScript } from './lib/probe.ts'
import { causes, jsonLine, table, type Cause, type Results } from './lib/report.ts'
import { buildApp, startRelay } from './lib/server.ts'
import { SourceLocator } from './lib/sources.ts'
import { round } from './lib/stats.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

const log = (line: string) => process.stderr.write(`· ${line}\n`)

async function launch(profile: string, baseURL: string): Promise<BrowserContext> {
  // A persistent profile (IndexedDB on disk): otherwise the storage and cold-open figures are moot.
  const context = await launchProfile(profile, baseURL)
  await context.addInitScript(initScript(PAGE_WATCHES))
  return context
}

/** The phases in order, each filling in `results` as it completes; `cleanup` runs in order at the end. */
async function run(
  files: number,
  work: string,
  results: Results,
  cleanup: (() => Promise<void>)[],
): Promise<void> {
  log('building the app')
  buildApp(ROOT, join(work, 'app'))
  log(`writing ${files} files`)
  const { root, ...tree } = generateTree(work, 'weft-bench-tree', files)
  const longFolder = writeLongFile(join(work, 'long'), LONG_FILE.folder, LONG_FILE.name, LONG_FILE.lines)
  results.tree = tree

  const relayData = join(work, 'relay-data')
  const relay = await startRelay(ROOT, join(work, 'app'), relayData)
  cleanup.push(() => relay.stop())
  const profile = join(work, 'profile')
  const context = await launch(profile, relay.url)
  cleanup.unshift(() => context.close())
  results.environment.chromium = context.browser()?.version() ?? 'unknown'
  const first = context.pages()[0] ?? (await context.newPage())

  const repoUrl = await createRepository(first, 'bench')
  log('importing')
  const imported = await importFolder(first, root, `Imported ${files} new and 0 replaced files.`)
  results.import = imported
  log('waiting for storage and the relay upload to settle')
  results.storage = await settledStorage(first, tree.bytes, {
    indexedDb: join(profile, 'Default', 'IndexedDB'),
    relay: relayData,
  })
  imported.afterLongTasks = await longTasksSince(first, imported.endedAt)
  log('cold open: reload')
  results.reload = await timeOpen(first, () => first.reload({ waitUntil: 'commit' }))
  log('cold open: new page')
  const reopened = await reopenInNewPage(context, first, repoUrl)
  results.newPage = reopened.open
  log('typing')
  results.typing = await typeInLongFile(reopened.page, longFolder)
}

function attribute(results: Results, locator: SourceLocator): Record<string, Cause[]> {
  const phases = {
    import: results.import,
    reload: results.reload,
    newPage: results.newPage,
    typing: results.typing,
  }
  return Object.fromEntries(
    Object.entries(phases).map(([name, phase]) => [name, phase ? causes(phase.recording, locator) : []]),
  )
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { files: { type: 'string', default: '5000' }, raw: { type: 'string' } },
  })
  const files = Number(values.files)
  if (!Number.isInteger(files) || files < 1) throw new Error('--files takes a positive whole number.')
  const work = mkdtempSync(join(tmpdir(), 'weft-bench-'))
  const results: Results = {
    environment: { chromium: 'unknown', cpus: cpus().length, loadAverage: [round(loadavg()[0], 1), 0] },
  }
  const cleanup: (() => Promise<void>)[] = []
  const started = performance.now()
  let failure: unknown = null
  try {
    await run(files, work, results, cleanup)
  } catch (error) {
    failure = error
    results.error = (error as Error).message?.split('\n')[0] ?? String(error)
  }
  results.runMs = round(performance.now() - started)
  results.environment.loadAverage[1] = round(loadavg()[0], 1)
  // Attribution reads the build's source maps, so it runs before the work folder goes.
  const why = attribute(results, new SourceLocator(join(work, 'app'), ROOT))
  for (const step of cleanup) await step().catch((e: Error) => log(`cleanup: ${e.message}`))
  rmSync(work, { recursive: true, force: true })

  console.log(table(results, why))
  console.log(jsonLine(results, why))
  if (values.raw) writeFileSync(values.raw, JSON.stringify(results, null, 1))
  if (failure) {
    console.error(failure)
    process.exitCode = 1
  }
}

await main()
