import type { Page } from '@playwright/test'
import { percentile, round } from './stats.ts'

/**
 * Keystroke-to-remote-screen timing, measured inside the pages: the typing page logs each keydown,
 * the watching page logs when each new character first shows in its editor's DOM. Both use the
 * wall clock (`performance.timeOrigin + …`), comparable across pages on one machine (checked by
 * `clockOffset`). The in-page sides are plain JavaScript: tsx would add helpers to a serialised
 * TypeScript function that do not exist in the page.
 */

/** Logs every printable keydown with its event time (when the browser took the input). */
const KEY_LOG = `(() => {
  if (window.__latencyKeys) return
  const keys = []
  addEventListener('keydown', (e) => {
    if (e.key.length === 1) keys.push({ key: e.key, at: performance.timeOrigin + e.timeStamp })
  }, true)
  window.__latencyKeys = keys
})()`

/**
 * Watches one editor: each time its text grows past what it has logged, logs the new characters
 * with the time of the mutation (DOM) and of the next rendered frame. Only appends are expected.
 */
const ARRIVAL_LOG = `(([label, base]) => {
  window.__latencyObserver?.disconnect()
  const content = document.querySelector('.cm-content[aria-label="' + label + '"]')
  if (!content) throw new Error('no editor ' + label)
  const arrivals = []
  const painted = (from, to) => requestAnimationFrame(() => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      const at = performance.timeOrigin + performance.now()
      for (let i = from; i < to; i++) arrivals[i].painted = at
    }
    channel.port2.postMessage(null)
  })
  const check = () => {
    const text = content.textContent || ''
    const from = arrivals.length
    const at = performance.timeOrigin + performance.now()
    for (let i = from; i < text.length - base; i++) arrivals.push({ char: text[base + i], at, painted: 0 })
    if (arrivals.length === from) return
    painted(from, arrivals.length)
    // Tell the benchmark outside the mutation callback, so the call does not delay what is timed.
    setTimeout(() => window.__latencyArrived?.(arrivals.length))
  }
  const observer = new MutationObserver(check)
  observer.observe(content, { childList: true, subtree: true, characterData: true })
  window.__latencyObserver = observer
  window.__latencyArrivals = arrivals
})`

/**
 * For every document, before the app's scripts: logs when the page posts an automerge-repo sync
 * message to its repository worker and when it receives one, so a keystroke's time splits into
 * the typing page's part, the trip through worker(s) and relay, and the watching page's part.
 */
export const PORT_LOG = `(() => {
  const log = { sent: [], received: [] }
  window.__latencyPort = log
  const isSync = (m) => m && typeof m === 'object' && m.type === 'sync' && 'documentId' in m
  const post = MessagePort.prototype.postMessage
  MessagePort.prototype.postMessage = function (message, ...rest) {
    if (isSync(message)) log.sent.push(performance.timeOrigin + performance.now())
    return post.call(this, message, ...rest)
  }
  const listen = MessagePort.prototype.addEventListener
  MessagePort.prototype.addEventListener = function (type, listener, ...rest) {
    if (type !== 'message' || typeof listener !== 'function') return listen.call(this, type, listener, ...rest)
    const wrapped = function (event) {
      if (isSync(event.data)) log.received.push(performance.timeOrigin + performance.now())
      return listener.call(this, event)
    }
    return listen.call(this, type, wrapped, ...rest)
  }
})()`

interface Arrival {
  char: string
  at: number
  painted: number
}

/** Page clock minus this process's clock (wall, ms), from the quickest of a few round trips. */
export async function clockOffset(page: Page): Promise<{ offsetMs: number; roundTripMs: number }> {
  let best = { offsetMs: 0, roundTripMs: Infinity }
  for (let i = 0; i < 7; i++) {
    const before = performance.timeOrigin + performance.now()
    const inPage = (await page.evaluate('performance.timeOrigin + performance.now()')) as number
    const after = performance.timeOrigin + performance.now()
    if (after - before < best.roundTripMs)
      best = { offsetMs: inPage - (before + after) / 2, roundTripMs: after - before }
  }
  return { offsetMs: round(best.offsetMs, 2), roundTripMs: round(best.roundTripMs, 2) }
}

export interface Pacing {
  /** Least time from one keystroke to the next. */
  intervalMs: number
  /** Whether each keystroke waits for the previous one to arrive (no queueing), or not. */
  waitForArrival: boolean
}

