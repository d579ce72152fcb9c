/**
 * A safe, bounded rendering of any value a realm produced: cycles, functions, DOM nodes, throwing
 * getters and proxies become short text, collections and depth are capped, and the output is cut at
 * `maxChars`. `json` is given only for plain data (what JSON.stringify renders faithfully).
 */
export interface Inspection {
  text: string
  json?: string
}

export interface InspectOptions {
  maxChars?: number
  depth?: number
  /** Items shown per array, map, set or object. */
  maxItems?: number
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

export function inspect(value: unknown, options: InspectOptions = {}): Inspection {
  const { maxChars = 16_000, depth = 4, maxItems = 100 } = options
  let plain = true
  const seen = new Set<object>()

  const render = (v: unknown, level: number): string => {
    switch (typeof v) {
      case 'string':
        return JSON.stringify(v.length > maxChars ? v.slice(0, maxChars) : v)
      case 'number':
        return Object.is(v, -0) ? '-0' : String(v)
      case 'boolean':
        return String(v)
      case 'undefined':
        plain = false
        return 'undefined'
      case 'bigint':
        plain = false
        return `${v}n`
      case 'symbol':
        plain = false
        return v.toString()
      case 'function':
        plain = false
        return describeFunction(v)
    }
    if (v === null) return 'null'
    const o = v as object
    if (seen.has(o)) {
      plain = false
      return '[Circular]'
    }
    const special = describeSpecial(o)
    if (special !== null) {
      plain = false
      return special
    }
    if (level >= depth) {
      plain = false
      return Array.isArray(o) ? `[Array(${o.length})]` : `[${className(o) ?? 'Object'}]`
    }
    seen.add(o)
    try {
      return renderObject(o, level)
    } finally {
      seen.delete(o)
    }
  }

  const items = (parts: string[], total: number) =>
    total > parts.length ? [...parts, `… ${total - parts.length} more`] : parts

  const renderObject = (o: object, level: number): string => {
    if (Array.isArray(o)) {
      const shown = o.slice(0, maxItems).map((x) => render(x, level + 1))
      return `[${items(shown, o.length).join(', ')}]`
    }
    if (o instanceof Map) {
      plain = false
      const shown = [...o]
        .slice(0, maxItems)
        .map(([k, x]) => `${render(k, level + 1)} => ${render(x, level + 1)}`)
      return `Map(${o.size}) {${items(shown, o.size).join(', ')}}`
    }
    if (o instanceof Set) {
      plain = false
      const shown = [...o].slice(0, maxItems).map((x) => render(x, level + 1))
      return `Set(${o.size}) {${items(shown, o.size).join(', ')}}`
    }
    if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
      plain = false
      const typed = o as unknown as ArrayLike<number | bigint>
      const shown = Array.from({ length: Math.min(typed.length, maxItems) }, (_, i) => String(typed[i]))
      return `${className(o)}(${typed.length}) [${items(shown, typed.length).join(', ')}]`
    }
    const name = className(o)
    if (name && name !== 'Object') plain = false
    const keys = Object.keys(o)
    const shown = keys
      .slice(0, maxItems)
      .map((k) => `${IDENTIFIER.test(k) ? k : JSON.stringify(k)}: ${property(o, k, level)}`)
    const body = shown.length ? `{ ${items(shown, keys.length).join(', ')} }` : '{}'
    return name && name !== 'Object' ? `${name} ${body}` : body
  }

  const property = (o: object, key: string, level: number): string => {
    try {
      return render((o as Record<string, unknown>)[key], level + 1)
    } catch (error) {
      plain = false
      return `[Thrown: ${messageOf(error)}]`
    }
  }

  let text: string
  try {
    text = render(value, 0)
  } catch (error) {
    // A hostile proxy can throw from any trap, even typeof-free ones like ownKeys.
    return { text: `[Uninspectable: ${messageOf(error)}]` }
  }
  if (text.length > maxChars)
    return { text: `${text.slice(0, maxChars)}… (${text.length - maxChars} more characters)` }
  return plain ? { text, json: text } : { text }
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
  return { name: 'Thrown', message: inspect(thrown, { maxChars: 4_000 }).text }
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'unknown'
  }
}

function className(o: object): string | undefined {
  try {
    const name = (Object.getPrototypeOf(o) as { constructor?: { name?: unknown } } | null)?.constructor?.name
    return typeof name === 'string' && name ? name : undefined
  } catch {
    return undefined
  }
}

function describeFunction(f: Function): string {
  let source = ''
  try {
    source = Function.prototype.toString.call(f)
  } catch {
    /* a revoked proxy */
  }
  const name = f.name || '(anonymous)'
  return source.startsWith('class') ? `[class ${name}]` : `[Function ${name}]`
}

/** Short text for values that must not be walked: DOM nodes, windows, errors, dates, promises… */
function describeSpecial(o: object): string | null {
  if (o instanceof Error) return `${o.name}: ${o.message}`
  if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString()
  if (o instanceof RegExp) return String(o)
  if (o instanceof Promise) return 'Promise {…}'
  if (o instanceof WeakMap || o instanceof WeakSet) return `${className(o)} {…}`
  if (o instanceof ArrayBuffer) return `ArrayBuffer(${o.byteLength})`
  const node = o as {
    nodeType?: unknown
    nodeName?: unknown
    id?: unknown
    className?: unknown
    textContent?: unknown
  }
  if (typeof node.nodeType === 'number' && typeof node.nodeName === 'string') {
    if (node.nodeType === 1) {
      const id = typeof node.id === 'string' && node.id ? `#${node.id}` : ''
      const classes =
        typeof node.className === 'string' && node.className.trim()
          ? `.${node.className.trim().split(/\s+/).join('.')}`
          : ''
      return `<${node.nodeName.toLowerCase()}${id}${classes}>`
    }
    if (node.nodeType === 3) return `#text ${JSON.stringify(String(node.textContent).slice(0, 80))}`
    return `[${node.nodeName}]`
  }
  const win = o as { window?: unknown; document?: unknown }
  if (win.window === o && typeof win.document === 'object') return '[Window]'
  return null
}
