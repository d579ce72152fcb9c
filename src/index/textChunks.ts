/** Chunking of text without a syntax tree: bounded windows, Markdown sections, HTML as text. */
import type { Chunk, ChunkKind, SymbolDef } from './types.ts'

/** Bounds of one chunk: small enough for a useful snippet and bm25, big enough to keep context. */
export const WINDOW_LINES = 60
export const WINDOW_CHARS = 4_000

export const splitLines = (text: string): string[] => text.split(/\r?\n/)

/**
 * Rows `from..to` (0-based, inclusive) of `lines` cut into chunks of at most WINDOW_LINES lines
 * and WINDOW_CHARS characters; a longer line (minified code) is cut into pieces of its own.
 * Blank-only windows are dropped.
 */
export function windows(
  lines: string[],
  from: number,
  to: number,
  meta: { kind: ChunkKind; name?: string | null; container?: string | null },
): Chunk[] {
  const out: Chunk[] = []
  const make = (start: number, end: number, text: string) => {
    if (text.trim())
      out.push({
        kind: meta.kind,
        name: meta.name ?? null,
        container: meta.container ?? null,
        startLine: start + 1,
        endLine: end + 1,
        text,
      })
  }
  let start = from
  /** The lines of the window being filled, from row `start`. */
  let parts: string[] = []
  let size = 0
  const flush = (end: number) => {
    if (parts.length) make(start, end, parts.join('\n'))
    parts = []
    size = 0
  }
  for (let row = from; row <= to && row < lines.length; row++) {
    const line = lines[row]
    if (line.length > WINDOW_CHARS) {
      flush(row - 1)
      for (const piece of cutLine(line)) make(row, row, piece)
      continue
    }
    if (parts.length >= WINDOW_LINES || size + line.length > WINDOW_CHARS) flush(row - 1)
    if (!parts.length) start = row
    parts.push(line)
    size += line.length + 1
  }
  flush(Math.min(to, lines.length - 1))
  return out
}

/** How far back from a window's end a long line may be cut, to cut between words rather than in one. */
const CUT_SLACK = 200

/** A line longer than WINDOW_CHARS in pieces, each cut after a non-word character where there is one. */
function cutLine(line: string): string[] {
  const pieces: string[] = []
  let at = 0
  while (line.length - at > WINDOW_CHARS) {
    let end = at + WINDOW_CHARS
    for (let i = end; i > end - CUT_SLACK; i--) {
      if (!/[\p{L}\p{N}_]/u.test(line[i - 1])) {
        end = i
        break
      }
    }
    pieces.push(line.slice(at, end))
    at = end
  }
  pieces.push(line.slice(at))
  return pieces
}

/** Plain text: windows over the whole file. */
export const textChunks = (text: string): Chunk[] => {
  const lines = splitLines(text)
  return windows(lines, 0, lines.length - 1, { kind: 'text' })
}

const HEADING = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$/
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/**
 * Markdown split at ATX headings (outside fenced code): each section is a chunk named by its
 * heading, inside its parent heading; each heading is a symbol.
 */
export function markdownChunks(text: string): { chunks: Chunk[]; symbols: SymbolDef[] } {
  const lines = splitLines(text)
  const headings: { row: number; level: number; title: string }[] = []
  let fence: string | null = null
  lines.forEach((line, row) => {
    const open = FENCE.exec(line)
    if (open) {
      if (fence === null) fence = open[1][0]
      else if (open[1][0] === fence) fence = null
      return
    }
    const heading = fence === null ? HEADING.exec(line) : null
    if (heading && heading[2]) headings.push({ row, level: heading[1].length, title: heading[2] })
  })
  const chunks: Chunk[] = []
  const symbols: SymbolDef[] = []
  if (headings.length === 0 || headings[0].row > 0)
    chunks.push(...windows(lines, 0, (headings[0]?.row ?? lines.length) - 1, { kind: 'text' }))
  const open: { level: number; title: string }[] = []
  headings.forEach((h, i) => {
    while (open.length && open[open.length - 1].level >= h.level) open.pop()
    const container = open.length ? open[open.length - 1].title : null
    // A section runs to the next heading of the same or a higher level; its chunk only to the next heading.
    const next = headings.slice(i + 1).find((o) => o.level <= h.level)
    symbols.push({
      name: h.title,
      kind: 'heading',
      container,
      startLine: h.row + 1,
      endLine: next ? next.row : lines.length,
    })
    const chunkEnd = (headings[i + 1]?.row ?? lines.length) - 1
    chunks.push(...windows(lines, h.row, chunkEnd, { kind: 'section', name: h.title, container }))
    open.push(h)
  })
  return { chunks, symbols }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }

/**
 * The readable text of an HTML document with its line structure kept (so chunks point at the
 * right lines): tags, comments, scripts and styles become blanks (runs of them one space); common
 * entities are decoded.
 */
export function htmlText(html: string): string {
  const blank = (s: string) => s.replace(/[^\n]/g, ' ')
  return html
    .replace(/<!--[\s\S]*?-->/g, blank)
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, blank)
    .replace(/<[^>]*>/g, blank)
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
      if (name[0] === '#') {
        const code =
          name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10)
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole
      }
      // Own keys only: `&constructor;` must not name what every object inherits.
      const entity = name.toLowerCase()
      return Object.hasOwn(ENTITIES, entity) ? ENTITIES[entity] : whole
    })
    .replace(/[ \t]{2,}/g, ' ')
}
