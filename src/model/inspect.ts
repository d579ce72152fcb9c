/**
 * One rendering of any JavaScript value as text, in Node's `util.inspect` style (what a Node or
 * Chrome devtools user reads): the run console (`console.log` in a browser run) and the REPL's
 * results and console events both print through it, and the REPL's Node realm prints through
 * `util.inspect` itself with the same options. It is safe on hostile values: cycles, throwing
 * getters, proxies, DOM nodes and windows become short text, and depth, items and strings are capped.
 */

export interface InspectOptions {
  /** Levels shown below the value before nested objects become `[Object]` (Node's `depth`). */
  depth?: number
  /** Items shown per array, map, set or object (Node's `maxArrayLength`). */
  maxItems?: number
  /** Characters shown of a string (Node's `maxStringLength`). */
  maxStringLength?: number
  /** A collection longer than this on one line is written one item per line (Node's `breakLength`). */
  breakLength?: number
}

/** The text, and whether the value is plain data (what `JSON.stringify` renders faithfully). */
export interface Rendering {
  text: string
  plainData: boolean
}

const IDENTIFIER = /^[A-Za-z_]\w*$/ // as Node: `$` keys are quoted
const ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\b': '\\b',
  '\f': '\\f',
  '\v': '\\v',
}

/** A string as Node quotes it: single quotes unless the text holds one (then double, then backticks). */
export function quote(text: string): string {
  const mark = !text.includes("'")
    ? "'"
    : !text.includes('"')
      ? '"'
      : !text.includes('`') && !text.includes('${')
        ? '`'
        : "'"
  // eslint-disable-next-line no-control-regex -- control characters are what gets escaped
  const escaped = text.replace(/[\\'"`\x00-\x1f\x7f]/g, (c) => {
    if (c === '\\' || c === mark) return `\\${c}`
    if (c === "'" || c === '"' || c === '`') return c
    return ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`
  })
  return `${mark}${escaped}${mark}`
}

/** `value` as Node's console shows it nested in an object (strings quoted). */
export function inspect(value: unknown, options: InspectOptions = {}): string {
  return render(value, options).text
}

/** `inspect`, also telling whether the value is plain data; a hostile proxy yields `[Uninspectable: …]`. */
export function render(value: unknown, options: InspectOptions = {}): Rendering {
  const { depth = 2, maxItems = 100, maxStringLength = Infinity, breakLength = 80 } = options
  let plainData = true
  const ancestors: object[] = []
  /** Objects a descendant refers back to, numbered as Node does: `<ref *1> { self: [Circular *1] }`. */
  const refs = new Map<object, number>()

  const notPlain = (text: string) => {
    plainData = false
    return text
  }

  const show = (v: unknown, level: number): string => {
    switch (typeof v) {
      case 'string':
        return v.length > maxStringLength
          ? notPlain(
              `${quote(v.slice(0, maxStringLength))}... ${plural(v.length - maxStringLength, 'character')}`,
            )
          : quote(v)
      case 'number':
        if (Object.is(v, -0)) return notPlain('-0')
        return Number.isFinite(v) ? String(v) : notPlain(String(v))
      case 'boolean':
        return String(v)
      case 'undefined':
        return notPlain('undefined')
      case 'bigint':
        return notPlain(`${v}n`)
      case 'symbol':
        return notPlain(v.toString())
      case 'function':
        return notPlain(describeFunction(v))
    }
    if (v === null) return 'null'
    const o = v as object
    if (ancestors.includes(o)) {
      if (!refs.has(o)) refs.set(o, refs.size + 1)
      return notPlain(`[Circular *${refs.get(o)}]`)
    }
    const special = describeSpecial(o)
    if (special !== null) return notPlain(special)
    if (level > depth)
      return notPlain(Array.isArray(o) ? '[Array]' : `[${className(o) ?? 'Object: null prototype'}]`)
    ancestors.push(o)
    try {
      const text = showObject(o, level)
      return refs.has(o) ? `<ref *${refs.get(o)}> ${text}` : text
    } finally {
      ancestors.pop()
    }
  }

  /** `open item, item close` on one line when it fits, else one item per line. */
  const list = (shown: string[], total: number, open: string, close: string): string => {
    const parts = total > shown.length ? [...shown, `... ${plural(total - shown.length, 'item')}`] : shown
    if (parts.length === 0) return `${open}${close}`
    const flat = `${open} ${parts.join(', ')} ${close}`
    return flat.length <= breakLength && !flat.includes('\n')
      ? flat
      : `${open}\n${parts.map((s) => `  ${s.replace(/\n/g, '\n  ')}`).join(',\n')}\n${close}`
  }

  const showObject = (o: object, level: number): string => {
    const next = level + 1
    if (Array.isArray(o)) {
      const shown = Array.from({ length: Math.min(o.length, maxItems) }, (_, i) => showProperty(o, i, next))
      return list(shown, o.length, '[', ']')
    }
    if (o instanceof Map) {
      plainData = false
      const shown = [...o].slice(0, maxItems).map(([k, x]) => `${show(k, next)} => ${show(x, next)}`)
      return `Map(${o.size}) ${list(shown, o.size, '{', '}')}`
    }
    if (o instanceof Set) {
      plainData = false
      const shown = [...o].slice(0, maxItems).map((x) => show(x, next))
      return `Set(${o.size}) ${list(shown, o.size, '{', '}')}`
    }
    if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
      plainData = false
      const typed = o as unknown as ArrayLike<number | bigint>
      const shown = Array.from({ length: Math.min(typed.length, maxItems) }, (_, i) =>
        typeof typed[i] === 'bigint' ? `${typed[i]}n` : String(typed[i]),
      )
      return `${className(o)}(${typed.length}) ${list(shown, typed.length, '[', ']')}`
    }
    const name = className(o)
    if (name !== 'Object') plainData = false
    const prefix = name === 'Object' ? '' : name === undefined ? '[Object: null prototype] ' : `${name} `
    const keys = Object.keys(o)
    const shown = keys
      .slice(0, maxItems)
      .map((k) => `${IDENTIFIER.test(k) ? k : quote(k)}: ${showProperty(o, k, next)}`)
    return prefix + list(shown, keys.length, '{', '}')
  }

  /** One property, read once: a throwing getter shows what it threw. */
  const showProperty = (o: object, key: string | number, level: number): string => {
    try {
      return show((o as Record<string | number, unknown>)[key], level)
    } catch (error) {
      return notPlain(`[Thrown: ${messageOf(error)}]`)
    }
  }

  try {
    const text = show(value, 0)
    return { text, plainData }
  } catch (error) {
    // A hostile proxy can throw from any trap, even typeof-free ones like ownKeys.
    return { text: `[Uninspectable: ${messageOf(error)}]`, plainData: false }
  }
}

/**
 * `console.log(...args)` as text, as Node's `util.format` writes it: printf-style `%s %d %i %f %j %o
 * %O %c` in a first string, then the other arguments (strings as they are, the rest inspected).
 */
export function formatArgs(args: readonly unknown[], options: InspectOptions = {}): string {
  const { depth = 2 } = options
  const rest = [...args]
  let head = ''
  if (typeof rest[0] === 'string') {
    head = (rest.shift() as string).replace(/%[sdifjoOc%]/g, (token) => {
      if (token === '%%') return '%'
      if (rest.length === 0) return token
      const value = rest.shift()
      switch (token) {
        case '%s':
          return typeof value === 'string'
            ? value
            : typeof value === 'bigint'
              ? `${value}n`
              : typeof value === 'object' && value !== null
                ? inspect(value, { ...options, depth: Math.max(0, depth - 1) })
                : String(value)
        case '%d':
          return typeof value === 'bigint' ? `${value}n` : String(Number(value))
        case '%i':
          return typeof value === 'bigint' ? `${value}n` : String(parseInt(String(value), 10))
        case '%f':
          return String(parseFloat(String(value)))
        case '%j':
          try {
            return JSON.stringify(value)
          } catch {
            return '[Circular]'
          }
        case '%c':
          return ''
        default:
          return inspect(value, options)
      }
    })
  }
  const tail = rest.map((value) => (typeof value === 'string' ? value : inspect(value, options)))
  return [...(typeof args[0] === 'string' ? [head] : []), ...tail].join(' ')
}

const plural = (n: number, noun: string) => `${n} more ${noun}${n === 1 ? '' : 's'}`

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error)
  } catch {
    return 'unknown'
  }
}

/** The constructor's name; undefined for a null prototype (or a proxy that refuses to say). */
function className(o: object): string | undefined {
  try {
    const prototype = Object.getPrototypeOf(o) as { constructor?: { name?: unknown } } | null
    if (prototype === null) return undefined
    const name = prototype.constructor?.name
    return typeof name === 'string' && name ? name : 'Object'
  } catch {
    return undefined
  }
}

function describeFunction(f: object & { name: string }): string {
  let source = ''
  try {
    source = Function.prototype.toString.call(f)
  } catch {
    /* a revoked proxy */
  }
  if (source.startsWith('class')) return `[class ${f.name || '(anonymous)'}]`
  const kind = className(f) ?? 'Function'
  return f.name ? `[${kind}: ${f.name}]` : `[${kind} (anonymous)]`
}

/** Short text for values that must not be walked: errors, dates, promises, DOM nodes, windows… */
function describeSpecial(o: object): string | null {
  if (o instanceof Error) {
    const head = o.message ? `${o.name}: ${o.message}` : String(o.name)
    // Firefox's stacks hold only the frames; Node's and Chrome's start with the head.
    return typeof o.stack !== 'string' || !o.stack
      ? head
      : o.stack.includes(head)
        ? o.stack
        : `${head}\n${o.stack}`
  }
  if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString()
  if (o instanceof RegExp) return String(o)
  if (o instanceof Promise) return 'Promise { … }' // its state cannot be read synchronously
  if (o instanceof WeakMap || o instanceof WeakSet) return `${className(o)} { <items unknown> }`
  if (o instanceof ArrayBuffer) return `ArrayBuffer { byteLength: ${o.byteLength} }`
  if (o instanceof DataView) return `DataView { byteLength: ${o.byteLength}, byteOffset: ${o.byteOffset} }`
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
    if (node.nodeType === 3) return `#text ${quote(String(node.textContent).slice(0, 80))}`
    return `[${node.nodeName}]`
  }
  const win = o as { window?: unknown; document?: unknown }
  if (win.window === o && typeof win.document === 'object') return '[Window]'
  return null
}
