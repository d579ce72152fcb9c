/** What a file becomes in the index: picks the chunker by language and refuses what it cannot read. */
import type { Grammars } from '../syntax/grammars.ts'
import { indexLanguageForPath, languageEntryForPath, type DefinitionGrammar } from '../syntax/languages.ts'
import { formatBytes } from '../model/content.ts'
import { chunkCode } from './chunker.ts'
import { pdfPages } from './pdfText.ts'
import { PROFILES } from './profiles.ts'
import { htmlText, markdownChunks, textChunks } from './textChunks.ts'
import type { Chunk, Extracted } from './types.ts'

/** Larger files are listed as skipped: their text would dominate the index and every ranking. */
export const MAX_INDEX_BYTES = 4 * 1024 * 1024
/** Beyond these, source is generated or minified: it is windowed as text instead of parsed. */
export const MAX_PARSE_CHARS = 1024 * 1024
export const MAX_PARSE_LINE = 2_000

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/** The text of file bytes, or why they are not text. */
function decode(bytes: Uint8Array): { text: string } | { reason: string } {
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'binary file' }
  try {
    return { text: strictUtf8.decode(bytes) }
  } catch {
    return { reason: 'not valid UTF-8 text' }
  }
}

const isPdf = (bytes: Uint8Array) =>
  bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46 // %PDF

/** Chunks and symbols of one file, or the reason it is skipped. Never throws on bad content. */
export async function extract(
  path: string,
  content: Uint8Array | string,
  grammars: Grammars,
): Promise<Extracted> {
  const language = indexLanguageForPath(path)
  const entry = languageEntryForPath(path)
  const size = typeof content === 'string' ? content.length : content.byteLength
  if (size > MAX_INDEX_BYTES)
    return {
      status: 'skipped',
      language,
      reason: `${formatBytes(size)} is over the ${formatBytes(MAX_INDEX_BYTES)} indexing limit`,
    }
  if (typeof content !== 'string' && isPdf(content)) return extractPdf(content)
  let text: string
  if (typeof content === 'string') text = content
  else {
    const decoded = decode(content)
    if ('reason' in decoded) return { status: 'skipped', language, reason: decoded.reason }
    text = decoded.text
  }
  if (entry?.index === 'markdown') return { status: 'indexed', language, ...markdownChunks(text) }
  if (entry?.index === 'html')
    return { status: 'indexed', language, chunks: textChunks(htmlText(text)), symbols: [] }
  if (entry?.index !== 'definitions' || !parseable(text))
    return { status: 'indexed', language, chunks: textChunks(text), symbols: [] }
  // An entry read by its definitions has a DefinitionGrammar, by that type's definition.
  const grammar = entry.grammar as DefinitionGrammar
  try {
    return {
      status: 'indexed',
      language,
      ...chunkCode(text, await grammars.parser(grammar), PROFILES[grammar]),
    }
  } catch {
    // A grammar that fails to load or parse must not lose the file: index it as text.
    return { status: 'indexed', language, chunks: textChunks(text), symbols: [] }
  }
}

function parseable(text: string): boolean {
  if (text.length > MAX_PARSE_CHARS) return false
  for (let start = 0; start < text.length;) {
    const end = text.indexOf('\n', start)
    const stop = end < 0 ? text.length : end
    if (stop - start > MAX_PARSE_LINE) return false
    start = stop + 1
  }
  return true
}

async function extractPdf(bytes: Uint8Array): Promise<Extracted> {
  let pages: string[]
  try {
    pages = await pdfPages(bytes)
  } catch (error) {
    return { status: 'skipped', language: 'pdf', reason: `unreadable PDF: ${(error as Error).message}` }
  }
  const chunks: Chunk[] = pages.flatMap((text, i) =>
    textChunks(text).map((c) => ({
      ...c,
      kind: 'page' as const,
      name: `page ${i + 1}`,
      startLine: i + 1,
      endLine: i + 1,
    })),
  )
  return { status: 'indexed', language: 'pdf', chunks, symbols: [] }
}
