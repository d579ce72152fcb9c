/**
 * `weft search QUERY`: the app's index and ranking from a terminal. The index is cached per
 * repository under the profile (`HOME/index/REPO.db`) and synced by content hash on each run, so a
 * search costs a load and the files changed since the last one: building from scratch takes
 * about 20 s for 5,000 files (bench/index.bench.ts), too slow to pay on every query. A damaged
 * cache is dropped and rebuilt.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { sha256 } from '../../model/content.ts'
import { WeftError } from '../../model/errors.ts'
import { SearchIndex, type IndexSource, type SearchHit, type SymbolHit } from '../../index/SearchIndex.ts'
import { openSnapshotDatabase, type SnapshotDatabase } from '../../index/sqlite.ts'
import { CHUNK_KINDS, SYMBOL_KINDS, type ChunkKind, type SymbolKind } from '../../index/types.ts'
import { nodeGrammars } from '../../syntax/nodeGrammars.ts'
import type { BranchId } from '../../model/types.ts'
import type { Workspace } from '../../repo/Workspace.ts'
import type { Io } from '../io.ts'
import { defaultHome, Profile } from '../Profile.ts'
import { commandArgs } from '../args.ts'

export const SEARCH_USAGE = `Usage: weft search QUERY [--symbols] [--substring] [--path GLOB] [--lang LANG]… [--kind KIND]… [--limit N] [--json]
                  [--repo NAME] [--branch NAME] [--relay URL] [--home DIR]
  QUERY words (each also a prefix), "exact phrase", -excluded, a OR b
  --symbols    go to symbol: definitions whose name contains QUERY
  --substring  literal substring anywhere, inside identifiers too
  --path GLOB  only files matching (src/**/*.ts, *.md, docs/)
  --lang LANG  only this language (typescript, python, go, rust, markdown, pdf, text…)
  --kind KIND  only this kind (function, method, class, section, page…)`

/** Runs `weft search ARGS`; returns the exit code (0 ok, 2 usage or bad input). */
export async function search(argv: string[], io: Io): Promise<number> {
  const parsed = commandArgs(
    'search',
    argv,
    {
      symbols: { type: 'boolean', default: false },
      substring: { type: 'boolean', default: false },
      path: { type: 'string' },
      lang: { type: 'string', multiple: true, default: [] },
      kind: { type: 'string', multiple: true, default: [] },
      limit: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      repo: { type: 'string' },
      branch: { type: 'string' },
      relay: { type: 'string', multiple: true, default: [] },
      home: { type: 'string' },
    },
    io.err,
    SEARCH_USAGE,
  )
  if (!parsed) return 2
  const { values: opts, positionals } = parsed
  if (opts.help) {
    io.out(SEARCH_USAGE + '\n')
    return 0
  }
  const query = positionals.join(' ')
  const limit = Number(opts.limit)
  if (!query.trim() && !opts.symbols) {
    io.err(`weft search: say what to search for.\n${SEARCH_USAGE}`)
    return 2
  }
  if (!Number.isInteger(limit) || limit < 1) {
    io.err(`weft search: --limit takes a positive whole number, not "${opts.limit}".`)
    return 2
  }
  const kinds: readonly string[] = opts.symbols ? SYMBOL_KINDS : CHUNK_KINDS
  const unknown = opts.kind.find((k) => !kinds.includes(k))
  if (unknown) {
    io.err(`weft search: no kind "${unknown}"; kinds are ${kinds.join(', ')}.`)
    return 2
  }
  const profile = await Profile.open(opts.home, opts.relay)
  try {
    const summary = profile.pick(opts.repo)
    const { ws } = await profile.open(summary)
    let branch = profile.currentBranch(ws, summary.id)
    if (opts.branch) {
      const found = ws.branches().find((b) => b.name === opts.branch || b.id === opts.branch)
      if (!found) throw new WeftError('not-found', `No branch "${opts.branch}"; see \`weft branch\`.`)
      branch = found.id
    }
    const request = {
      query,
      substring: opts.substring,
      path: opts.path,
      languages: opts.lang,
      kinds: opts.kind,
      limit,
    }
    const cache = join(opts.home ?? defaultHome(), 'index', `${summary.id}.db`)
    if (opts.symbols) {
      const found = await searchSymbols(ws, branch, cache, request)
      io.out(opts.json ? JSON.stringify(found, null, 2) + '\n' : found.map(symbolLine).join(''))
    } else {
      const hits = await searchBranch(ws, branch, cache, request)
      io.out(opts.json ? JSON.stringify(hits, null, 2) + '\n' : hits.map(hitLine).join(''))
    }
    return 0
  } catch (error) {
    io.err(`weft search: ${(error as Error).message}`)
    return 2
  } finally {
    await profile.close()
  }
}

