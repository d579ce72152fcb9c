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
import { readNodeModel } from '../../index/semantic/nodeModel.ts'
import { nodeGrammars } from '../../syntax/nodeGrammars.ts'
import type { BranchId } from '../../model/types.ts'
import type { Workspace } from '../../repo/Workspace.ts'
import type { Io } from '../io.ts'
import { defaultHome, Profile } from '../Profile.ts'
import { commandArgs } from '../args.ts'

export const SEARCH_USAGE = `Usage: weft search QUERY [--semantic] [--symbols] [--substring] [--path GLOB] [--lang LANG]… [--kind KIND]… [--limit N] [--json]
                  [--repo NAME] [--branch NAME]… [--all-branches] [--relay URL] [--home DIR]
  QUERY words (each also a prefix), "exact phrase", -excluded, a OR b
  --semantic   by meaning too: a question in plain words ("where do we retry uploads")
  --branch B   search branch B (repeat for several; default: the current branch)
  --all-branches  search every branch; each hit says which branches hold it
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
      semantic: { type: 'boolean', default: false },
      'all-branches': { type: 'boolean', default: false },
      substring: { type: 'boolean', default: false },
      path: { type: 'string' },
      lang: { type: 'string', multiple: true, default: [] },
      kind: { type: 'string', multiple: true, default: [] },
      limit: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      repo: { type: 'string' },
      branch: { type: 'string', multiple: true, default: [] },
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
  if (opts.semantic && (opts.symbols || opts.substring)) {
    io.err('weft search: --semantic ranks words by meaning; it does not go with --symbols or --substring.')
    return 2
  }
  if (opts['all-branches'] && opts.branch.length) {
    io.err('weft search: say --branch or --all-branches, not both.')
    return 2
  }
  const profile = await Profile.open(opts.home, opts.relay)
  try {
    const summary = profile.pick(opts.repo)
    const { ws } = await profile.open(summary)
    const branches = opts['all-branches']
      ? ws.branches().map((b) => b.id)
      : opts.branch.length
        ? opts.branch.map((name) => findBranch(ws, name))
        : [profile.currentBranch(ws, summary.id)]
    const request = {
      query,
      semantic: opts.semantic,
      substring: opts.substring,
      path: opts.path,
      languages: opts.lang,
      kinds: opts.kind,
      limit,
    }
    const cache = join(opts.home ?? defaultHome(), 'index', `${summary.id}.db`)
    if (opts.symbols) {
      const found = await searchSymbols(ws, branches, cache, request)
      io.out(opts.json ? JSON.stringify(found, null, 2) + '\n' : found.map(symbolLine).join(''))
    } else {
      const hits = await searchBranches(ws, branches, cache, request)
      const many = branches.length > 1
      io.out(
        opts.json ? JSON.stringify(hits, null, 2) + '\n' : hits.map((hit) => hitLine(hit, many)).join(''),
      )
    }
    return 0
  } catch (error) {
    io.err(`weft search: ${(error as Error).message}`)
    return 2
  } finally {
    await profile.close()
  }
}

/** The id of the branch named (or with the id) `name`; throws naming it when there is none. */
function findBranch(ws: Workspace, name: string): BranchId {
  const found = ws.branches().find((b) => b.name === name || b.id === name)
  if (!found) throw new WeftError('not-found', `No branch "${name}"; see \`weft branch\`.`)
  return found.id
}

/** What to search for, as `weft search`'s flags say it (`kinds` checked against CHUNK_KINDS or SYMBOL_KINDS by the caller). */
export interface SearchRequest {
  query: string
  /** Ranked by meaning too (bm25 fused with word vectors; the model loads on first use). */
  semantic?: boolean
  substring?: boolean
  path?: string
  languages?: string[]
  kinds?: string[]
  limit: number
}

/**
 * Runs `use` on the repository's index, cached at `cache`, after bringing each of `branches` in it
 * up to date with that branch's files. Branches are stored by id (names can change); content is
 * shared, so a branch costs only the files no other branch holds. Branches deleted since are dropped.
 */
