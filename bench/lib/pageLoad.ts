/**
 * What the first-visit and first-open benchmarks share: a proxy counting the bytes a page downloads,
 * what the service worker keeps, and the page's main-thread tasks read from a Chromium trace.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import type { Page } from '@playwright/test'
import { round } from './stats.ts'

/** A TCP proxy in front of the relay that counts the bytes sent to the browser. */
export class CountingProxy {
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
export const cachedBytes = (page: Page) =>
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

export interface TraceEvent {
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
export function mainThreadTasks(trace: { traceEvents: TraceEvent[] }) {
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
  // A task is the outermost RunTask. A module's evaluation and the microtasks after it (an import's
  // `.then`, the component it mounts) sit in a RunTask whose ThreadControllerImpl::RunTask covers only
  // the evaluation: counting those alone missed the longest tasks of opening a repository.
  const tasks: TraceEvent[] = []
  for (const e of onMain
    .filter(
      (e) => (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && e.tdur !== undefined,
    )
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)) {
    const outer = tasks.at(-1)
    if (!outer || e.ts >= outer.ts + outer.dur!) tasks.push(e)
  }
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
