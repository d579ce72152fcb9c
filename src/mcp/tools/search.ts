/** `search`: the app's ranked search of the branch's files, as `weft search`. */
import { join } from 'node:path'
import { z } from 'zod'
import { searchBranches, searchSymbols } from '../../cli/commands/search.ts'
import { CHUNK_KINDS, SYMBOL_KINDS } from '../../index/types.ts'
import { WeftError } from '../../model/errors.ts'
import { TARGET, tool } from './tool.ts'

export const searchTools = [
  tool({
    name: 'search',
    description:
      'Ranked search of the branch\'s files (words, each also a prefix; "exact phrase"; -excluded; a OR b). With semantic: by meaning too, for a question in plain words ("where do we retry failed uploads"). With branches or allBranches: across those branches, so you can see who else is touching something; each hit names the branches holding it. With symbols: definitions whose name contains the query. Each hit: path, line, kind, name, snippet, branches.',
    input: {
      ...TARGET,
      query: z.string().describe('What to search for.'),
      semantic: z
        .boolean()
        .optional()
        .describe('By meaning too: bm25 fused with word-vector similarity (not with symbols or substring).'),
      branches: z
        .array(z.string().min(1))
        .optional()
        .describe('Search these branches (names) instead of one; see branches_list.'),
      allBranches: z.boolean().optional().describe('Search every branch of the repository.'),
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
    run: async (
      {
        query,
        semantic,
        branches,
        allBranches,
        symbols,
        substring,
        path,
        languages,
        kinds,
        limit,
        ...target
      },
      context,
    ) => {
      if (!query.trim() && !symbols) throw new WeftError('bad-input', 'Say what to search for.')
      if (semantic && (symbols || substring))
        throw new WeftError('bad-input', 'semantic does not go with symbols or substring.')
      if (
        [target.branch !== undefined, Boolean(branches?.length), Boolean(allBranches)].filter(Boolean)
          .length > 1
      )
        throw new WeftError('bad-input', 'Say one of branch, branches or allBranches.')
      const known: readonly string[] = symbols ? SYMBOL_KINDS : CHUNK_KINDS
      const unknown = kinds?.find((k) => !known.includes(k))
      if (unknown) throw new WeftError('bad-input', `No kind "${unknown}"; kinds are ${known.join(', ')}.`)
      const { ws, branch, summary } = await context.repository(target)
      const cache = join(context.home, 'index', `${summary.id}.db`)
      const all = ws.branches()
      const ids = allBranches
        ? all.map((b) => b.id)
        : branches?.length
          ? branches.map((name) => {
              const found = all.find((b) => b.name === name || b.id === name)
              if (!found) throw new WeftError('not-found', `No branch "${name}"; see branches_list.`)
              return found.id
            })
          : [branch]
      const request = { query, semantic, substring, path, languages, kinds, limit: limit ?? 20 }
      return symbols ? searchSymbols(ws, ids, cache, request) : searchBranches(ws, ids, cache, request)
    },
  }),
]