async function withIndex<T>(
  ws: Workspace,
  branches: BranchId[],
  cache: string,
  use: (index: SearchIndex) => Promise<T>,
): Promise<T> {
  const { db, index } = await openCache(cache)
  try {
    let changed = index.rebuilt !== null
    for (const branch of branches) {
      const report = await index.sync(await branchSources(ws, branch), branch)
      if (report.indexed.length || report.shared.length || report.removed.length || report.skipped.length)
        changed = true
    }
    // After the syncs: content a dropped branch shared with a kept one is linked again, not re-read
    // (a cache from before branches were stored by id has everything under "default").
    const gone = await index.retainBranches(ws.branches().map((b) => b.id))
    if (gone.length) changed = true
    const vectorsBefore = (await index.stats()).vectors
    const result = await use(index)
    // A first semantic search embeds chunks: keep their vectors for the next run.
    if (changed || (await index.stats()).vectors !== vectorsBefore) db.save()
    return result
  } finally {
    await index.close()
  }
}

/** The files of `branch` as the index reads them (an edited file by its live text). */
function branchSources(ws: Workspace, branch: BranchId): Promise<IndexSource[]> {
  return Promise.all(
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
}

/**
 * Ranked search of the files of `branches` (`weft search QUERY`); each hit names the branches
 * holding it, by name in alphabetical order (ids are random, so their order would be too).
 */
export const searchBranches = (
  ws: Workspace,
  branches: BranchId[],
  cache: string,
  request: SearchRequest,
): Promise<SearchHit[]> =>
  withIndex(ws, branches, cache, async (index) => {
    const names = new Map(ws.branches().map((b) => [b.id as string, b.name]))
    const hits = await index.search(request.query, {
      semantic: request.semantic ?? false,
      substring: request.substring ?? false,
      branches,
      path: request.path,
      languages: request.languages ?? [],
      kinds: (request.kinds ?? []) as ChunkKind[],
      limit: request.limit,
    })
    return hits.map((hit) => ({ ...hit, branches: hit.branches.map((b) => names.get(b) ?? b).sort() }))
  })

/** Definitions whose name contains the query, on any of `branches` (`weft search --symbols`). */
export const searchSymbols = (ws: Workspace, branches: BranchId[], cache: string, request: SearchRequest) =>
  withIndex(ws, branches, cache, (index) =>
    index.symbols(request.query, {
      kinds: (request.kinds ?? []) as SymbolKind[],
      limit: request.limit,
      branches,
    }),
  )

/** The cached index at `path`; a cache SQLite cannot read is deleted and started afresh. */
async function openCache(path: string): Promise<{ db: SnapshotDatabase; index: SearchIndex }> {
  const grammars = await nodeGrammars()
  let db = await openSnapshotDatabase(path)
  try {
    return { db, index: await SearchIndex.open(db, grammars, { loadModel: readNodeModel }) }
  } catch {
    await db.close().catch(() => {})
    rmSync(path, { force: true })
    db = await openSnapshotDatabase(path)
    return { db, index: await SearchIndex.open(db, grammars, { loadModel: readNodeModel }) }
  }
}

/**
 * `path:line  kind name  the matching line`, like grep with the definition it is in; when several
 * branches were searched, `  [branch, …]` after it says which hold the hit.
 */
function hitLine(hit: SearchHit, withBranches: boolean): string {
  const where = hit.name ? `${hit.kind} ${hit.container ? `${hit.container}.` : ''}${hit.name}` : hit.kind
  const at = hit.highlights[0]?.[0] ?? 0
  const line = hit.snippet.slice(hit.snippet.lastIndexOf('\n', at - 1) + 1).split('\n')[0]
  const on = withBranches ? `  [${hit.branches.join(', ')}]` : ''
  return `${hit.path}:${hit.line}  ${where}  ${line.trim()}${on}\n`
}

function symbolLine(s: SymbolHit): string {
  return `${s.kind} ${s.container ? `${s.container}.` : ''}${s.name}  ${s.path}:${s.startLine}-${s.endLine}\n`
}