export interface LatencyRow {
  name: string
  pacing: Pacing
  typed: number
  arrived: number
  /** Arrived characters that differ from what was typed (should be 0). */
  mismatched: number
  p50Ms: number
  p95Ms: number
  maxMs: number
  minMs: number
  under150: number
  /** Keydown → the watching page rendered the next frame after the mutation. */
  paintedP50Ms: number
  paintedP95Ms: number
  durationMs: number
  /** Where the time went, per keystroke (median), from the pages' sync-message logs; null without them. */
  split: { typingPageMs: number; betweenMs: number; watchingPageMs: number; keystrokes: number } | null
  latenciesMs: number[]
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Arrival counts from the watching page, pushed through an exposed function (no polling). */
class ArrivalFeed {
  count = 0
  #waiters: { target: number; resolve: () => void }[] = []
  static async on(page: Page): Promise<ArrivalFeed> {
    const feed = new ArrivalFeed()
    await page.exposeFunction('__latencyArrived', (count: number) => feed.#update(count))
    return feed
  }
  #update(count: number): void {
    this.count = Math.max(this.count, count)
    this.#waiters = this.#waiters.filter((w) => (w.target <= this.count ? (w.resolve(), false) : true))
  }
  reached(target: number, timeoutMs: number): Promise<void> {
    if (this.count >= target) return Promise.resolve()
    return Promise.race([
      new Promise<void>((resolve) => this.#waiters.push({ target, resolve })),
      sleep(timeoutMs).then(() => {}),
    ])
  }
  reset(): void {
    this.count = 0
    this.#waiters = []
  }
}

const feeds = new WeakMap<Page, ArrivalFeed>()

/** Installs the in-page logs; call once per page, after its editor is shown. */
export async function prepare(typist: Page, watcher: Page): Promise<void> {
  await typist.evaluate(KEY_LOG)
  if (!feeds.has(watcher)) feeds.set(watcher, await ArrivalFeed.on(watcher))
}

const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789'

/**
 * Types `count` characters at the end of `typist`'s focused editor and times each until it shows
 * in `watcher`'s editor labelled `label`.
 */
export async function measureTyping(
  name: string,
  typist: Page,
  watcher: Page,
  label: string,
  count: number,
  pacing: Pacing,
): Promise<LatencyRow> {
  const feed = feeds.get(watcher)!
  const base = ((await watcher.locator(`.cm-content[aria-label="${label}"]`).textContent()) ?? '').length
  feed.reset()
  await watcher.evaluate(`(${ARRIVAL_LOG})(${JSON.stringify([label, base])})`)
  await typist.evaluate('window.__latencyKeys.length = 0')
  const logStart = performance.timeOrigin + performance.now()
  const typed = Array.from({ length: count }, (_, i) => CHARS[i % CHARS.length])
  const started = performance.now()
  for (let i = 0; i < count; i++) {
    const sent = performance.now()
    await typist.keyboard.type(typed[i])
    if (pacing.waitForArrival) await feed.reached(i + 1, 5_000)
    const rest = pacing.intervalMs - (performance.now() - sent)
    if (rest > 0) await sleep(rest)
  }
  await feed.reached(count, 5_000)
  const durationMs = performance.now() - started
  await watcher.evaluate('window.__latencyObserver.disconnect()')

  const keys = (await typist.evaluate('window.__latencyKeys')) as { key: string; at: number }[]
  const arrivals = (await watcher.evaluate('window.__latencyArrivals')) as Arrival[]
  if (keys.length !== count)
    throw new Error(`${name}: the typing page logged ${keys.length} keydowns for ${count} keystrokes`)
  const pairs = arrivals.slice(0, count).map((a, i) => ({ a, k: keys[i] }))
  const latencies = pairs.map(({ a, k }) => a.at - k.at)
  const paints = pairs.filter(({ a }) => a.painted > 0).map(({ a, k }) => a.painted - k.at)
  const sorted = [...latencies].sort((x, y) => x - y)
  const split = await splitTimes(
    typist,
    watcher,
    logStart,
    keys.map((k, i) => [k.at, arrivals[i]?.at ?? NaN]),
  )
  const paintedSorted = paints.sort((x, y) => x - y)
  return {
    name,
    pacing,
    typed: count,
    arrived: Math.min(arrivals.length, count),
    mismatched: pairs.filter(({ a, k }) => a.char !== k.key).length,
    p50Ms: round(percentile(sorted, 0.5), 1),
    p95Ms: round(percentile(sorted, 0.95), 1),
    maxMs: round(sorted.at(-1) ?? 0, 1),
    minMs: round(sorted[0] ?? 0, 1),
    under150: sorted.filter((v) => v < 150).length,
    paintedP50Ms: round(percentile(paintedSorted, 0.5), 1),
    paintedP95Ms: round(percentile(paintedSorted, 0.95), 1),
    durationMs: round(durationMs),
    split,
    latenciesMs: latencies.map((v) => round(v, 1)),
  }
}

type PortLog = { sent: number[]; received: number[] }

/**
 * For each keystroke (keydown at k, shown at a): the typing page's first sync message out after k,
 * and the watching page's last sync message in before a. Only keystrokes with both are counted;
 * with fast typing one message can carry several keystrokes, so read it for paced rows.
 */
async function splitTimes(
  typist: Page,
  watcher: Page,
  since: number,
  pairs: [number, number][],
): Promise<LatencyRow['split']> {
  const read = (page: Page) => page.evaluate('window.__latencyPort ?? null') as Promise<PortLog | null>
  const [out, into] = [await read(typist), await read(watcher)]
  if (!out || !into) return null
  const sent = out.sent.filter((t) => t >= since)
  const received = into.received.filter((t) => t >= since)
  const parts: [number, number, number][] = []
  for (const [k, a] of pairs) {
    const s = sent.find((t) => t >= k && t <= a)
    const r = received.filter((t) => s !== undefined && t >= s && t <= a).at(-1)
    if (s !== undefined && r !== undefined) parts.push([s - k, r - s, a - r])
  }
  const median = (i: number) =>
    round(
      percentile(
        parts.map((p) => p[i]).sort((x, y) => x - y),
        0.5,
      ),
      1,
    )
  return {
    typingPageMs: median(0),
    betweenMs: median(1),
    watchingPageMs: median(2),
    keystrokes: parts.length,
  }
}
