/**
 * The local code index of every branch in flight: files in, ranked chunks and symbols out. Pure
 * TypeScript over a `Database`, so the CLI and tests (Node) and the index worker share it.
 * Content is indexed once per blob and shared by every branch holding it (schema.ts); ranked
 * search is FTS5's bm25, and with `semantic: true` bm25 fused with word-vector similarity
 * (semantic/).
 */
import { encodeText, sha256 } from '../model/content.ts'
import type { Grammars } from '../syntax/grammars.ts'
import { indexLanguageForPath } from '../syntax/languages.ts'
import type { Database, SqlValue } from './database.ts'
import { extract } from './documents.ts'
import { globToRegExp } from './glob.ts'
import { likePattern, MIN_TRIGRAM, relaxedWordQuery, wordQuery } from './query.ts'
import { CHUNKER_VERSION, createSchema, staleReason, WORD_WEIGHTS } from './schema.ts'
import { reciprocalRankFusion } from './semantic/fusion.ts'
import { decodeModel, embed, quantize, type WordModel } from './semantic/model.ts'
import { modelTokens } from './semantic/tokens.ts'
import { VectorStore } from './semantic/VectorStore.ts'
import { identifierParts } from './terms.ts'
import type { ChunkKind, Extracted, SymbolKind } from './types.ts'

/** The branch of callers that index one tree and never name a branch. */
export const DEFAULT_BRANCH = 'default'

/** A file as the caller's tree knows it; `load` is called only when its hash is new to the index. */
export interface IndexSource {
  path: string
  /** SHA-256 of the content (a blob id); content already indexed for any branch is never re-indexed. */
  hash: string
  load(): Promise<Uint8Array | string>
}

export interface FileOutcome {
  path: string
  status: 'indexed' | 'skipped' | 'unchanged'
  reason?: string
  chunks: number
  symbols: number
}

export interface SyncReport {
  /** Files whose content was read and indexed. */
  indexed: string[]
  /** Files whose content another branch (or path) had indexed already: not read again. */
  shared: string[]
  removed: string[]
  unchanged: number
  skipped: { path: string; reason: string }[]
}

export interface SearchOptions {
  /** Literal substring (trigram) search instead of ranked word search. */
  substring?: boolean
  /**
   * Ranked by meaning too: bm25 fused with word-vector similarity (loads the model on first use);
   * `'vectors'` ranks by vector similarity alone (to measure what fusion adds).
   */
  semantic?: boolean | 'vectors'
  /** Only these branches (default: every branch in the index). */
  branches?: string[]
  /** Path glob (`src/**\/*.ts`, `*.md`, `docs/`). */
  path?: string
  languages?: string[]
  kinds?: ChunkKind[]
  /** At most this many hits (default 50, at most 1,000). */
  limit?: number
}

export interface SearchHit {
  path: string
  /** The searched branches holding this chunk at this path. */
  branches: string[]
  language: string
  kind: ChunkKind
  name: string | null
  container: string | null
  startLine: number
  endLine: number
  /** The line that best shows the match (the chunk's first line when only its name matched). */
  line: number
  /**
   * That line, cut to 160 characters centred on the first match (more when the match is longer, so
   * it is never cut), and the [start, end) ranges to highlight in it.
   */
  snippet: string
  highlights: [number, number][]
  /** Lower is better: bm25, or minus the fused score of a semantic search; 0 for substring hits, which come in path order. */
  score: number
}

export interface SymbolHit {
  name: string
  kind: SymbolKind
  container: string | null
  path: string
  language: string
  startLine: number
  endLine: number
}

export interface IndexStats {
  /** Files (one per branch and path) indexed, and skipped. */
  files: number
  skipped: number
  /** Distinct contents stored (shared by the branches and paths holding them). */
  blobs: number
  branches: number
  chunks: number
  symbols: number
  /** Chunks with a stored embedding. */
  vectors: number
  /** Characters of indexed text. */
  textChars: number
  /** Size of the database file. */
  bytes: number
}

export interface IndexOptions {
  /** The word-vector model file's bytes (models/weft-words.bin), read when semantic search is first used. */
  loadModel?: () => Promise<Uint8Array>
}

/** How many files one write transaction takes during a sync; edits can slip in between batches. */
const SYNC_BATCH = 200
/** Filters shared by the search queries: ?2 languages, ?3 kinds, ?4 blob ids (JSON arrays or null). */
const WHERE = `(?2 IS NULL OR b.language IN (SELECT value FROM json_each(?2)))
  AND (?3 IS NULL OR c.kind IN (SELECT value FROM json_each(?3)))
  AND (?4 IS NULL OR c.blob_id IN (SELECT value FROM json_each(?4)))`
/** Most matches one word query ranks (bm25 costs about a microsecond per match). */
const RANK_CAP = 2_000
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1_000
const SNIPPET_CHARS = 160
/** How deep each list fused by a semantic search goes. */
const FUSION_DEPTH = 100
/**
 * How much a path's similarity to the query adds to a chunk's (semantic search). Measured on the
 * eslint questions (npm run bench:semantic), 0.2…1.2: 0.4 gives the best hybrid recall@5 and MRR together.
 */