/** What to search for, as `weft search`'s flags say it (`kinds` checked against CHUNK_KINDS or SYMBOL_KINDS by the caller). */
export interface SearchRequest {
  query: string
  substring?: boolean
  path?: string
  languages?: string[]
  kinds?: string[]
  limit: number
}

/** Runs `use` on the branch's index, cached at `cache` and brought up to date with the branch's files first. */
async function withIndex<T>(
  ws: Workspace,
  branch: BranchId,
  cache: string,
  use: (index: SearchIndex) => Promise<T>,
): Promise<T> {
  const { db, index } = await openCache(cache)
  try {
    const sources: IndexSource[] = await Promise.all(
      ws
        .entries(branch)
        .flatMap((e) => (e.type === 'file' ? [e] : []))
        .map(async (e) => {
          if (!e.live) return { path: e.path, hash: e.blob, load: () => ws.readBytes(branch, e.id) }
          // An edited file's text is in its live document; its blob is still the committed one.
          const bytes = await ws.readBytes(branch, e.id)
          return { path: e.path, hash: await sha256(bytes), load: async () => bytes }
        }),
    )
    const report = await index.sync(sources)
    if (index.rebuilt || report.indexed.length || report.removed.length || report.skipped.length) db.save()
    return await use(index)
  } finally {
    await index.close()
  }
}

/** Ranked search of the branch's files (`weft search QUERY`). */
export const searchBranch = (ws: Workspace, branch: BranchId, cache: string, request: SearchRequest) =>
  withIndex(ws, branch, cache, (index) =>
    index.search(request.query, {
      substring: request.substring ?? false,
      path: request.path,
      languages: request.languages ?? [],
      kinds: (request.kinds ?? []) as ChunkKind[],
      limit: request.limit,
    }),
  )

/** Definitions whose name contains the query (`weft search --symbols`). */
export const searchSymbols = (ws: Workspace, branch: BranchId, cache: string, request: SearchRequest) =>
  withIndex(ws, branch, cache, (index) =>
    index.symbols(request.query, { kinds: (request.kinds ?? []) as SymbolKind[], limit: request.limit }),
  )

/** The cached index at `path`; a cache SQLite cannot read is deleted and started afresh. */
async function openCache(path: string): Promise<{ db: SnapshotDatabase; index: SearchIndex }> {
  const grammars = await nodeGrammars()
  let db = await openSnapshotDatabase(path)
  try {
    return { db, index: await SearchIndex.open(db, grammars) }
  } catch {
    await db.close().catch(() => {})
    rmSync(path, { force: true })
    db = await openSnapshotDatabase(path)
    return { db, index: await SearchIndex.open(db, grammars) }
  }
}

/** `path:line  kind name  the matching line`, like grep with the definition it is in. */
function hitLine(hit: SearchHit): string {
  const where = hit.name ? `${hit.kind} ${hit.container ? `${hit.container}.` : ''}${hit.name}` : hit.kind
  const at = hit.highlights[0]?.[0] ?? 0
  const line = hit.snippet.slice(hit.snippet.lastIndexOf('\n', at - 1) + 1).split('\n')[0]
  return `${hit.path}:${hit.line}  ${where}  ${line.trim()}\n`
}

function symbolLine(s: SymbolHit): string {
  return `${s.kind} ${s.container ? `${s.container}.` : ''}${s.name}  ${s.path}:${s.startLine}-${s.endLine}\n`
}
