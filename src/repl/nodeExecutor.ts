import { Worker } from 'node:worker_threads'
import type { Executor } from './Executor.ts'
import { REPL_INSPECT } from './inspect.ts'
import { LIMITS, type Outcome, type RealmEvent } from './types.ts'

/**
 * The worker's program (CommonJS, evaluated as a string so it needs no build step). Code runs in
 * the worker's global scope, like `(0, eval)` in a page; console output (console.log returning
 * undefined, as Node's does: `postMessage` returns true), uncaught exceptions and
 * unhandled rejections are posted to the parent instead of reaching the host process. Values are
 * rendered with Node's own `util.inspect`; `json` only when JSON round-trips the value exactly.
 */
const PROGRAM = `
const { parentPort } = require('node:worker_threads')
const util = require('node:util')
const vm = require('node:vm')
const render = (v, max) => { const text = util.inspect(v, { depth: ${REPL_INSPECT.depth}, maxArrayLength: ${REPL_INSPECT.maxItems}, maxStringLength: max, breakLength: ${REPL_INSPECT.breakLength} }); return text.length > max ? text.slice(0, max) + '… (' + (text.length - max) + ' more characters)' : text }
const describe = (e) => e instanceof Error ? { name: e.name, message: e.message, ...(typeof e.stack === 'string' ? { stack: e.stack } : {}) } : { name: 'Thrown', message: render(e, ${LIMITS.eventChars}) }
const event = (kind, d) => parentPort.postMessage({ type: 'event', event: { kind, text: d.name + ': ' + d.message, ...(d.stack ? { stack: d.stack } : {}), time: Date.now() } })
for (const level of ['log', 'info', 'warn', 'error', 'debug'])
  console[level] = (...args) => { parentPort.postMessage({ type: 'event', event: { kind: level, text: util.format(...args), time: Date.now() } }) }
process.on('unhandledRejection', (reason) => event('unhandled-rejection', describe(reason)))
process.on('uncaughtException', (error) => event('uncaught', describe(error)))
// As evaluateWithAwait in Executor.ts: top-level await reruns the code inside an async function.
const run = (code) => vm.runInThisContext(code, { filename: 'repl' })
const evaluateWithAwait = (code) => {
  try { return run(code) } catch (error) { if (!(error instanceof SyntaxError) || !/\\bawait\\b/.test(error.message)) throw error }
  try { return run('(async () => (\\n' + code + '\\n))()') } catch (error) { if (!(error instanceof SyntaxError)) throw error }
  return run('(async () => {\\n' + code + '\\n})()')
}
parentPort.on('message', async ({ id, code }) => {
  let outcome
  try {
    let value = evaluateWithAwait(code)
    if (value !== null && (typeof value === 'object' || typeof value === 'function') && typeof value.then === 'function') value = await value
    outcome = { ok: true, text: render(value, ${LIMITS.resultChars}) }
    try {
      const json = JSON.stringify(value)
      if (json !== undefined && json.length <= ${LIMITS.resultChars} && util.isDeepStrictEqual(JSON.parse(json), value)) outcome.json = json
    } catch {}
  } catch (error) {
    outcome = { ok: false, error: describe(error) }
  }
  parentPort.postMessage({ type: 'result', id, outcome })
})
`

type Message = { type: 'result'; id: number; outcome: Outcome } | { type: 'event'; event: RealmEvent }

/** A Node realm's executor: JavaScript in a worker thread, restarted if the code ends the thread. */
export class NodeWorkerExecutor implements Executor {
  readonly languages = ['javascript', 'js']
  #worker!: Worker
  #next = 0
  readonly #pending = new Map<number, (outcome: Outcome) => void>()
  readonly #listeners = new Set<(event: RealmEvent) => void>()
  #terminated = false

  constructor() {
    this.#spawn()
  }

  run(code: string): Promise<Outcome> {
    const id = this.#next++
    return new Promise((resolve) => {
      this.#pending.set(id, resolve)
      this.#worker.postMessage({ id, code })
    })
  }

  listen(emit: (event: RealmEvent) => void): () => void {
    this.#listeners.add(emit)
    return () => this.#listeners.delete(emit)
  }

  async terminate(): Promise<void> {
    this.#terminated = true
    await this.#worker.terminate()
  }

  #spawn(): void {
    const worker = new Worker(PROGRAM, { eval: true, stdout: false, stderr: false })
    this.#worker = worker
    worker.on('message', (message: Message) => {
      if (message.type === 'event') for (const emit of this.#listeners) emit(message.event)
      else {
        this.#pending.get(message.id)?.(message.outcome)
        this.#pending.delete(message.id)
      }
    })
    worker.on('exit', (code) => {
      if (this.#terminated) return
      const reason = `The realm's worker thread exited (code ${code}) and was restarted; its state is lost.`
      for (const resolve of this.#pending.values())
        resolve({ ok: false, error: { name: 'WorkerExited', message: reason } })
      this.#pending.clear()
      for (const emit of this.#listeners) emit({ kind: 'uncaught', text: reason, time: Date.now() })
      this.#spawn()
    })
  }
}
