import type { BrowserContext, Page } from '@playwright/test'
import {
  between,
  pageMarks,
  pageNow,
  pageRecording,
  startRecorder,
  stopRecorder,
  watchFor,
  type Recording,
} from './probe.ts'
import {
  round,
  summariseKeystrokes,
  summariseLongTasks,
  type KeystrokeSummary,
  type LongTaskSummary,
} from './stats.ts'
import { folderBytes } from './folderBytes.ts'

/** The 5,000-line file typed into; imported as the folder `typing` holding `long.ts`. */
export const LONG_FILE = { folder: 'typing', name: 'long.ts', lines: 5000 }
const IMPORT_TIMEOUT = 240_000
const OPEN_TIMEOUT = 60_000

/** Marks every document records from its first script on (page clock), for the cold-open phases. */
export const PAGE_WATCHES = [
  { name: 'workspaceShown', selector: 'section[aria-label=Explorer] h1', prefix: '' },
  { name: 'firstTreeItem', selector: '[role=tree][aria-label=Files] [role=treeitem]', prefix: '' },
]

const filesTree = (page: Page) => page.getByRole('tree', { name: 'Files' })
const treeItem = (page: Page, name: string) => filesTree(page).getByRole('treeitem', { name, exact: true })
const importedStatus = (page: Page) => page.getByRole('status').filter({ hasText: /^Imported/ })

export async function createRepository(page: Page, name: string): Promise<string> {
  await page.goto('/')
  // Let the service worker finish precaching the app first, so it does not compete with the import.
  await page.evaluate(() =>
    Promise.race([navigator.serviceWorker?.ready, new Promise((resolve) => setTimeout(resolve, 10_000))]),
  )
  await page.getByLabel('Repository name').fill(name)
  await page.getByRole('button', { name: 'Create repository' }).click()
  await page.getByRole('heading', { name }).waitFor()
  return page.url()
}

export interface ImportResult {
  totalMs: number
  /** Until the app showed "Importing…": the page reading every file into memory. */
  readMs: number
  /** From "Importing…" to "Imported": the worker hashing, packing, storing and flushing. */
  workerMs: number
  longTasks: LongTaskSummary
  /** Page clock when "Imported" showed. */
  endedAt: number
  /** Long tasks after "Imported" showed, until storage settled (filled in by the caller). */
  afterLongTasks?: LongTaskSummary
  recording: Recording
}

/** Imports `folder` through the folder input; resolves when the app reports `expected`. */
export async function importFolder(page: Page, folder: string, expected: string): Promise<ImportResult> {
  await watchFor(page, 'importing', '[role=status]', 'Importing')
  await watchFor(page, 'imported', '[role=status]', 'Imported')
  const from = await pageNow(page)
  const started = performance.now()
  await page.getByLabel('Folder to import').setInputFiles(folder)
  // A failed import shows only the alert: no point waiting minutes for a status that will not come.
  await importedStatus(page).or(refusedAlert(page)).first().waitFor({ timeout: IMPORT_TIMEOUT })
  const totalMs = performance.now() - started
  const text = (await importedStatus(page).count())
    ? (await importedStatus(page).textContent())?.trim()
    : 'nothing'
  if (text !== expected)
    throw new Error(`Import reported "${text}", expected "${expected}". Refused: ${await refusedFiles(page)}`)
  const marks = await pageMarks(page)
  const recording = between(await pageRecording(page), from, marks.imported)
  return {
    totalMs: round(totalMs),
    readMs: round(marks.importing - from),
    workerMs: round(marks.imported - marks.importing),
    longTasks: summariseLongTasks(recording.longTasks),
    endedAt: marks.imported,
    recording,
  }
}

const refusedAlert = (page: Page) => page.getByRole('alert', { name: 'Refused files' })

async function refusedFiles(page: Page): Promise<string> {
  return (await refusedAlert(page).count())
    ? ((await refusedAlert(page).textContent()) ?? '').slice(0, 500)
    : 'none'
}

/** The page's long tasks from `since` (page clock) until now. */
export async function longTasksSince(page: Page, since: number): Promise<LongTaskSummary> {
  return summariseLongTasks(between(await pageRecording(page), since, await pageNow(page)).longTasks)
}

export interface StorageResult {
  usageBytes: number
  indexedDbBytes: number | null
  cacheBytes: number | null
  /** The profile's IndexedDB folder on disk at the same moment: a cross-check of the estimate. */
  diskBytes: number
  rawBytes: number
  /** IndexedDB bytes (or total usage where the breakdown is missing) over the raw file bytes. */
  ratio: number
  usageRatio: number
  /** The relay's data folder: what it stored of the import. */
  relayBytes: number
  /** Whether the relay came to hold at least half the browser's IndexedDB bytes in time. */
  relayCaughtUp: boolean
  /** How long after "Imported" the page's storage and the relay's folder last changed. */
  settleMs: number
}

type Estimate = { usage: number; indexedDB: number | null; caches: number | null }

/**
 * Polls the origin's storage estimate and the relay's data folder until neither has changed for
 * `quietMs` and the relay holds at least half what the browser does: the blob packs, which are
 * most of the bytes, reach it in one burst seconds after "Imported", after a quiet spell. Later
 * phases then do not share the CPU with the upload, and a reload does not cut it short.
 */
