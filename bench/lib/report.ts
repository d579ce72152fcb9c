import type { GeneratedTree } from './fixtures.ts'
import type { ImportResult, OpenResult, StorageResult, TypingResult } from './measure.ts'
import type { Recording } from './probe.ts'
import type { SourceLocator } from './sources.ts'
import { formatBytes, formatMs, round, type Distribution, type LongTaskSummary } from './stats.ts'

export interface Results {
  environment: { chromium: string; cpus: number; loadAverage: [number, number] }
  tree?: Omit<GeneratedTree, 'root'>
  import?: ImportResult
  storage?: StorageResult
  reload?: OpenResult
  newPage?: OpenResult
  typing?: TypingResult
  runMs?: number
  error?: string
}

/** Where the time of a phase's long animation frames went, grouped by script entry point. */
export interface Cause {
  cause: string
  count: number
  totalMs: number
  maxMs: number
}

/** Scripts by invoker and source position; rendering, and the rest of each frame, as two more causes. */
export function causes(recording: Recording, locator: SourceLocator): Cause[] {
  const byCause = new Map<string, Cause>()
  const add = (cause: string, ms: number) => {
    const c = byCause.get(cause) ?? { cause, count: 0, totalMs: 0, maxMs: 0 }
    c.count++
    c.totalMs = round(c.totalMs + ms)
    c.maxMs = round(Math.max(c.maxMs, ms))
    byCause.set(cause, c)
  }
  for (const frame of recording.frames) {
    for (const s of frame.scripts) {
      if (s.duration < 16) continue
      const where =
        locator.locate(s.sourceURL, s.sourceCharPosition) ??
        (s.sourceURL ? new URL(s.sourceURL).pathname : 'unknown source')
      add(`${s.invoker} → ${where}`, s.duration)
    }
    if (frame.renderDuration >= 16) add('style, layout and paint', frame.renderDuration)
    const outside =
      frame.duration - frame.renderDuration - frame.scripts.reduce((sum, s) => sum + s.duration, 0)
    // Work the browser does in the task around scripts: message deserialisation, file input, GC.
    if (outside >= 16) add('outside scripts and rendering (browser work in the task)', outside)
  }
  return [...byCause.values()].sort((a, b) => b.totalMs - a.totalMs)
}

const row = (label: string, value: string) => `  ${label.padEnd(58)} ${value}`
const dist = (d: Distribution) =>
  `p50 ${formatMs(d.p50Ms)} · p95 ${formatMs(d.p95Ms)} · max ${formatMs(d.maxMs)} · ${d.over50} over 50 ms`
const tasks = (t: LongTaskSummary) =>
  t.count === 0 ? 'none' : `${t.count} · max ${formatMs(t.maxMs)} · total ${formatMs(t.totalMs)}`

/** The top causes, under a heading naming the API they come from. */
function causeLines(list: Cause[], limit = 4): string[] {
  if (list.length === 0) return []
  const lines = list
    .slice(0, limit)
    .map((c) => `      ${c.count}× · max ${formatMs(c.maxMs)} · total ${formatMs(c.totalMs)}  ${c.cause}`)
  return ['    long animation frames, by script entry point (source-mapped):', ...lines]
}

function importLines(r: ImportResult, expected: string, why: Cause[]): string[] {
  return [
    'Import folder',
    row(`setInputFiles → "${expected}"`, formatMs(r.totalMs)),
    row('  page reads the files (until "Importing…" shows)', formatMs(r.readMs)),
    row('  worker imports and flushes (until "Imported" shows)', formatMs(r.workerMs)),
    row('main-thread long tasks (goal: none over 50 ms)', tasks(r.longTasks)),
    ...causeLines(why),
    ...(r.afterLongTasks
      ? [row('  and after "Imported" showed, until storage settled', tasks(r.afterLongTasks))]
      : []),
  ]
}

