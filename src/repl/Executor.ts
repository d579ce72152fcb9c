import { formatArgs } from '../model/inspect.ts'
import { describeError, inspectResult, REPL_INSPECT } from './inspect.ts'
import { LIMITS, type Outcome, type RealmEvent } from './types.ts'

/**
 * Where a realm's code actually runs. A page, a worker and Node each build one; the realm runtime
 * only sees this interface, so it can live on the other side of a comlink port (see
 * `RealmRuntime.ts`). Outcomes are rendered where the code ran: values do not cross realms.
 */
export interface Executor {
  /** Languages `run` accepts, e.g. `['javascript']`. */
  readonly languages: readonly string[]
  run(code: string, language: string): Promise<Outcome>
  /** Starts reporting background events (console, uncaught errors, rejections); returns the stop. */
  listen(emit: (event: RealmEvent) => void): () => void
}

/** Starts capturing one source of background events; returns the function that stops it. */
export type Capture = (emit: (event: RealmEvent) => void) => () => void

const CONSOLE_LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const
type ConsoleLike = Record<(typeof CONSOLE_LEVELS)[number], (...args: unknown[]) => void>

/** Reports calls to `console.log/info/warn/error/debug`; the original methods still run. */
export const captureConsole =
  (target: ConsoleLike): Capture =>
  (emit) => {
    const originals = CONSOLE_LEVELS.map((level) => [level, target[level]] as const)
    for (const [level, original] of originals) {
      target[level] = (...args: unknown[]) => {
        emit({
          kind: level,
          text: formatArgs(args, { ...REPL_INSPECT, maxStringLength: LIMITS.eventChars }),
          time: Date.now(),
        })
        original.apply(target, args)
      }
    }
    return () => {
      for (const [level, original] of originals) target[level] = original
    }
  }

/** The events a page (`window`) or a worker (`self`) fires for errors nobody caught. */
interface ErrorTarget {
  addEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void
  removeEventListener(type: 'error' | 'unhandledrejection', listener: (event: Event) => void): void
}

/** Reports `error` (uncaught exceptions) and `unhandledrejection` events of a window or worker global. */
export const captureGlobalErrors =
  (target: ErrorTarget): Capture =>
  (emit) => {
    const onError = (event: Event) => {
      const e = event as Event & { error?: unknown; message?: string }
      const described =
        e.error !== undefined
          ? describeError(e.error)
          : { name: 'Error', message: e.message ?? 'unknown error' }
      emit({
        kind: 'uncaught',
        text: `${described.name}: ${described.message}`,
        ...stackOf(described),
        time: Date.now(),
      })
    }
    const onRejection = (event: Event) => {
      const described = describeError((event as Event & { reason?: unknown }).reason)
      emit({
        kind: 'unhandled-rejection',
        text: `${described.name}: ${described.message}`,
        ...stackOf(described),
        time: Date.now(),
      })
    }
    target.addEventListener('error', onError)
    target.addEventListener('unhandledrejection', onRejection)
    return () => {
      target.removeEventListener('error', onError)
      target.removeEventListener('unhandledrejection', onRejection)
    }
  }

const stackOf = (d: { stack?: string }) => (d.stack === undefined ? {} : { stack: d.stack })

/**
 * An executor for JavaScript evaluated in the current global scope. In a page or worker:
 * `scriptExecutor((code) => (0, eval)(code), [captureConsole(console), captureGlobalErrors(self)])`.
 * A returned promise (or thenable) is awaited; top-level `await` works (see `evaluateWithAwait`).
 */
export function scriptExecutor(evaluate: (code: string) => unknown, captures: Capture[]): Executor {
  return {
    languages: ['javascript', 'js'],
    async run(code) {
      try {
        let value = evaluateWithAwait(evaluate, code)
        if (isThenable(value)) value = await value
        return { ok: true, ...inspectResult(value, LIMITS.resultChars) }
      } catch (thrown) {
        return { ok: false, error: describeError(thrown) }
      }
    },
    listen(emit) {
      const stops = captures.map((capture) => capture(emit))
      return () => {
        for (const stop of stops) stop()
      }
    },
  }
}

/**
 * Script evaluation refuses a top-level `await`; such code is run again inside an async function:
 * as an expression (its value is the result), else as statements (the result is what they `return`).
 */
export function evaluateWithAwait(evaluate: (code: string) => unknown, code: string): unknown {
  try {
    return evaluate(code)
  } catch (error) {
    if (!(error instanceof SyntaxError) || !/\bawait\b/.test(error.message)) throw error
  }
  try {
    return evaluate(`(async () => (\n${code}\n))()`)
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error
    return evaluate(`(async () => {\n${code}\n})()`)
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (
      (typeof value === 'object' || typeof value === 'function') &&
      value !== null &&
      typeof (value as { then?: unknown }).then === 'function'
    )
  } catch {
    return false
  }
}
