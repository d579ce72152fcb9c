import type { LongTask, Recording } from './probe.ts'

export interface LongTaskSummary {
  count: number
  maxMs: number
  totalMs: number
  /** Every long task's duration, longest first. */
  durationsMs: number[]
}

export function summariseLongTasks(tasks: LongTask[]): LongTaskSummary {
  const durations = tasks.map((t) => round(t.duration)).sort((a, b) => b - a)
  return {
    count: durations.length,
    maxMs: durations[0] ?? 0,
    totalMs: round(durations.reduce((a, b) => a + b, 0)),
    durationsMs: durations,
  }
}

export interface Distribution {
  p50Ms: number
  p95Ms: number
  maxMs: number
  /** How many are over 50 ms. */
  over50: number
}

function distribution(values: number[]): Distribution {
  const sorted = values.map((v) => round(v)).sort((a, b) => a - b)
  return {
    p50Ms: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    maxMs: sorted.at(-1) ?? 0,
    over50: sorted.filter((v) => v > 50).length,
  }
}

export interface KeystrokeSummary {
  keystrokes: number
  /** keydown → the main thread has rendered the next frame (style, layout, paint done). */
  toNextFrame: Distribution
  /**
   * Event Timing: input → the next frame presented. It reports only events of 16 ms or more, so
   * keystrokes without an entry count as 0 here (under 16 ms).
   */
  eventTiming: Distribution & { maxInputDelayMs: number; maxProcessingMs: number }
}

/** Per keystroke; for Event Timing, the longest event of its interaction (keydown, keypress, keyup share one id). */
export function summariseKeystrokes(recording: Recording): KeystrokeSummary {
  const keyEvents = recording.events.filter((e) => e.interactionId > 0 && /^key/.test(e.name))
  const byInteraction = new Map<number, number>()
  for (const e of keyEvents)
    byInteraction.set(e.interactionId, Math.max(byInteraction.get(e.interactionId) ?? 0, e.duration))
  const keystrokes = recording.keys.length
  const reported = [...byInteraction.values()]
  const unreported = new Array<number>(Math.max(0, keystrokes - reported.length)).fill(0)
  return {
    keystrokes,
    toNextFrame: distribution(recording.keys.map((k) => k.duration)),
    eventTiming: {
      ...distribution([...unreported, ...reported]),
      maxInputDelayMs: round(Math.max(0, ...keyEvents.map((e) => e.inputDelay))),
      maxProcessingMs: round(Math.max(0, ...keyEvents.map((e) => e.processing))),
    },
  }
}

/** Nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]
}

export const round = (n: number, digits = 0): number => Math.round(n * 10 ** digits) / 10 ** digits

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`
}

export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