function storageLines(s: StorageResult): string[] {
  const idb = s.indexedDbBytes ?? s.usageBytes
  return [
    `Storage after import (settled ${formatMs(s.settleMs)} after "Imported": estimate and relay folder then unchanged for 2 s)`,
    row('raw bytes of the imported files', formatBytes(s.rawBytes)),
    row('IndexedDB (usageDetails.indexedDB)', `${formatBytes(idb)} = ${s.ratio} × raw`),
    row('  IndexedDB folder on disk, same moment', formatBytes(s.diskBytes)),
    row(
      "Cache Storage (the service worker's app shell)",
      s.cacheBytes === null ? 'n/a' : formatBytes(s.cacheBytes),
    ),
    row('total usage', `${formatBytes(s.usageBytes)} = ${s.usageRatio} × raw`),
    row(
      'relay data folder',
      `${formatBytes(s.relayBytes)}${s.relayCaughtUp ? '' : ' (had not caught up after 30 s)'}`,
    ),
  ]
}

function openLines(opens: [string, OpenResult | undefined, Cause[]][]): string[] {
  const cells = (a: string, b: string, c: string, d: string, e: string, f: string) =>
    `  ${a.padEnd(12)}${b.padStart(9)}${c.padStart(18)}${d.padStart(17)}${e.padStart(17)}   ${f}`
  const lines = [
    'Cold open, until the first tree item is visible (goal: under 2 s); page-clock marks from navigation start',
    cells('', 'total', 'DOMContentLoaded', 'workspace shown', 'first tree item', 'main-thread long tasks'),
  ]
  for (const [label, r, why] of opens) {
    if (!r) continue
    lines.push(
      cells(
        label,
        formatMs(r.totalMs),
        formatMs(r.domContentLoadedMs),
        formatMs(r.workspaceShownMs),
        formatMs(r.firstTreeItemMs),
        tasks(r.longTasks),
      ),
    )
    lines.push(...causeLines(why, 3))
  }
  return lines
}

function typingLines(t: TypingResult, why: Cause[]): string[] {
  const k = t.keystrokeLatency
  return [
    'Typing in a 5,000-line file',
    row('open the file (click → editor shown)', formatMs(t.openMs)),
    row(`type ${t.characters} characters, ${t.keystrokes} keystrokes, 20 ms apart`, formatMs(t.typingMs)),
    row('last keystroke → "All changes saved"', formatMs(t.saveMs)),
    row('main-thread long tasks (goal: none over 50 ms)', tasks(t.longTasks)),
    ...causeLines(why, 6),
    row('keystroke → next frame rendered on the main thread', dist(k.toNextFrame)),
    row('keystroke → next frame presented (Event Timing)*', dist(k.eventTiming)),
    row(
      '  Event Timing: worst input delay / worst handler time',
      `${formatMs(k.eventTiming.maxInputDelayMs)} / ${formatMs(k.eventTiming.maxProcessingMs)}`,
    ),
    '  * Headless Chromium attributes keystrokes on the bottom line of a scrolled editor to a frame',
    '    ~0.5 s late (until the next Enter) although frames are drawn every 16–33 ms; read it with care.',
  ]
}

/** The readable table. */
export function table(r: Results, why: Record<string, Cause[]>): string {
  const e = r.environment
  const lines = [
    `Weft workspace benchmark · Chromium ${e.chromium} · ${e.cpus} CPUs · load average ${e.loadAverage.map((n) => n.toFixed(1)).join(' → ')}`,
  ]
  if (r.tree)
    lines.push(
      `Tree: ${r.tree.files} files (${r.tree.binaryFiles} binary), ${formatBytes(r.tree.bytes)} raw, ${formatBytes(r.tree.deflatedBytes)} deflated file by file`,
    )
  if (r.import && r.tree)
    lines.push('', ...importLines(r.import, `Imported ${r.tree.files} new and 0 replaced files.`, why.import))
  if (r.storage) lines.push('', ...storageLines(r.storage))
  if (r.reload || r.newPage)
    lines.push(
      '',
      ...openLines([
        ['reload', r.reload, why.reload],
        ['new page', r.newPage, why.newPage],
      ]),
    )
  if (r.typing) lines.push('', ...typingLines(r.typing, why.typing))
  if (r.runMs) lines.push('', `Run time ${formatMs(r.runMs)}`)
  if (r.error) lines.push('', `FAILED: ${r.error}`)
  return lines.join('\n')
}

/** Every figure on one line; raw recordings left out, causes kept. */
export function jsonLine(r: Results, why: Record<string, Cause[]>): string {
  return JSON.stringify({ bench: 'workspace', ...r, causes: why }, (key, value) =>
    key === 'recording' ? undefined : value,
  )
}
