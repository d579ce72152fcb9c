/**
 * Code-aware chunking: a syntax tree becomes one chunk per definition (functions, classes,
 * methods…), with the top-level code between definitions as `block` chunks. A class's chunk holds
 * its header and fields; its methods are chunks of their own, so no line is indexed twice.
 */
import type { Node, Parser } from 'web-tree-sitter'
import { nameOf, type LanguageProfile } from './profiles.ts'
import { splitLines, windows, WINDOW_CHARS } from './textChunks.ts'
import type { Chunk, SymbolDef } from './types.ts'

/** A definition's rows (0-based, inclusive) and its member definitions. */
interface Span {
  symbol: SymbolDef
  /** First row of the chunk: the definition, its wrapper (`export`, decorators) and doc comment. */
  from: number
  to: number
  members: Span[]
}

/** Chunks and symbols of a source file, given a parser for its grammar. */
export function chunkCode(
  text: string,
  parser: Parser,
  profile: LanguageProfile,
): { chunks: Chunk[]; symbols: SymbolDef[] } {
  const tree = parser.parse(text)
  if (!tree) throw new Error('the parser returned no tree')
  try {
    const symbols: SymbolDef[] = []
    const spans = collect(tree.rootNode, profile, null, symbols)
    const lines = splitLines(text)
    const chunks: Chunk[] = []
    place(lines, spans, 0, lines.length - 1, chunks, (from, to) =>
      chunks.push(...windows(lines, from, to, { kind: 'block' })),
    )
    return { chunks, symbols }
  } finally {
    tree.delete()
  }
}

/** The definitions among `parent`'s children, looking through wrappers and bodies. */
function collect(
  parent: Node,
  profile: LanguageProfile,
  container: string | null,
  symbols: SymbolDef[],
): Span[] {
  const spans: Span[] = []
  for (const node of parent.namedChildren) {
    // Own keys only: a grammar may name a node kind `constructor`, which objects inherit.
    const rule = Object.hasOwn(profile.definitions, node.type) ? profile.definitions[node.type] : undefined
    if (rule) {
      const name = nameOf(rule, node)
      if (!name) continue
      let kind = typeof rule.kind === 'function' ? rule.kind(node) : rule.kind
      if (kind === 'function' && container !== null) kind = 'method'
      const symbol: SymbolDef = {
        name,
        kind,
        container: rule.container?.(node) ?? container,
        startLine: node.startPosition.row + 1,
        endLine: node.endPosition.row + 1,
      }
      symbols.push(symbol)
      spans.push({
        symbol,
        from: withComments(node),
        to: node.endPosition.row,
        members: rule.members ? collect(node, profile, name, symbols) : [],
      })
    } else if (profile.wrappers.includes(node.type)) {
      const inner = collect(node, profile, container, symbols)
      // `export function`, `@decorator def`: the wrapper belongs to its one definition's chunk.
      if (inner.length === 1) inner[0].from = Math.min(inner[0].from, withComments(node))
      spans.push(...inner)
    } else if (profile.bodies.includes(node.type)) spans.push(...collect(node, profile, container, symbols))
  }
  return spans
}

/** The first row of a node together with the comments directly above it. */
function withComments(node: Node): number {
  let row = node.startPosition.row
  for (
    let prev = node.previousNamedSibling;
    prev && prev.type.includes('comment') && prev.endPosition.row >= row - 1;
    prev = prev.previousNamedSibling
  )
    row = prev.startPosition.row
  return row
}

/**
 * Emits chunks for `spans` within rows `from..to`; rows no span covers go to `gap`. Overlapping
 * definitions (two on one line) keep their symbols but share the first one's chunk.
 */
function place(
  lines: string[],
  spans: Span[],
  from: number,
  to: number,
  out: Chunk[],
  gap: (from: number, to: number) => void,
): void {
  let cursor = from
  for (const span of [...spans].sort((a, b) => a.from - b.from)) {
    if (span.from < cursor) continue
    if (span.from > cursor) gap(cursor, span.from - 1)
    const { name, kind, container } = span.symbol
    const meta = { kind, name, container }
    if (span.members.length) {
      // The container's own rows (header, fields, closing brace) form its chunk; members their own.
      const own: string[] = []
      place(lines, span.members, span.from, span.to, out, (a, b) => own.push(...lines.slice(a, b + 1)))
      const text = own.join('\n')
      if (text.length <= WINDOW_CHARS * 4) {
        if (text.trim()) out.push({ ...meta, startLine: span.from + 1, endLine: span.to + 1, text })
      } else
        out.push(
          ...windows(own, 0, own.length - 1, meta).map((c) => ({
            ...c,
            startLine: span.from + 1,
            endLine: span.to + 1,
          })),
        )
    } else {
      const text = lines.slice(span.from, span.to + 1).join('\n')
      // A very long definition is cut into windows that all carry its name.
      if (text.length <= WINDOW_CHARS * 4)
        out.push({ ...meta, startLine: span.from + 1, endLine: span.to + 1, text })
      else out.push(...windows(lines, span.from, span.to, meta))
    }
    cursor = span.to + 1
  }
  if (cursor <= to) gap(cursor, to)
}