const PATH_WEIGHT = 0.4
/** How many chunks one embedding transaction writes. */
const EMBED_BATCH = 500

interface HitRow {
  path: string
  language: string
  kind: ChunkKind
  name: string | null
  container: string | null
  start_line: number
  end_line: number
  text: string
}

/** Which blobs a search may return, and which branches it reports (null: no restriction). */
interface Scope {
  blobs: number[] | null
  branches: Set<string> | null
  path: RegExp | null
}

const blobKey = (hash: string, path: string) => `${hash} ${indexLanguageForPath(path)}`

export class SearchIndex {
  readonly #db: Database
  readonly #grammars: Grammars
  readonly #loadModel: (() => Promise<Uint8Array>) | undefined
  /** Why the stored index was dropped and rebuilt when opened; null when it was reused. */
  readonly rebuilt: string | null
  /** Write tasks run one after another (each in its own transaction). */
  #writes: Promise<unknown> = Promise.resolve()
  /** Every file's branch, path and blob, for branch and path filters; dropped on any write. */
  #files: { branch: string; path: string; blob: number }[] | null = null
  /** The model and the chunk vectors, once semantic search has been asked for. */
  #semantic: Promise<{ model: WordModel; store: VectorStore }> | null = null
  /** Embeddings of paths (null: no known word), for the path bonus of vector search. */
  readonly #pathVectors = new Map<string, Float32Array | null>()
  /** Set inside the write queue once the vectors are loaded: new chunks are embedded as stored. */
  #embedding: { model: WordModel; store: VectorStore } | null = null

  private constructor(db: Database, grammars: Grammars, rebuilt: string | null, options: IndexOptions) {
    this.#db = db
    this.#grammars = grammars
    this.rebuilt = rebuilt
    this.#loadModel = options.loadModel
  }

  /** Opens the index stored in `db`, rebuilding it empty if its schema, SQLite or chunker changed. */
  static async open(db: Database, grammars: Grammars, options: IndexOptions = {}): Promise<SearchIndex> {
    const engine = `${db.engine}; chunker ${CHUNKER_VERSION}`
    const stale = await staleReason(db, engine)
    if (stale) await createSchema(db, engine)
    return new SearchIndex(db, grammars, stale, options)
  }

