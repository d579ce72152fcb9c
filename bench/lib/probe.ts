import type { Page } from '@playwright/test'

/** A main-thread task over 50 ms (Long Tasks API), in the page's clock. */
export interface LongTask {
  start: number
  duration: number
}

/** A script that ran in a long animation frame: where a long task's time went. */
export interface FrameScript {
  invoker: string
  invokerType: string
  sourceURL: string
  sourceFunctionName: string
  sourceCharPosition: number
  duration: number
  forcedStyleAndLayoutDuration: number
}

/** A frame over 50 ms (Long Animation Frames API), with its scripts and its rendering time. */
export interface LongFrame {
  start: number
  duration: number
  blockingDuration: number
  /** Style, layout and paint: from the frame's render start to its end. */
  renderDuration: number
  scripts: FrameScript[]
}

/** An input event over 16 ms (Event Timing API): from the OS timestamp until the next paint. */
export interface SlowEvent {
  name: string
  start: number
  duration: number
  /** Queueing before the handlers ran. */
  inputDelay: number
  processing: number
  interactionId: number
}

/** A key press, from its OS timestamp until the main thread has rendered the next frame after it. */
export interface KeyFrame {
  start: number
  duration: number
}

export interface Recording {
  longTasks: LongTask[]
  frames: LongFrame[]
  events: SlowEvent[]
  keys: KeyFrame[]
}

/**
 * The in-page side, as plain JavaScript: tsx would add helpers to a serialised TypeScript function
 * that do not exist in the page. It defines `window.__weftBench` once per document.
 */
const PAGE_SOURCE = `(watches) => {
  if (window.__weftBench) return
  const recorders = new Map()
  let nextRecorder = 1
  const observe = (type, buffered, onEntry, extra = {}) => {
    const observer = new PerformanceObserver((list) => list.getEntries().forEach(onEntry))
    try { observer.observe({ type, buffered, ...extra }) } catch { /* an entry type this browser lacks */ }
    return { observer, onEntry }
  }
  const script = (s) => ({
    invoker: s.invoker, invokerType: s.invokerType, sourceURL: s.sourceURL, sourceFunctionName: s.sourceFunctionName,
    sourceCharPosition: s.sourceCharPosition, duration: s.duration, forcedStyleAndLayoutDuration: s.forcedStyleAndLayoutDuration,
  })
  // After the next frame's rendering: a message posted from requestAnimationFrame runs once the
  // frame's style, layout and paint are done. Measures the main thread only, not presentation.
  const afterNextFrame = (callback) => requestAnimationFrame(() => {
    const channel = new MessageChannel()
    channel.port1.onmessage = callback
    channel.port2.postMessage(null)
  })
  const start = (buffered) => {
    const data = { longTasks: [], frames: [], events: [], keys: [] }
    const onKey = (e) => afterNextFrame(() => data.keys.push({ start: e.timeStamp, duration: performance.now() - e.timeStamp }))
    // Only explicit recorders time keys: the whole-page one would add a second listener while typing.
    if (!buffered) addEventListener('keydown', onKey, true)
    const observers = [
      observe('longtask', buffered, (e) => data.longTasks.push({ start: e.startTime, duration: e.duration })),
      observe('long-animation-frame', buffered, (e) => data.frames.push({
        start: e.startTime, duration: e.duration, blockingDuration: e.blockingDuration,
        renderDuration: e.renderStart ? e.startTime + e.duration - e.renderStart : 0, scripts: e.scripts.map(script),
      })),
      observe('event', buffered, (e) => data.events.push({
        name: e.name, start: e.startTime, duration: e.duration, inputDelay: e.processingStart - e.startTime,
        processing: e.processingEnd - e.processingStart, interactionId: e.interactionId,
      }), { durationThreshold: 16 }),
    ]
    const id = nextRecorder++
    recorders.set(id, { data, observers, onKey })
    return id
  }
  const read = (id, stop) => {
    const recorder = recorders.get(id)
    for (const { observer, onEntry } of recorder.observers) {
      observer.takeRecords().forEach(onEntry)
      if (stop) observer.disconnect()
    }
    if (stop) {
      removeEventListener('keydown', recorder.onKey, true)
      recorders.delete(id)
    }
    return recorder.data
  }

  // First time an element matching a selector (and text prefix) is in the DOM, in the page clock.
  const marks = {}
  const pending = []
  let mutations = null
  const check = () => {
    for (const w of [...pending]) {
      const hit = Array.from(document.querySelectorAll(w.selector)).some((el) => (el.textContent || '').trim().startsWith(w.prefix))
      if (!hit) continue
      marks[w.name] = performance.now()
      pending.splice(pending.indexOf(w), 1)
    }
    if (pending.length === 0 && mutations) { mutations.disconnect(); mutations = null }
  }
  const watch = (name, selector, prefix = '') => {
    delete marks[name]
    pending.push({ name, selector, prefix })
    if (!mutations) {
      mutations = new MutationObserver(check)
      mutations.observe(document, { childList: true, subtree: true, characterData: true })
    }
    check()
  }

  Object.defineProperty(window, '__weftBench', { value: { start, read, watch, marks, page: start(true) } })
  for (const w of watches) watch(w.name, w.selector, w.prefix)
}`

export interface Watch {
  name: string
  selector: string
  prefix: string
}

/** Runs in every document before its own scripts: a recorder from the start, and `watches` as marks. */
export const initScript = (watches: Watch[]) => ({ content: `(${PAGE_SOURCE})(${JSON.stringify(watches)})` })

/** Calls the in-page side by expression: its functions exist only in the page, not here. */
const call = <T>(page: Page, expression: string): Promise<T> =>
  page.evaluate<T>(`window.__weftBench.${expression}`)

/** The page's clock (ms since its navigation started). */
export const pageNow = (page: Page): Promise<number> => page.evaluate(() => performance.now())

/** Everything the page recorder has seen since the document started. */
export const pageRecording = (page: Page): Promise<Recording> =>
  call(page, 'read(window.__weftBench.page, false)')

/** A fresh recorder that sees only what happens from now on (unbuffered observers). */
export const startRecorder = (page: Page): Promise<number> => call(page, 'start(false)')

export const stopRecorder = (page: Page, id: number): Promise<Recording> => call(page, `read(${id}, true)`)

/** Records the page time at which an element matching `selector` whose text starts with `prefix` appears. */
export const watchFor = (page: Page, name: string, selector: string, prefix = ''): Promise<void> =>
  call(page, `watch(${[name, selector, prefix].map((a) => JSON.stringify(a)).join(', ')})`)

export const pageMarks = (page: Page): Promise<Record<string, number>> => call(page, 'marks')

/** Only what started within [from, to] of the page clock. */
export function between(recording: Recording, from: number, to: number): Recording {
  const inside = (e: { start: number }) => e.start >= from && e.start <= to
  return {
    longTasks: recording.longTasks.filter(inside),
    frames: recording.frames.filter(inside),
    events: recording.events.filter(inside),
    keys: recording.keys.filter(inside),
  }
}