export async function settledStorage(
  page: Page,
  rawBytes: number,
  dirs: { indexedDb: string; relay: string },
  quietMs = 2000,
  limitMs = 30_000,
): Promise<StorageResult> {
  const started = performance.now()
  const sample = async () => ({ ...(await estimate(page)), relay: folderBytes(dirs.relay) })
  const caughtUp = (s: Estimate & { relay: number }) => s.relay >= 0.5 * (s.indexedDB ?? s.usage)
  let last = await sample()
  let changed = performance.now()
  const settled = () => performance.now() - changed >= quietMs && caughtUp(last)
  while (!settled() && performance.now() - started < limitMs) {
    await page.waitForTimeout(250)
    const now = await sample()
    if (now.usage !== last.usage || now.relay !== last.relay) changed = performance.now()
    last = now
  }
  return {
    usageBytes: last.usage,
    indexedDbBytes: last.indexedDB,
    cacheBytes: last.caches,
    diskBytes: folderBytes(dirs.indexedDb),
    rawBytes,
    ratio: round((last.indexedDB ?? last.usage) / rawBytes, 2),
    usageRatio: round(last.usage / rawBytes, 2),
    relayBytes: last.relay,
    relayCaughtUp: caughtUp(last),
    settleMs: round(changed - started),
  }
}

/** `usageDetails` is Chromium's per-store breakdown; IndexedDB is what the repository costs. */
const estimate = (page: Page): Promise<Estimate> =>
  page.evaluate(async () => {
    const e = (await navigator.storage.estimate()) as StorageEstimate & {
      usageDetails?: Record<string, number>
    }
    return {
      usage: e.usage ?? 0,
      indexedDB: e.usageDetails?.indexedDB ?? null,
      caches: e.usageDetails?.caches ?? null,
    }
  })

export interface OpenResult {
  /** From the navigation request until the first tree item is visible (wall clock, benchmark side). */
  totalMs: number
  /** Page clock (since navigation start) when the workspace and its first tree item appeared. */
  workspaceShownMs: number
  firstTreeItemMs: number
  domContentLoadedMs: number
  longTasks: LongTaskSummary
  recording: Recording
}

/** Times `navigate` until the tree shows its first item, with the long tasks of that new document. */
export async function timeOpen(page: Page, navigate: () => Promise<unknown>): Promise<OpenResult> {
  const started = performance.now()
  await navigate()
  await filesTree(page).getByRole('treeitem').first().waitFor({ timeout: OPEN_TIMEOUT })
  const totalMs = performance.now() - started
  const marks = await pageMarks(page)
  const recording = between(await pageRecording(page), 0, marks.firstTreeItem)
  const dcl = await page.evaluate(
    () =>
      (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
  )
  return {
    totalMs: round(totalMs),
    workspaceShownMs: round(marks.workspaceShown),
    firstTreeItemMs: round(marks.firstTreeItem),
    domContentLoadedMs: round(dcl),
    longTasks: summariseLongTasks(recording.longTasks),
    recording,
  }
}

/** Closes `page` and opens the repository in a new one (same profile); returns the new page. */
export async function reopenInNewPage(
  context: BrowserContext,
  page: Page,
  url: string,
): Promise<{ page: Page; open: OpenResult }> {
  // A blank page first keeps the persistent context from closing with its last window.
  const next = await context.newPage()
  await page.close()
  const open = await timeOpen(next, () => next.goto(url, { waitUntil: 'commit' }))
  return { page: next, open }
}

type Keys = { type: string } | { press: string; times?: number }

/** ~300 characters with newlines at the top, in the middle and at the end of the file. */
const TYPING: Keys[] = [
  { press: 'Control+Home' },
  { type: '// typed at the top of the file\nexport const top = { a: 1, b: [2, 3] }\n' },
  { press: 'PageDown', times: 60 },
  { press: 'End' },
  { type: '\n// typed in the middle\nconst middle = top.a + top.b.length\nconsole.log(middle)\n' },
  { press: 'Control+End' },
  {
    type: '\nexport function tail(value: number): number {\nconst doubled = value * 2\nreturn doubled + middle\n',
  },
  { press: 'ArrowUp', times: 2 },
  { press: 'End' },
  { type: ' // edited near the end\n// and one more line here\n' },
]

export interface TypingResult {
  openMs: number
  characters: number
  keystrokes: number
  typingMs: number
  /** From the last keystroke until the app shows "All changes saved". */
  saveMs: number
  longTasks: LongTaskSummary
  keystrokeLatency: KeystrokeSummary
  recording: Recording
}

/** Imports a 5,000-line file, opens it, and types into it with a fresh unbuffered recorder. */
export async function typeInLongFile(page: Page, folder: string): Promise<TypingResult> {
  await importFolder(page, folder, 'Imported 1 new and 0 replaced file.')
  const path = `${LONG_FILE.folder}/${LONG_FILE.name}`
  const editor = page.getByRole('textbox', { name: `Editor: ${path}` })
  await treeItem(page, LONG_FILE.folder).click()
  const opening = performance.now()
  await treeItem(page, LONG_FILE.name).click()
  await editor.waitFor()
  const openMs = performance.now() - opening
  await editor.click()

  const recorder = await startRecorder(page)
  const started = performance.now()
  let characters = 0
  let keystrokes = 0
  for (const step of TYPING) {
    if ('type' in step) {
      await page.keyboard.type(step.type, { delay: 20 })
      characters += step.type.length
      keystrokes += step.type.length
    } else {
      for (let i = 0; i < (step.times ?? 1); i++) await page.keyboard.press(step.press, { delay: 20 })
      keystrokes += step.times ?? 1
    }
  }
  const typed = performance.now()
  await page
    .getByRole('status', { name: 'Save state' })
    .filter({ hasText: 'All changes saved' })
    .waitFor({ timeout: 30_000 })
  const saveMs = performance.now() - typed
  const recording = await stopRecorder(page, recorder)
  return {
    openMs: round(openMs),
    characters,
    keystrokes,
    typingMs: round(typed - started),
    saveMs: round(saveMs),
    longTasks: summariseLongTasks(recording.longTasks),
    keystrokeLatency: summariseKeystrokes(recording),
    recording,
  }
}