  /** Path → content hash of every file of `branch` in the index (skipped files included). */
  async fileHashes(branch = DEFAULT_BRANCH): Promise<Map<string, string>> {
    const rows = await this.#db.rows<{ path: string; hash: string }>(
      'SELECT path, hash FROM files WHERE branch = ?',
      [branch],
    )
    return new Map(rows.map((r) => [r.path, r.hash]))
  }

  /** The files of `files` whose content the index would have to read to hold them on `branch`. */
  async missing(files: { path: string; hash: string }[], branch = DEFAULT_BRANCH): Promise<string[]> {
    const known = await this.fileHashes(branch)
    const blobs = await this.#blobIds()
    return files
      .filter((f) => known.get(f.path) !== f.hash && !blobs.has(blobKey(f.hash, f.path)))
      .map((f) => f.path)
  }

  /** The branches in the index, with how many files each holds. */
  branches(): Promise<{ branch: string; files: number }[]> {
    return this.#db.rows('SELECT branch, count(*) AS files FROM files GROUP BY branch ORDER BY branch')
  }

  /** Forgets every branch not named in `keep` (and the content only they held). */
  async retainBranches(keep: string[]): Promise<string[]> {
    const gone = (await this.branches()).map((b) => b.branch).filter((b) => !keep.includes(b))
    if (gone.length)
      await this.#write(async () => {
        const blobs = await this.#db.rows<{ blob_id: number }>(
          'SELECT DISTINCT blob_id FROM files WHERE branch IN (SELECT value FROM json_each(?))',
          [JSON.stringify(gone)],
        )
        await this.#db.exec('DELETE FROM files WHERE branch IN (SELECT value FROM json_each(?))', [
          JSON.stringify(gone),
        ])
        for (const { blob_id } of blobs) await this.#collect(blob_id)
      })
    return gone
  }

  /**
   * Brings `branch` in the index to exactly `sources`: files whose hash changed or that are new are
   * linked to their content, which is loaded and indexed only if no branch has it yet; files no
   * longer present are removed, the rest untouched (indexing a new branch costs only what it
   * changed).
   */
  async sync(sources: Iterable<IndexSource>, branch = DEFAULT_BRANCH): Promise<SyncReport> {
    const known = await this.fileHashes(branch)
    const report: SyncReport = { indexed: [], shared: [], removed: [], unchanged: 0, skipped: [] }
    const stale: IndexSource[] = []
    for (const source of sources) {
      if (known.get(source.path) === source.hash) report.unchanged++
      else stale.push(source)
      known.delete(source.path)
    }
    report.removed = [...known.keys()]
    if (report.removed.length)
      await this.#write(async () => {
        for (const path of report.removed) await this.#unlink(branch, path)
      })
    for (let at = 0; at < stale.length; at += SYNC_BATCH) {
      const blobs = await this.#blobIds()
      const batch: { source: IndexSource; extracted: Extracted | null; size: number }[] = []
      const loading = new Set<string>()
      for (const source of stale.slice(at, at + SYNC_BATCH)) {
        const key = blobKey(source.hash, source.path)
        if (blobs.has(key) || loading.has(key)) {
          batch.push({ source, extracted: null, size: 0 })
          continue
        }
        loading.add(key)
        const content = await source.load()
        batch.push({
          source,
          extracted: await extract(source.path, content, this.#grammars),
          size: sizeOf(content),
        })
      }
      await this.#write(async () => {
        for (const { source, extracted, size } of batch)
          await this.#link(branch, source.path, source.hash, extracted && { size, extracted })
      })
      for (const { source, extracted } of batch) {
        if (!extracted) report.shared.push(source.path)
        else if (extracted.status === 'indexed') report.indexed.push(source.path)
        else report.skipped.push({ path: source.path, reason: extracted.reason })
      }
    }
    return report
  }

  /** Indexes one file's content (bytes or text) on `branch` under `hash` (its SHA-256 if not given). */
  async indexFile(
    path: string,
    content: Uint8Array | string,
    hash?: string,
    branch = DEFAULT_BRANCH,
  ): Promise<FileOutcome> {
    const bytes = typeof content === 'string' ? encodeText(content) : content
    // Hashed, checked and extracted inside the write queue, so edits of one file land in call order.
    return this.#write(async (): Promise<FileOutcome> => {
      const id = hash ?? (await sha256(bytes))
      const current = await this.#db.rows<{ hash: string }>(
        'SELECT hash FROM files WHERE branch = ? AND path = ?',
        [branch, path],
      )
      if (current[0]?.hash === id) return { path, status: 'unchanged', chunks: 0, symbols: 0 }
      const [stored] = await this.#db.rows<{ skipped: string | null }>(
        'SELECT skipped FROM blobs WHERE key = ?',
        [blobKey(id, path)],
      )
      const extracted = stored ? null : await extract(path, content, this.#grammars)
      await this.#link(branch, path, id, extracted && { size: bytes.byteLength, extracted })
      if (!extracted)
        return stored.skipped === null
          ? { path, status: 'indexed', chunks: 0, symbols: 0 }
          : { path, status: 'skipped', reason: stored.skipped, chunks: 0, symbols: 0 }
      return extracted.status === 'indexed'
        ? { path, status: 'indexed', chunks: extracted.chunks.length, symbols: extracted.symbols.length }
        : { path, status: 'skipped', reason: extracted.reason, chunks: 0, symbols: 0 }
    })
  }

  /** Re-indexes a file of `branch` after an edit (the caller debounces); only that file is touched. */
  updateFile(path: string, text: string, branch = DEFAULT_BRANCH): Promise<FileOutcome> {
    return this.indexFile(path, text, undefined, branch)
  }

  /** Forgets a file of `branch`; false when it was not indexed. */
  removeFile(path: string, branch = DEFAULT_BRANCH): Promise<boolean> {
    return this.#write(() => this.#unlink(branch, path))
  }

  /** Ranked word search, literal substring search with `substring: true`, or by meaning with `semantic: true`. */
  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT))
    const scope = await this.#scope(options)
    if (scope.blobs && !scope.blobs.length) return []
    const filtered = Boolean(options.languages?.length || options.kinds?.length || scope.blobs)
    const filters: SqlValue[] = [
      options.languages?.length ? JSON.stringify(options.languages) : null,
      options.kinds?.length ? JSON.stringify(options.kinds) : null,
      scope.blobs ? JSON.stringify(scope.blobs) : null,
    ]
    if (options.semantic && !options.substring)
      return this.#semanticSearch(query, options, scope, filters, filtered, limit)
    // Two steps: rank ids only, then fetch the text of the few kept. Selecting text in the ranking
    // query would copy it for every match before sorting.
    const words = options.substring ? null : wordQuery(query)
    if (words)
      return this.#hits(await this.#rank(words.match, filters, filtered, limit), words.words, scope, limit)
    // Substring search, also for input without any word (`=>`, `::`). The trigram index narrows
    // by LIKE (its `%` and `_` are wildcards); `instr` then keeps exact matches only.
    const needle = query.trim()
    if (!needle) return []
    // The first `limit` matches in index order (so the scan stops there), shown in path order.
    const top = await this.#db.rows<{ id: number }>(
      [...needle].length >= MIN_TRIGRAM
        ? `SELECT c.id FROM chunk_grams JOIN chunks c ON c.id = chunk_grams.rowid JOIN blobs b ON b.id = c.blob_id
         WHERE chunk_grams.text LIKE ?6 AND instr(lower(c.text), lower(?1)) > 0 AND ${WHERE}
         ORDER BY chunk_grams.rowid LIMIT ?5`
        : `SELECT c.id FROM chunks c JOIN blobs b ON b.id = c.blob_id
         WHERE instr(lower(c.text), lower(?1)) > 0 AND ${WHERE} ORDER BY c.id LIMIT ?5`,
      [needle, ...filters, limit, `%${needle}%`],
    )
    const hits = await this.#hits(
      top.map(({ id }) => ({ id, score: 0 })),
      [needle],
      scope,
      limit,
    )
    return hits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine))
  }

  /**
   * Loads the word-vector model and embeds every chunk that has no vector yet (all of them the
   * first time), reporting progress as chunks are done. Semantic search does this on first use;
   * call it ahead to pay the cost before the first query.
   */
  enableSemantic(progress?: (done: number, total: number) => void): Promise<void> {
    return this.#vectors(progress).then(() => undefined)
  }

  /**
   * Go-to-symbol: definitions whose name contains `query` (case-insensitive), exact and prefix
   * matches first, then shorter names. An empty query lists symbols by name.
   */
  async symbols(
    query: string,
    options: { kinds?: SymbolKind[]; limit?: number; branches?: string[] } = {},
  ): Promise<SymbolHit[]> {
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT))
    const q = query.trim()
    return this.#db.rows<SymbolHit>(
      `SELECT DISTINCT s.name, s.kind, s.container, f.path, b.language, s.start_line AS startLine, s.end_line AS endLine
       FROM symbols s JOIN blobs b ON b.id = s.blob_id JOIN files f ON f.blob_id = s.blob_id
       WHERE s.name LIKE ?2 ESCAPE '\\' AND (?3 IS NULL OR s.kind IN (SELECT value FROM json_each(?3)))
         AND (?6 IS NULL OR f.branch IN (SELECT value FROM json_each(?6)))
       ORDER BY CASE WHEN s.name = ?1 THEN 0 WHEN s.name = ?1 COLLATE NOCASE THEN 1 WHEN s.name LIKE ?4 ESCAPE '\\' THEN 2 ELSE 3 END,
         length(s.name), s.name, f.path, s.start_line
       LIMIT ?5`,
      [
        q,
        likePattern(q),
        options.kinds?.length ? JSON.stringify(options.kinds) : null,
        likePattern(q).slice(1),
        limit,
        options.branches?.length ? JSON.stringify(options.branches) : null,
      ],
    )
  }

  /** Go-to-definition: the definitions named exactly `name`, exact case first. */
  definitions(name: string, branches?: string[]): Promise<SymbolHit[]> {
    return this.#db.rows<SymbolHit>(
      `SELECT DISTINCT s.name, s.kind, s.container, f.path, b.language, s.start_line AS startLine, s.end_line AS endLine
       FROM symbols s JOIN blobs b ON b.id = s.blob_id JOIN files f ON f.blob_id = s.blob_id
       WHERE s.name = ?1 COLLATE NOCASE AND (?2 IS NULL OR f.branch IN (SELECT value FROM json_each(?2)))
       ORDER BY s.name <> ?1, f.path, s.start_line LIMIT ${MAX_LIMIT}`,
      [name, branches?.length ? JSON.stringify(branches) : null],
    )
  }

  /** A file's outline on `branch`: its symbols in line order. */
  outline(path: string, branch = DEFAULT_BRANCH): Promise<SymbolHit[]> {
    return this.#db.rows<SymbolHit>(
      `SELECT s.name, s.kind, s.container, f.path, b.language, s.start_line AS startLine, s.end_line AS endLine
       FROM files f JOIN blobs b ON b.id = f.blob_id JOIN symbols s ON s.blob_id = f.blob_id
       WHERE f.branch = ? AND f.path = ? ORDER BY s.start_line, s.end_line DESC`,
      [branch, path],
    )
  }

  /** Files left out of the index (on any branch), with the reason. */
  skipped(): Promise<{ path: string; reason: string }[]> {
    return this.#db.rows(
      `SELECT DISTINCT f.path, b.skipped AS reason FROM files f JOIN blobs b ON b.id = f.blob_id
       WHERE b.skipped IS NOT NULL ORDER BY f.path`,
    )
  }

  async stats(): Promise<IndexStats> {
    const [counts] = await this.#db.rows<Omit<IndexStats, 'bytes'>>(
      `SELECT (SELECT count(*) FROM files f JOIN blobs b ON b.id = f.blob_id WHERE b.skipped IS NULL) AS files,
         (SELECT count(*) FROM files f JOIN blobs b ON b.id = f.blob_id WHERE b.skipped IS NOT NULL) AS skipped,
         (SELECT count(*) FROM blobs) AS blobs, (SELECT count(DISTINCT branch) FROM files) AS branches,
         (SELECT count(*) FROM chunks) AS chunks, (SELECT count(*) FROM symbols) AS symbols,
         (SELECT count(vector) FROM chunk_vectors) AS vectors,
         (SELECT coalesce(sum(length(text)), 0) FROM chunks) AS textChars`,
    )
    const [pages] = await this.#db.rows<{ bytes: number }>(
      'SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()',
    )
    return { ...counts, bytes: pages.bytes }
  }

  /** Waits for pending writes, then closes the database. */
  async close(): Promise<void> {
    await this.#writes.catch(() => {})
    await this.#db.close()
  }

  /**
   * The `limit` best chunk ids for a word query by bm25. Ranking costs time per match, so at most
   * RANK_CAP matches are ranked: a broader query (a word in most chunks) ranks definitions named
   * by it first (unless `namedFirst` is false), then the first RANK_CAP matches.
   */
  async #rank(
    match: string,
    filters: SqlValue[],
    filtered: boolean,
    limit: number,
    namedFirst = true,
  ): Promise<{ id: number; score: number }[]> {
    const weights = `${WORD_WEIGHTS.name}, ${WORD_WEIGHTS.terms}, ${WORD_WEIGHTS.text}`
    const from = filtered
      ? `chunk_words JOIN chunks c ON c.id = chunk_words.rowid JOIN blobs b ON b.id = c.blob_id WHERE chunk_words MATCH ?1 AND ${WHERE}`
      : 'chunk_words WHERE chunk_words MATCH ?1'
    // `matched` counts the ranked rows: more than RANK_CAP means the cap cut the query short.
    const rank = (expression: string) =>
      this.#db.rows<{ id: number; score: number; matched: number }>(
        `SELECT id, score, count(*) OVER () AS matched
       FROM (SELECT chunk_words.rowid AS id, bm25(chunk_words, ${weights}) AS score FROM ${from} LIMIT ?6)
       ORDER BY score LIMIT ?5`,
        [expression, ...filters, limit, RANK_CAP + 1],
      )
    const all = await rank(match)
    if (!all.length || all[0].matched <= RANK_CAP || !namedFirst) return all
    const named = await rank(`{name} : (${match})`)
    const seen = new Set(named.map((r) => r.id))
    return [...named, ...all.filter((r) => !seen.has(r.id))].slice(0, limit)
  }

  /**
   * Hybrid search: three ranked lists fused by reciprocal rank (semantic/fusion.ts): bm25 of all
   * the words (the plain search), bm25 of any of them (a question rarely has every word in one
   * chunk), and the nearest chunk vectors to the query's.
   */
  async #semanticSearch(
    query: string,
    options: SearchOptions,
    scope: Scope,
    filters: SqlValue[],
    filtered: boolean,
    limit: number,
  ): Promise<SearchHit[]> {
    const { model, store } = await this.#vectors()
    const strict = wordQuery(query)
    const relaxed = relaxedWordQuery(query)
    const lists: number[][] = []
    const lexical = options.semantic !== 'vectors'
    if (strict && lexical)
      lists.push((await this.#rank(strict.match, filters, filtered, FUSION_DEPTH)).map((r) => r.id))
    // Any word of a question: no second pass for definitions named by it (half the query's bm25
    // time at 5,000 files; the same recall on bench:semantic, where the vectors and path bonus
    // bring named files up anyway).
    if (relaxed && lexical)
      lists.push((await this.#rank(relaxed.match, filters, filtered, FUSION_DEPTH, false)).map((r) => r.id))
    const vector = embed(model, query)
    if (vector) {
      const allowed = options.languages?.length
        ? await this.#languageBlobs(options.languages, scope)
        : scope.blobs
      const near = store.nearest(
        vector,
        FUSION_DEPTH * (options.kinds?.length ? 4 : 1),
        allowed && new Set(allowed),
        await this.#pathBonus(model, vector, scope),
      )
      let ids = near.map((n) => n.id)
      if (options.kinds?.length) ids = await this.#ofKinds(ids, options.kinds)
      lists.push(ids.slice(0, FUSION_DEPTH))
    }
    const fused = reciprocalRankFusion(lists).slice(0, limit)
    const scores = new Map(reciprocalRankFusion(lists).map((id, rank) => [id, rank]))
    const needles = [...new Set([...(strict?.words ?? []), ...modelTokens(query)])]
    return this.#hits(
      fused.map((id) => ({ id, score: -1 / (1 + (scores.get(id) ?? 0)) })),
      needles,
      scope,
      limit,
    )
  }

  /** The model and every chunk's vector in memory, loading and embedding what is missing first. */
  #vectors(
    progress?: (done: number, total: number) => void,
  ): Promise<{ model: WordModel; store: VectorStore }> {
    const loadModel = this.#loadModel
    if (!loadModel)
      return Promise.reject(
        new Error('Semantic search is not available here: no word-vector model was given.'),
      )
    this.#semantic ??= (async () => {
      const bytes = await loadModel()
      const model = decodeModel(bytes)
      const modelId = (await sha256(bytes)).slice(0, 16)
      return this.#write(async () => {
        const [stored] = await this.#db.rows<{ value: string }>(
          `SELECT value FROM meta WHERE key = 'vector_model'`,
        )
        if (stored?.value !== modelId) {
          // Vectors of another model are not comparable with this one's.
          await this.#db.exec('DELETE FROM chunk_vectors')
          await this.#db.exec(`INSERT OR REPLACE INTO meta (key, value) VALUES ('vector_model', ?)`, [
            modelId,
          ])
        }
        const store = new VectorStore(model.dims)
        const rows = await this.#db.rows<{ chunk_id: number; blob_id: number; vector: Uint8Array }>(
          `SELECT v.chunk_id, c.blob_id, v.vector FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id
           WHERE v.vector IS NOT NULL`,
        )
        for (const row of rows)
          store.add(
            row.chunk_id,
            row.blob_id,
            new Int8Array(row.vector.buffer, row.vector.byteOffset, row.vector.byteLength),
          )
        const semantic = { model, store }
        this.#embedding = semantic
        return semantic
      })
    })()
    const ready = this.#semantic
    ready.catch(() => {
      if (this.#semantic === ready) this.#semantic = null
    })
    return ready.then(async (semantic) => {
      await this.#embedMissing(progress)
      return semantic
    })
  }

  /** Embeds the chunks stored before the model was loaded, EMBED_BATCH per transaction. */
  async #embedMissing(progress?: (done: number, total: number) => void): Promise<void> {
    const missing = `FROM chunks c LEFT JOIN chunk_vectors v ON v.chunk_id = c.id WHERE v.chunk_id IS NULL`
    const [{ total }] = await this.#db.rows<{ total: number }>(`SELECT count(*) AS total ${missing}`)
    if (!total) return
    let done = 0
    for (;;) {
      const count = await this.#write(async () => {
        const rows = await this.#db.rows<{
          id: number
          blob_id: number
          name: string | null
          container: string | null
          text: string
        }>(`SELECT c.id, c.blob_id, c.name, c.container, c.text ${missing} LIMIT ${EMBED_BATCH}`)
        for (const row of rows) await this.#storeVector(row)
        return rows.length
      })
      done += count
      progress?.(Math.min(done, total), total)
      if (count < EMBED_BATCH) return
    }
  }

  /** Embeds one chunk (its name, container and text) and stores the vector; empty when no word is known. */
  async #storeVector(chunk: {
    id: number
    blob_id: number
    name: string | null
    container: string | null
    text: string
  }) {
    const semantic = this.#embedding
    if (!semantic) return
    const vector = embed(semantic.model, `${chunk.container ?? ''} ${chunk.name ?? ''}\n${chunk.text}`)
    const stored = vector && quantize(vector)
    await this.#db.exec('INSERT OR REPLACE INTO chunk_vectors (chunk_id, vector) VALUES (?, ?)', [
      chunk.id,
      stored && new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength),
    ])
    if (stored) semantic.store.add(chunk.id, chunk.blob_id, stored)
  }

  /**
   * How well each blob's path says what the query asks (`rules/no-unused-vars.js` for "unused
   * variables"): PATH_WEIGHT × the best cosine of the query with the words of a path holding it.
   * A path names what a whole file is about, which no single chunk of it may say.
   */
  async #pathBonus(model: WordModel, query: Float32Array, scope: Scope): Promise<Map<number, number>> {
    const files = await this.#allFiles()
    const bonus = new Map<number, number>()
    for (const f of files) {
      if (scope.branches && !scope.branches.has(f.branch)) continue
      if (scope.path && !scope.path.test(f.path)) continue
      let vector = this.#pathVectors.get(f.path)
      if (vector === undefined) {
        vector = embed(model, f.path.replace(/\.[^./]*$/, ''))
        this.#pathVectors.set(f.path, vector)
      }
      if (!vector) continue
      let dot = 0
      for (let d = 0; d < vector.length; d++) dot += vector[d] * query[d]
      const score = PATH_WEIGHT * Math.max(0, dot)
      if (score > (bonus.get(f.blob) ?? 0)) bonus.set(f.blob, score)
    }
    return bonus
  }

  /** The ids among `ids` whose chunk is of one of `kinds`, in order. */
  async #ofKinds(ids: number[], kinds: ChunkKind[]): Promise<number[]> {
    const rows = await this.#db.rows<{ id: number }>(
      `SELECT id FROM chunks WHERE id IN (SELECT value FROM json_each(?)) AND kind IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(ids), JSON.stringify(kinds)],
    )
    const keep = new Set(rows.map((r) => r.id))
    return ids.filter((id) => keep.has(id))
  }

  /** Blobs of `languages` within the scope. */
  async #languageBlobs(languages: string[], scope: Scope): Promise<number[]> {
    const rows = await this.#db.rows<{ id: number }>(
      `SELECT id FROM blobs WHERE language IN (SELECT value FROM json_each(?)) AND (?2 IS NULL OR id IN (SELECT value FROM json_each(?2)))`,
      [JSON.stringify(languages), scope.blobs ? JSON.stringify(scope.blobs) : null],
    )
    return rows.map((r) => r.id)
  }

  /**
   * The hits for ranked chunk ids, in that order, each with the line that best shows `needles`: one
   * per path holding the chunk's blob on the searched branches, naming those branches.
   */
  async #hits(
    ranked: { id: number; score: number }[],
    needles: string[],
    scope: Scope,
    limit: number,
  ): Promise<SearchHit[]> {
    if (!ranked.length) return []
    const rows = await this.#db.rows<Omit<HitRow, 'path'> & { id: number; blob_id: number }>(
      `SELECT c.id, c.blob_id, b.language, c.kind, c.name, c.container, c.start_line, c.end_line, c.text
       FROM chunks c JOIN blobs b ON b.id = c.blob_id WHERE c.id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(ranked.map((r) => r.id))],
    )
    const places = await this.#db.rows<{ branch: string; path: string; blob_id: number }>(
      `SELECT branch, path, blob_id FROM files WHERE blob_id IN (SELECT value FROM json_each(?)) ORDER BY path, branch`,
      [JSON.stringify([...new Set(rows.map((r) => r.blob_id))])],
    )
    /** blob → path → branches. */
    const where = new Map<number, Map<string, string[]>>()
    for (const p of places) {
      if (scope.branches && !scope.branches.has(p.branch)) continue
      if (scope.path && !scope.path.test(p.path)) continue
      const paths = where.get(p.blob_id) ?? new Map<string, string[]>()
      where.set(p.blob_id, paths)
      paths.set(p.path, [...(paths.get(p.path) ?? []), p.branch])
    }
    const byId = new Map(rows.map((row) => [row.id, row]))
    return ranked
      .flatMap(({ id, score }) => {
        const row = byId.get(id)
        if (!row) return []
        return [...(where.get(row.blob_id) ?? [])].map(([path, branches]) => ({
          ...lineHit({ ...row, path }, needles),
          branches,
          score,
        }))
      })
      .slice(0, limit)
  }

  /** Runs `task` in a transaction, after any write already under way. */
  #write<T>(task: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#files = null
      await this.#db.exec('BEGIN')
      try {
        const result = await task()
        await this.#db.exec('COMMIT')
        return result
      } catch (error) {
        await this.#db.exec('ROLLBACK')
        throw error
      } finally {
        this.#files = null
      }
    }
    const result = this.#writes.then(run, run)
    this.#writes = result.catch(() => {})
    return result
  }

  /** Blob key → id of every stored blob. */
  async #blobIds(): Promise<Map<string, number>> {
    const rows = await this.#db.rows<{ id: number; key: string }>('SELECT id, key FROM blobs')
    return new Map(rows.map((r) => [r.key, r.id]))
  }

  /**
   * Points `branch`'s `path` at the blob of `hash`, storing it first from `content` when it is new
   * (null: already stored), and drops the blob the path held before if nothing holds it any more.
   */
  async #link(
    branch: string,
    path: string,
    hash: string,
    content: { size: number; extracted: Extracted } | null,
  ): Promise<void> {
    const key = blobKey(hash, path)
    let [blob] = await this.#db.rows<{ id: number }>('SELECT id FROM blobs WHERE key = ?', [key])
    if (!blob) {
      // Two branches racing on one new blob: the first store wins, and a null here is a caller's bug.
      if (!content) throw new Error(`The content of "${path}" (${hash}) is not in the index.`)
      blob = await this.#storeBlob(key, content.size, content.extracted)
    }
    const [before] = await this.#db.rows<{ blob_id: number }>(
      'SELECT blob_id FROM files WHERE branch = ? AND path = ?',
      [branch, path],
    )
    await this.#db.exec('INSERT OR REPLACE INTO files (branch, path, hash, blob_id) VALUES (?, ?, ?, ?)', [
      branch,
      path,
      hash,
      blob.id,
    ])
    if (before && before.blob_id !== blob.id) await this.#collect(before.blob_id)
  }

  /** Removes `branch`'s `path`; false when it was not there. */
  async #unlink(branch: string, path: string): Promise<boolean> {
    const [file] = await this.#db.rows<{ blob_id: number }>(
      'DELETE FROM files WHERE branch = ? AND path = ? RETURNING blob_id',
      [branch, path],
    )
    if (!file) return false
    await this.#collect(file.blob_id)
    return true
  }

  /** Deletes a blob no file holds any more: full-text entries first (external content needs the old values). */
  async #collect(blobId: number): Promise<void> {
    const [held] = await this.#db.rows('SELECT 1 FROM files WHERE blob_id = ? LIMIT 1', [blobId])
    if (held) return
    await this.#db.exec(
      `INSERT INTO chunk_words (chunk_words, rowid, name, terms, text)
      SELECT 'delete', id, name, terms, text FROM chunk_docs WHERE blob_id = ?`,
      [blobId],
    )
    await this.#db.exec(
      `INSERT INTO chunk_grams (chunk_grams, rowid, text) SELECT 'delete', id, text FROM chunk_docs WHERE blob_id = ?`,
      [blobId],
    )
    const chunks = await this.#db.rows<{ id: number }>('DELETE FROM chunks WHERE blob_id = ? RETURNING id', [
      blobId,
    ])
    if (chunks.length) {
      await this.#db.exec('DELETE FROM chunk_vectors WHERE chunk_id IN (SELECT value FROM json_each(?))', [
        JSON.stringify(chunks.map((c) => c.id)),
      ])
      for (const { id } of chunks) this.#embedding?.store.remove(id)
    }
    await this.#db.exec('DELETE FROM symbols WHERE blob_id = ?', [blobId])
    await this.#db.exec('DELETE FROM blobs WHERE id = ?', [blobId])
  }

  async #storeBlob(key: string, size: number, extracted: Extracted): Promise<{ id: number }> {
    const skipped = extracted.status === 'skipped' ? extracted.reason : null
    const [blob] = await this.#db.rows<{ id: number }>(
      'INSERT INTO blobs (key, language, size, skipped) VALUES (?, ?, ?, ?) RETURNING id',
      [key, extracted.language, size, skipped],
    )
    if (extracted.status === 'skipped') return blob
    for (const c of extracted.chunks) {
      const [chunk] = await this.#db.rows<{ id: number }>(
        'INSERT INTO chunks (blob_id, kind, name, container, start_line, end_line, name_terms, terms, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
        [
          blob.id,
          c.kind,
          c.name,
          c.container,
          c.startLine,
          c.endLine,
          identifierParts(c.name ?? ''),
          identifierParts(c.text),
          c.text,
        ],
      )
      await this.#storeVector({
        id: chunk.id,
        blob_id: blob.id,
        name: c.name,
        container: c.container,
        text: c.text,
      })
    }
    for (const s of extracted.symbols) {
      await this.#db.exec(
        'INSERT INTO symbols (blob_id, name, kind, container, start_line, end_line) VALUES (?, ?, ?, ?, ?, ?)',
        [blob.id, s.name, s.kind, s.container, s.startLine, s.endLine],
      )
    }
    await this.#db.exec(
      'INSERT INTO chunk_words (rowid, name, terms, text) SELECT id, name, terms, text FROM chunk_docs WHERE blob_id = ?',
      [blob.id],
    )
    await this.#db.exec(
      'INSERT INTO chunk_grams (rowid, text) SELECT id, text FROM chunk_docs WHERE blob_id = ?',
      [blob.id],
    )
    return blob
  }

  /** Every indexed file's branch, path and blob (cached until the next write). */
  async #allFiles(): Promise<{ branch: string; path: string; blob: number }[]> {
    this.#files ??= await this.#db.rows<{ branch: string; path: string; blob: number }>(
      'SELECT f.branch, f.path, f.blob_id AS blob FROM files f JOIN blobs b ON b.id = f.blob_id WHERE b.skipped IS NULL',
    )
    return this.#files
  }

  /**
   * What a search may return: the blobs on the asked branches whose path matches the glob (null
   * when that is every blob, so the ranking needs no join).
   */
  async #scope(options: SearchOptions): Promise<Scope> {
    const glob = options.path?.trim()
    const path = glob ? globToRegExp(glob) : null
    const asked = options.branches?.length ? new Set(options.branches) : null
    if (!path && !asked) return { blobs: null, branches: null, path: null }
    const files = await this.#allFiles()
    const branches = asked && files.some((f) => !asked.has(f.branch)) ? asked : null
    if (!path && !branches) return { blobs: null, branches: null, path: null }
    const blobs = new Set<number>()
    for (const f of files)
      if ((!branches || branches.has(f.branch)) && (!path || path.test(f.path))) blobs.add(f.blob)
    return { blobs: [...blobs], branches, path }
  }
}

