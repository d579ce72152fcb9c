import type { Executor } from './Executor.ts'
import { REALM_EVENT_KINDS, type Outcome, type RealmEvent } from './types.ts'

/**
 * An executor across a port: the realm's side (a sandboxed frame, a worker, a run) serves it, and
 * the realm's runtime (in the repository worker, beside the session document) drives it.
 *
 * The realm's side runs code from requesters, so what comes back from it is hostile: a small
 * message protocol, every message checked here, rather than an RPC library that would let the
 * other side walk and set properties of objects in the repository worker.
 */

/** The port a realm is served on: a `MessagePort` in browsers and Node alike. */
export interface RealmPort {
  postMessage(message: unknown): void
  onmessage: ((event: MessageEvent) => void) | null
}

type ToRealm =
  { type: 'run'; id: number; code: string; language: string } | { type: 'listen' } | { type: 'unlisten' }
type FromRealm =
  | { type: 'ready'; languages: string[] }
  | { type: 'result'; id: number; outcome: Outcome }
  | { type: 'event'; event: RealmEvent }

/** How long a realm has to say it is ready before the runtime gives up on it. */
const READY_MS = 15_000
const LANGUAGE = /^[a-z][a-z0-9+#.-]{0,31}$/i

/** Serves `executor` on `port`: the realm's side, where the code runs. */
export function exposeExecutor(executor: Executor, port: RealmPort): void {
  const post = (message: FromRealm) => port.postMessage(message)
  let stopListening: (() => void) | null = null
  port.onmessage = (event: MessageEvent) => {
    const message = event.data as ToRealm
    if (message?.type === 'run') {
      void executor
        .run(String(message.code), String(message.language))
        .catch((error: unknown) => ({
          ok: false as const,
          error: { name: 'RealmError', message: String(error) },
        }))
        .then((outcome) => post({ type: 'result', id: message.id, outcome }))
    } else if (message?.type === 'listen') {
      stopListening ??= executor.listen((e) => post({ type: 'event', event: e }))
    } else if (message?.type === 'unlisten') {
      stopListening?.()
      stopListening = null
    }
  }
  post({ type: 'ready', languages: [...executor.languages] })
}

const isString = (v: unknown): v is string => typeof v === 'string'
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The outcome in a realm's message, or null if it is not one. */
function outcomeOf(v: unknown): Outcome | null {
  if (!isRecord(v)) return null
  if (v.ok === true && isString(v.text))
    return v.json === undefined || isString(v.json)
      ? { ok: true, text: v.text, ...(isString(v.json) ? { json: v.json } : {}) }
      : null
  const e = v.error
  if (
    v.ok !== false ||
    !isRecord(e) ||
    !isString(e.name) ||
    !isString(e.message) ||
    !(e.stack === undefined || isString(e.stack))
  )
    return null
  return {
    ok: false,
    error: { name: e.name, message: e.message, ...(isString(e.stack) ? { stack: e.stack } : {}) },
  }
}

/** The event in a realm's message, or null if it is not one. */
function eventOf(v: unknown): RealmEvent | null {
  if (
    !isRecord(v) ||
    !(REALM_EVENT_KINDS as readonly string[]).includes(v.kind as string) ||
    !isString(v.text) ||
    !(v.stack === undefined || isString(v.stack))
  )
    return null
  const time = typeof v.time === 'number' && Number.isFinite(v.time) ? v.time : Date.now()
  return {
    kind: v.kind as RealmEvent['kind'],
    text: v.text,
    time,
    ...(isString(v.stack) ? { stack: v.stack } : {}),
  }
}

/**
 * The executor served on the other end of `port`, as `RealmRuntime` takes it; resolves once the
 * realm said which languages it runs. Malformed messages are ignored (a malformed result fails
 * its job, saying so); only copies of checked plain values leave this function.
 */
export function remoteExecutor(port: RealmPort, readyMs = READY_MS): Promise<Executor> {
  const pending = new Map<number, (outcome: Outcome) => void>()
  const listeners = new Set<(event: RealmEvent) => void>()
  let next = 0
  const send = (message: ToRealm) => port.postMessage(message)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The realm did not start within ${readyMs} ms.`)),
      readyMs,
    )
    let languages: string[] | null = null
    port.onmessage = (event: MessageEvent) => {
      const m: unknown = event.data
      if (!isRecord(m)) return
      if (
        m.type === 'ready' &&
        languages === null &&
        Array.isArray(m.languages) &&
        m.languages.length <= 8 &&
        m.languages.every((l) => isString(l) && LANGUAGE.test(l))
      ) {
        languages = [...(m.languages as string[])]
        clearTimeout(timer)
        resolve({
          languages,
          run(code, language) {
            const id = next++
            return new Promise((done) => {
              pending.set(id, done)
              send({ type: 'run', id, code, language })
            })
          },
          listen(emit) {
            listeners.add(emit)
            if (listeners.size === 1) send({ type: 'listen' })
            return () => {
              listeners.delete(emit)
              if (listeners.size === 0) send({ type: 'unlisten' })
            }
          },
        })
      } else if (m.type === 'result' && typeof m.id === 'number' && pending.has(m.id)) {
        const done = pending.get(m.id)!
        pending.delete(m.id)
        done(
          outcomeOf(m.outcome) ?? {
            ok: false,
            error: { name: 'RealmError', message: 'The realm sent a malformed result.' },
          },
        )
      } else if (m.type === 'event') {
        const e = eventOf(m.event)
        if (e) for (const emit of listeners) emit(e)
      }
    }
  })
}
