/** The shapes the index pipeline passes along: what a file becomes. */

/** What a definition is, as go-to-symbol shows it. */
export const SYMBOL_KINDS = [
  'function',
  'method',
  'class',
  'interface',
  'type',
  'enum',
  'struct',
  'trait',
  'impl',
  'module',
  'variable',
  'constant',
  'macro',
  'heading',
] as const
export type SymbolKind = (typeof SYMBOL_KINDS)[number]

/**
 * What a chunk is: a definition's kind, or `block` (top-level code between definitions), `section`
 * (a Markdown section), `text` (a window of other text), `page` (a PDF page).
 */
export const CHUNK_KINDS = [...SYMBOL_KINDS, 'block', 'section', 'text', 'page'] as const
export type ChunkKind = (typeof CHUNK_KINDS)[number]

/** A definition found in a file. Lines are 1-based and inclusive. */
export interface SymbolDef {
  name: string
  kind: SymbolKind
  /** The enclosing class, impl, module or parent heading, if any. */
  container: string | null
  startLine: number
  endLine: number
}

/**
 * A unit of search: a definition, a stretch of top-level code, a section or a window. Lines are
 * 1-based and inclusive; for a PDF they are page numbers.
 */
export interface Chunk {
  kind: ChunkKind
  name: string | null
  container: string | null
  startLine: number
  endLine: number
  text: string
}

/** A file turned into chunks and symbols, or skipped with a reason a user can read. */
export type Extracted =
  | { status: 'indexed'; language: string; chunks: Chunk[]; symbols: SymbolDef[] }
  | { status: 'skipped'; language: string; reason: string }
