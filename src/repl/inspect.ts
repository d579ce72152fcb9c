import { render } from '../model/inspect.ts'

/**
 * How a realm's values are rendered: one inspector (`model/inspect.ts`) for page and worker realms,
 * Node's `util.inspect` with these same options in a Node realm (`nodeExecutor.ts`).
 */
export const REPL_INSPECT = { depth: 4, maxItems: 100, breakLength: 100 } as const

/** A realm's result: text cut at `maxChars`, and `json` only for plain data (what JSON.stringify renders faithfully). */
export interface Inspection {
  text: string
  json?: string
}

export function inspectResult(value: unknown, maxChars: number): Inspection {
  const { text: full, plainData } = render(value, { ...REPL_INSPECT, maxStringLength: maxChars })
  const text =
    full.length > maxChars ? `${full.slice(0, maxChars)}… (${full.length - maxChars} more characters)` : full
  if (!plainData) return { text }
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    /* a getter that throws the second time it is read */
  }
  return json !== undefined && json.length <= maxChars ? { text, json } : { text }
}

/** Why a realm failed, as `{name, message, stack}`, for anything thrown (not only Errors). */
export function describeError(thrown: unknown): { name: string; message: string; stack?: string } {
  if (
    thrown instanceof Error ||
    (typeof thrown === 'object' && thrown !== null && 'message' in thrown && 'name' in thrown)
  ) {
    const e = thrown as Error
    const described: { name: string; message: string; stack?: string } = {
      name: String(e.name),
      message: String(e.message),
    }
    if (typeof e.stack === 'string') described.stack = e.stack
    return described
  }
  return { name: 'Thrown', message: inspectResult(thrown, 4_000).text }
}
