/**
 * `weft languages`: every language Weft knows, from the registry (syntax/languages.ts): its file
 * extensions and whole file names (`Makefile`), and whether a merge reads its syntax tree or only its lines. Loads no grammar.
 */
import { LANGUAGES, language, type LanguageId } from '../../syntax/languages.ts'
import { commandArgs } from '../args.ts'
import type { Command } from '../io.ts'

const USAGE = 'Usage: weft languages [--json]'

export interface LanguageRow {
  id: LanguageId
  extensions: readonly string[]
  /** Whole file names that name it regardless of extension (`Makefile`, `BUILD`). */
  fileNames: readonly string[]
  /** Merged by its syntax tree (`structured`) or by lines only. */
  merge: 'structured' | 'lines'
  /** The tree-sitter grammar it is parsed with, or null. */
  grammar: string | null
}

/** The registry's languages in its order. */
export const languageRows = (): LanguageRow[] =>
  (Object.keys(LANGUAGES) as LanguageId[]).map((id) => {
    const { extensions, fileNames = [], merge, grammar } = language(id)
    return { id, extensions, fileNames, merge, grammar }
  })

export const languages: Command = async (argv, io) => {
  // `--home` is taken by every command; this one reads no profile.
  const parsed = commandArgs(
    'languages',
    argv,
    { json: { type: 'boolean', default: false }, home: { type: 'string' } },
    io.err,
    USAGE,
  )
  if (!parsed) return 2
  if (parsed.positionals.length > 0) {
    io.err(`weft languages: unexpected argument "${parsed.positionals[0]}"\n${USAGE}`)
    return 2
  }
  const rows = languageRows()
  if (parsed.values.json) {
    io.out(JSON.stringify(rows, null, 2) + '\n')
    return 0
  }
  const width = Math.max(...rows.map((row) => row.id.length)) + 2
  const lines = rows.map(
    (row) =>
      `${row.id.padEnd(width)}${row.merge.padEnd(12)}${[...row.extensions.map((extension) => `.${extension}`), ...row.fileNames].join(' ')}`,
  )
  const structured = rows.filter((row) => row.merge === 'structured').length
  io.out(
    [
      `${'LANGUAGE'.padEnd(width)}${'MERGE'.padEnd(12)}FILES`,
      ...lines,
      `${rows.length} languages, ${structured} merged by their syntax tree.`,
    ].join('\n') + '\n',
  )
  return 0
}
