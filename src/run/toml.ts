/**
 * A small, tolerant TOML reader: enough of the format for manifests (Cargo.toml, pyproject.toml) —
 * `[table]`, `[[array.of.tables]]`, `key = value` with strings, numbers, booleans, (multi-line)
 * arrays and inline tables. Not a validator: what it cannot read it names with the line number.
 */

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable
export interface TomlTable {
  [key: string]: TomlValue
}

export class TomlError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`)
    this.name = 'TomlError'
  }
}

const BARE_KEY = /^[A-Za-z0-9_-]+/

class Reader {
  pos = 0
  constructor(readonly text: string) {}

  get line(): number {
    return this.text.slice(0, this.pos).split('\n').length
  }
  fail(message: string): never {
    throw new TomlError(this.line, message)
  }
  /** Skips spaces, and with `newlines` also line breaks and comments. */
  skip(newlines: boolean): void {
    for (;;) {
      const c = this.text[this.pos]
      if (c === ' ' || c === '\t' || c === '\r' || (newlines && c === '\n')) this.pos++
      else if (c === '#') while (this.pos < this.text.length && this.text[this.pos] !== '\n') this.pos++
      else return
    }
  }
  key(): string[] {
    const parts: string[] = []
    for (;;) {
      this.skip(false)
      const c = this.text[this.pos]
      if (c === '"' || c === "'") parts.push(this.string())
      else {
        const bare = BARE_KEY.exec(this.text.slice(this.pos))
        if (!bare) this.fail('expected a key')
        parts.push(bare[0])
        this.pos += bare[0].length
      }
      this.skip(false)
      if (this.text[this.pos] !== '.') return parts
      this.pos++
    }
  }
  string(): string {
    const quote = this.text[this.pos]
    const triple = this.text.startsWith(quote.repeat(3), this.pos)
    const end = triple ? quote.repeat(3) : quote
    this.pos += end.length
    if (triple && this.text[this.pos] === '\n') this.pos++
    let out = ''
    while (!this.text.startsWith(end, this.pos)) {
      const c = this.text[this.pos]
      if (c === undefined || (!triple && c === '\n')) this.fail('unterminated string')
      if (c === '\\' && quote === '"') {
        const next = this.text[this.pos + 1]
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' }
        if (next === 'u' || next === 'U') {
          const digits = next === 'u' ? 4 : 8
          out += String.fromCodePoint(parseInt(this.text.slice(this.pos + 2, this.pos + 2 + digits), 16))
          this.pos += 2 + digits
          continue
        }
        out += simple[next] ?? next
        this.pos += 2
        continue
      }
      out += c
      this.pos++
    }
    this.pos += end.length
    return out
  }
  value(): TomlValue {
    this.skip(false)
    const c = this.text[this.pos]
    if (c === '"' || c === "'") return this.string()
    if (c === '[') {
      this.pos++
      const items: TomlValue[] = []
      for (;;) {
        this.skip(true)
        if (this.text[this.pos] === ']') {
          this.pos++
          return items
        }
        items.push(this.value())
        this.skip(true)
        if (this.text[this.pos] === ',') this.pos++
        else if (this.text[this.pos] !== ']') this.fail('expected "," or "]" in an array')
      }
    }
    if (c === '{') {
      this.pos++
      const table: TomlTable = {}
      for (;;) {
        this.skip(false)
        if (this.text[this.pos] === '}') {
          this.pos++
          return table
        }
        const key = this.key()
        if (this.text[this.pos] !== '=') this.fail('expected "=" in an inline table')
        this.pos++
        assign(table, key, this.value(), this)
        this.skip(false)
        if (this.text[this.pos] === ',') this.pos++
        else if (this.text[this.pos] !== '}') this.fail('expected "," or "}" in an inline table')
      }
    }
    const scalar = /^[^\s,\]}#]+/.exec(this.text.slice(this.pos))
    if (!scalar) this.fail('expected a value')
    this.pos += scalar[0].length
    const word = scalar[0]
    if (word === 'true' || word === 'false') return word === 'true'
    const number = Number(word.replaceAll('_', ''))
    // Dates and other scalars this reader does not model stay as their text.
    return Number.isNaN(number) ? word : number
  }
}

function assign(table: TomlTable, key: string[], value: TomlValue, reader: Reader): void {
  const target = descend(table, key.slice(0, -1), reader)
  const last = key.at(-1)!
  if (last in target) reader.fail(`duplicate key "${key.join('.')}"`)
  target[last] = value
}

function descend(table: TomlTable, path: string[], reader: Reader): TomlTable {
  let at = table
  for (const part of path) {
    const next = at[part] ?? (at[part] = {})
    const inner = Array.isArray(next) ? next.at(-1) : next
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
      reader.fail(`"${part}" is not a table`)
    at = inner as TomlTable
  }
  return at
}

/** Reads TOML text into nested tables; throws TomlError (with the line) on what it cannot read. */
export function readToml(text: string): TomlTable {
  const root: TomlTable = {}
  let current = root
  const reader: Reader = new Reader(text)
  for (;;) {
    reader.skip(true)
    if (reader.pos >= text.length) return root
    if (text[reader.pos] === '[') {
      const array = text[reader.pos + 1] === '['
      reader.pos += array ? 2 : 1
      const key = reader.key()
      if (!text.startsWith(array ? ']]' : ']', reader.pos))
        reader.fail(`unclosed table header "[${key.join('.')}"`)
      reader.pos += array ? 2 : 1
      if (array) {
        const parent = descend(root, key.slice(0, -1), reader)
        const list = (parent[key.at(-1)!] ??= []) as TomlValue
        if (!Array.isArray(list)) reader.fail(`"${key.join('.')}" is not an array of tables`)
        current = {}
        list.push(current)
      } else current = descend(root, key, reader)
    } else {
      const key = reader.key()
      if (text[reader.pos] !== '=') reader.fail(`expected "=" after "${key.join('.')}"`)
      reader.pos++
      assign(current, key, reader.value(), reader)
    }
    reader.skip(false)
    if (reader.pos < text.length && text[reader.pos] !== '\n') reader.fail('unexpected text after a value')
  }
}
