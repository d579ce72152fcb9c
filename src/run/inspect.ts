/** Node-like rendering of console arguments (`util.format`'s rules, shortened), for run output. */

const MAX_DEPTH = 2
const MAX_ITEMS = 100

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : `'${name.replace(/'/g, "\\'")}'`
}

/** One value as Node's console shows it nested in an object (strings quoted). */
export function inspect(value: unknown, depth = 0, seen: object[] = []): string {
  switch (typeof value) {
    case 'string':
      return `'${value.replace(/'/g, "\\'")}'`
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value)
    case 'bigint':
      return `${value}n`
    case 'symbol':
      return value.toString()
    case 'undefined':
      return 'undefined'
    case 'boolean':
      return String(value)
    case 'function':
      return `[${value.constructor?.name === 'AsyncFunction' ? 'AsyncFunction' : /^class\b/.test(Function.prototype.toString.call(value)) ? 'class' : 'Function'}${value.name ? `: ${value.name}` : ' (anonymous)'}]`
  }
  if (value === null) return 'null'
  const object = value as object
  if (seen.includes(object)) return '[Circular *1]'
  if (object instanceof Error) return object.stack ?? `${object.name}: ${object.message}`
  if (object instanceof Date) return Number.isNaN(object.getTime()) ? 'Invalid Date' : object.toISOString()
  if (object instanceof RegExp) return String(object)
  if (object instanceof Promise) return 'Promise { <pending> }'
  const nested = [...seen, object]
  const items = (list: string[], open: string, close: string) => {
    const shown =
      list.length > MAX_ITEMS
        ? [...list.slice(0, MAX_ITEMS), `... ${list.length - MAX_ITEMS} more items`]
        : list
    if (shown.length === 0) return `${open}${close}`
    const flat = `${open} ${shown.join(', ')} ${close}`
    return flat.length <= 72
      ? flat
      : `${open}\n${shown.map((s) => `  ${s.replace(/\n/g, '\n  ')}`).join(',\n')}\n${close}`
  }
  if (depth > MAX_DEPTH)
    return Array.isArray(object) ? '[Array]' : `[${object.constructor?.name ?? 'Object'}]`
  if (Array.isArray(object))
    return items(
      object.map((v) => inspect(v, depth + 1, nested)),
      '[',
      ']',
    )
  if (object instanceof Map)
    return `Map(${object.size}) ${items(
      [...object].map(([k, v]) => `${inspect(k, depth + 1, nested)} => ${inspect(v, depth + 1, nested)}`),
      '{',
      '}',
    )}`
  if (object instanceof Set)
    return `Set(${object.size}) ${items(
      [...object].map((v) => inspect(v, depth + 1, nested)),
      '{',
      '}',
    )}`
  if (ArrayBuffer.isView(object))
    return `${object.constructor.name}(${(object as Uint8Array).length}) ${items([...(object as Uint8Array)].map(String), '[', ']')}`
  const name =
    object.constructor && object.constructor !== Object
      ? `${object.constructor.name} `
      : Object.getPrototypeOf(object) === null
        ? '[Object: null prototype] '
        : ''
  return (
    name +
    items(
      Object.entries(object).map(([k, v]) => `${key(k)}: ${inspect(v, depth + 1, nested)}`),
      '{',
      '}',
    )
  )
}

/** `console.log(...args)` as text: printf-style `%s %d %i %f %j %o %O %c` in a first string, the rest inspected. */
export function formatArgs(args: readonly unknown[]): string {
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
                ? inspect(value, 1)
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
          return inspect(value)
      }
    })
  }
  const tail = rest.map((value) => (typeof value === 'string' ? value : inspect(value)))
  return [...(typeof args[0] === 'string' ? [head] : []), ...tail].join(' ')
}