const sizeOf = (content: Uint8Array | string) =>
  typeof content === 'string' ? encodeText(content).byteLength : content.byteLength

/**
 * The snippet of a hit: the chunk's line holding the most of `needles` (case-insensitive, also
 * inside identifiers, as `config` in `parseConfig`), cut to SNIPPET_CHARS around the first, with
 * every occurrence highlighted. Computed here rather than by FTS5's snippet(), which re-reads the
 * index for each hit (~0.4 ms each for a prefix query).
 */
function lineHit(row: HitRow, needles: string[]): Omit<SearchHit, 'score' | 'branches'> {
  const targets = [...new Set(needles.map((n) => n.toLowerCase()).filter(Boolean))]
  const lines = row.text.split('\n')
  let best = 0
  let bestCount = 0
  lines.forEach((line, i) => {
    const lower = line.toLowerCase()
    const count = targets.filter((t) => lower.includes(t)).length
    if (count > bestCount) {
      best = i
      bestCount = count
    }
  })
  const line = lines[best]
  const lower = line.toLowerCase()
  // The first occurrence, centred in the snippet with the whole of it inside (a long match starts it).
  let first = line.length
  let firstLength = 0
  for (const target of targets) {
    const at = lower.indexOf(target)
    if (at >= 0 && (at < first || (at === first && target.length > firstLength))) {
      first = at
      firstLength = target.length
    }
  }
  const centred = first - Math.floor(Math.max(0, SNIPPET_CHARS - firstLength) / 2)
  const from = first === line.length ? 0 : Math.max(0, Math.min(centred, line.length - SNIPPET_CHARS, first))
  const snippet = line.slice(from, from + Math.max(SNIPPET_CHARS, firstLength))
  const haystack = snippet.toLowerCase()
  const marks: [number, number][] = []
  for (const target of targets)
    for (let i = haystack.indexOf(target); i >= 0; i = haystack.indexOf(target, i + target.length))
      marks.push([i, i + target.length])
  // Sorted, and overlapping ranges (`par` and `parse`) merged.
  const highlights: [number, number][] = []
  for (const [start, end] of marks.sort((a, b) => a[0] - b[0])) {
    const last = highlights.at(-1)
    if (last && start <= last[1]) last[1] = Math.max(last[1], end)
    else highlights.push([start, end])
  }
  // A PDF chunk's lines are its page number.
  return {
    ...hitBase(row),
    line: row.kind === 'page' ? row.start_line : row.start_line + best,
    snippet,
    highlights,
  }
}

const hitBase = (row: HitRow) => ({
  path: row.path,
  language: row.language,
  kind: row.kind,
  name: row.name,
  container: row.container,
  startLine: row.start_line,
  endLine: row.end_line,
})
