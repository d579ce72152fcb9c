/** `search`: the app's ranked search of the branch's files, as `weft search`. */
import { join } from 'node:path'
import { z } from 'zod'
import { searchBranch, searchSymbols } from '../../cli/commands/search.ts'
import { CHUNK_KINDS, SYMBOL_KINDS } from '../../index/types.ts'
import { WeftError } from '../../model/errors.ts'
import { TARGET, tool } from './tool.ts'

export const searchTools = [
  tool({
    name: 'search',
    description:
      'Ranked search of the branch\'s files (words, each also a prefix; "exact phrase"; -excluded; a OR b). With symbols: definitions whose name contains the query. Each hit: path, line, kind, name, snippet.',
    input: {
      ...TARGET,
      query: z.string().describe('What to search for.'),
      symbols: z.boolean().optional().describe('Go to symbol: definitions whose name contains the query.'),
      substring: z.boolean().optional().describe('Literal substring anywhere, inside identifiers too.'),
      path: z.string().min(1).optional().describe('Only files matching this glob: src/**/*.ts, *.md, docs/.'),
      languages: z
        .array(z.string())
        .optional()
        .describe('Only these languages: typescript, python, markdown…'),
      kinds: z
        .array(z.string())
        .optional()
        .describe(`Only these kinds: ${CHUNK_KINDS.join(', ')} (symbols: ${SYMBOL_KINDS.join(', ')}).`),
      limit: z.number().int().positive().max(200).optional().describe('At most this many hits (default 20).'),
    },
    readOnly: true,
    run: async ({ query, symbols, substring, path, languages, kinds, limit, ...target }, context) => {
      if (!query.trim() && !symbols) throw new WeftError('bad-input', 'Say what to search for.')
      const known: readonly string[] = symbols ? SYMBOL_KINDS : CHUNK_KINDS
      const unknown = kinds?.find((k) => !known.includes(k))
      if (unknown) throw new WeftError('bad-input', `No kind "${unknown}"; kinds are ${known.join(', ')}.`)
      const { ws, branch, summary } = await context.repository(target)
      const cache = join(context.home, 'index', `${summary.id}.db`)
      const request = { query, substring, path, languages, kinds, limit: limit ?? 20 }
      return symbols ? searchSymbols(ws, branch, cache, request) : searchBranch(ws, branch, cache, request)
    },
  }),
]
