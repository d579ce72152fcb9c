/**
 * The local code index of one branch state: files in, ranked chunks and symbols out. Pure
 * TypeScript over a `Database`, so the CLI and tests (Node) and the index worker share it.
 */
import { encodeText, sha256 } from '../model/content.ts'
import type { Grammars } from '../syntax/grammars.ts'
import type { Database, SqlValue } from './database.ts'
import { extract } from './documents.ts'
import { globToRegExp } from './glob.ts'
import { likePattern, MIN_TRIGRAM, wordQuery } from './query.ts'
import { CHUNKER_VERSION, createSchema, staleReason, WORD_WEIGHTS } from './schema.ts'
import { identifierParts } from './terms.ts'
import type { ChunkKind, Extracted, SymbolKind } from './types.ts'

/** A file as the caller's tree knows it; `load` is called only when its hash is new to the index. */
export interface IndexSource {
  path: string
  /** SHA-256 of the content (a blob id); equal hashes are never re-indexed. */
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
  indexed: string[]
  removed: string[]
  unchanged: number
  skipped: { path: string; reason: string }[]
}

export interface SearchOptions {
  /** Literal substring (trigram) search instead of ranked word search. */
  substring?: boolean
  /** Path glob (`src/**\/*.ts`, `*.md`, `docs/`). */
  path?: string
  languages?: string[]
  kinds?: ChunkKind[]
  /** At most this many hits (default 50, at most 1,000). */
  limit?: number
}

export interface SearchHit {
  path: string
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
  /** Lower is better (bm25); 0 for substring hits, which come in path order. */
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
  files: number
  skipped: number
  chunks: number
  symbols: number
  /** Characters of indexed text. */
  textChars: number
  /** Size of the database file. */
  bytes: number
}

/** How many files one write transaction takes during a sync; edits can slip in between batches. */
const SYNC_BATCH = 200
/** Filters shared by the search queries: ?2 languages, ?3 kinds, ?4 file ids (JSON arrays or null). */
const WHERE = `(?2 IS NULL OR f.language IN (SELECT value FROM json_each(?2)))
  AND (?3 IS NULL OR c.kind IN (SELECT value FROM json_each(?3)))
  AND (?4 IS NULL OR c.file_id IN (SELECT value FROM json_each(?4)))`
/** Most matches one word query ranks (bm25 costs about a microsecond per match). */
const RANK_CAP = 2_000
const DEFAULT_LIMIT = 50
const MAX_LIMIT = 1_000
const SNIPPET_CHARS = 160

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

export class SearchIndex {
  readonly #db: Database
  readonly #grammars: Grammars
  /** Why the stored index was dropped and rebuilt when opened; null when it was reused. */
  readonly rebuilt: string | null
  /** Write tasks run one after another (each in its own transaction). */
  #writes: Promise<unknown> = Promise.resolve()
  /** Every file's id and path, for path filters; dropped on any write. */
  #paths: { id: number; path: string }[] | null = null

  private constructor(db: Database, grammars: Grammars, rebuilt: string | null) {
    this.#db = db
    this.#grammars = grammars
    this.rebuilt = rebuilt
  }

  /** Opens the index stored in `db`, rebuilding it empty if its schema, SQLite or chunker changed. */
  static async open(db: Database, grammars: Grammars): Promise<SearchIndex> {
    const engine = `${db.engine}; chunker ${CHUNKER_VERSION}`
    const stale = await staleReason(db, engine)
    if (stale) await createSchema(db, engine)
    return new SearchIndex(db, grammars, stale)
  }

  /** Path → content hash of every file in the index (skipped files included). */
  async fileHashes(): Promise<Map<string, string>> {
    const rows = await this.#db.rows<{ path: string; hash: string }>('SELECT path, hash FROM files')
    return new Map(rows.map((r) => [r.path, r.hash]))
  }

  /**
   * Brings the index to exactly `sources`: files whose hash changed or that are new are loaded and
   * indexed, files no longer present removed, the rest untouched (a branch switch or merge costs
   * only what changed).
   */
  async sync(sources: Iterable<IndexSource>): Promise<SyncReport> {
    const known = await this.fileHashes()
    const report: SyncReport = { indexed: [], removed: [], unchanged: 0, skipped: [] }
    const stale: IndexSource[] = []
    for (const source of sources) {
      if (known.get(source.path) === source.hash) report.unchanged++
      else stale.push(source)
      known.delete(source.path)
    }
    report.removed = [...known.keys()]
    if (report.removed.length)
      await this.#write(async () => {
        for (const path of report.removed) await this.#remove(path)
      })
    for (let at = 0; at < stale.length; at += SYNC_BATCH) {
      const batch: { source: IndexSource; extracted: Extracted; size: number }[] = []
      for (const source of stale.slice(at, at + SYNC_BATCH)) {
        const content = await source.load()
        batch.push({
          source,
          extracted: await extract(source.path, content, this.#grammars),
          size: sizeOf(content),
        })
      }
      await this.#write(async () => {
        for (const { source, extracted, size } of batch)
          await this.#store(source.path, source.hash, size, extracted)
      })
      for (const { source, extracted } of batch) {
        if (extracted.status === 'indexed') report.indexed.push(source.path)
        else report.skipped.push({ path: source.path, reason: extracted.reason })
      }
    }
    return report
  }

  /** Indexes one file's content (bytes or text) under `hash` (its SHA-256 if not given). */
  async indexFile(path: string, content: Uint8Array | string, hash?: string): Promise<FileOutcome> {
    const bytes = typeof content === 'string' ? encodeText(content) : content
    // Hashed, checked and extracted inside the write queue, so edits of one file land in call order.
    return this.#write(async (): Promise<FileOutcome> => {
      const id = hash ?? (await sha256(bytes))
      const current = await this.#db.rows<{ hash: string }>('SELECT hash FROM files WHERE path = ?', [path])
      if (current[0]?.hash === id) return { path, status: 'unchanged', chunks: 0, symbols: 0 }
      const extracted = await extract(path, content, this.#grammars)
      await this.#store(path, id, bytes.byteLength, extracted)
      return extracted.status === 'indexed'
        ? { path, status: 'indexed', chunks: extracted.chunks.length, symbols: extracted.symbols.length }
        : { path, status: 'skipped', reason: extracted.reason, chunks: 0, symbols: 0 }
    })
  }

  /** Re-indexes a file after an edit (the caller debounces); only that file is touched. */
  updateFile(path: string, text: string): Promise<FileOutcome> {
    return this.indexFile(path, text)
  }

  /** Forgets a file; false when it was not indexed. */
  removeFile(path: string): Promise<boolean> {
    return this.#write(() => this.#remove(path))
  }

  /** Ranked word search, or literal substring search with `substring: true`. */
  async search(query: string, options: SearchOptions = {}): Promise<SearchHit[]> {
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT))
    const fileIds = await this.#pathFilter(options.path)
    if (fileIds && !fileIds.length) return []
    const filtered = Boolean(options.languages?.length || options.kinds?.length || fileIds)
    const filters: SqlValue[] = [
      options.languages?.length ? JSON.stringify(options.languages) : null,
      options.kinds?.length ? JSON.stringify(options.kinds) : null,
      fileIds ? JSON.stringify(fileIds) : null,
    ]
    // Two steps: rank ids only, then fetch the text of the few kept. Selecting text in the ranking
    // query would copy it for every match before sorting.
    const words = options.substring ? null : wordQuery(query)
    if (words) return this.#hits(await this.#rank(words.match, filters, filtered, limit), words.words)
    // Substring search, also for input without any word (`=>`, `::`). The trigram index narrows
    // by LIKE (its `%` and `_` are wildcards); `instr` then keeps exact matches only.
    const needle = query.trim()
    if (!needle) return []
    // The first `limit` matches in index order (so the scan stops there), shown in path order.
    const top = await this.#db.rows<{ id: number }>(
      [...needle].length >= MIN_TRIGRAM
        ? `SELECT c.id FROM chunk_grams JOIN chunks c ON c.id = chunk_grams.rowid JOIN files f ON f.id = c.file_id
         WHERE chunk_grams.text LIKE ?6 AND instr(lower(c.text), lower(?1)) > 0 AND ${WHERE}
         ORDER BY chunk_grams.rowid LIMIT ?5`
        : `SELECT c.id FROM chunks c JOIN files f ON f.id = c.file_id
         WHERE instr(lower(c.text), lower(?1)) > 0 AND ${WHERE} ORDER BY c.id LIMIT ?5`,
      [needle, ...filters, limit, `%${needle}%`],
    )
    const hits = await this.#hits(
      top.map(({ id }) => ({ id, score: 0 })),
      [needle],
    )
    return hits.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.startLine - b.startLine))
  }

  /**
   * Go-to-symbol: definitions whose name contains `query` (case-insensitive), exact and prefix
   * matches first, then shorter names. An empty query lists symbols by name.
   */
  async symbols(query: string, options: { kinds?: SymbolKind[]; limit?: number } = {}): Promise<SymbolHit[]> {
    const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_LIMIT, MAX_LIMIT))
    const q = query.trim()
    return this.#db.rows<SymbolHit>(
      `SELECT s.name, s.kind, s.container, f.path, f.language, s.start_line AS startLine, s.end_line AS endLine
       FROM symbols s JOIN files f ON f.id = s.file_id
       WHERE s.name LIKE ?2 ESCAPE '\\' AND (?3 IS NULL OR s.kind IN (SELECT value FROM json_each(?3)))
       ORDER BY CASE WHEN s.name = ?1 THEN 0 WHEN s.name = ?1 COLLATE NOCASE THEN 1 WHEN s.name LIKE ?4 ESCAPE '\\' THEN 2 ELSE 3 END,
         length(s.name), s.name, f.path, s.start_line
       LIMIT ?5`,
      [
        q,
        likePattern(q),
        options.kinds?.length ? JSON.stringify(options.kinds) : null,
        likePattern(q).slice(1),
        limit,
      ],
    )
  }

  /** Go-to-definition: the definitions named exactly `name`, exact case first. */
  definitions(name: string): Promise<SymbolHit[]> {
    return this.#db.rows<SymbolHit>(
      `SELECT s.name, s.kind, s.container, f.path, f.language, s.start_line AS startLine, s.end_line AS endLine
       FROM symbols s JOIN files f ON f.id = s.file_id
       WHERE s.name = ?1 COLLATE NOCASE
       ORDER BY s.name <> ?1, f.path, s.start_line LIMIT ${MAX_LIMIT}`,
      [name],
    )
  }

  /** A file's outline: its symbols in line order. */
  outline(path: string): Promise<SymbolHit[]> {
    return this.#db.rows<SymbolHit>(
      `SELECT s.name, s.kind, s.container, f.path, f.language, s.start_line AS startLine, s.end_line AS endLine
       FROM symbols s JOIN files f ON f.id = s.file_id WHERE f.path = ? ORDER BY s.start_line, s.end_line DESC`,
      [path],
    )
  }

  /** Files left out of the index, with the reason. */
  skipped(): Promise<{ path: string; reason: string }[]> {
    return this.#db.rows('SELECT path, skipped AS reason FROM files WHERE skipped IS NOT NULL ORDER BY path')
  }

  async stats(): Promise<IndexStats> {
    const [counts] = await this.#db.rows<Omit<IndexStats, 'bytes'>>(
      `SELECT (SELECT count(*) FROM files WHERE skipped IS NULL) AS files, (SELECT count(*) FROM files WHERE skipped IS NOT NULL) AS skipped,
         (SELECT count(*) FROM chunks) AS chunks, (SELECT count(*) FROM symbols) AS symbols,
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
   * by it first, then the first RANK_CAP matches.
   */
  async #rank(
    match: string,
    filters: SqlValue[],
    filtered: boolean,
    limit: number,
  ): Promise<{ id: number; score: number }[]> {
    const weights = `${WORD_WEIGHTS.name}, ${WORD_WEIGHTS.terms}, ${WORD_WEIGHTS.text}`
    const from = filtered
      ? `chunk_words JOIN chunks c ON c.id = chunk_words.rowid JOIN files f ON f.id = c.file_id WHERE chunk_words MATCH ?1 AND ${WHERE}`
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
    if (!all.length || all[0].matched <= RANK_CAP) return all
    const named = await rank(`{name} : (${match})`)
    const seen = new Set(named.map((r) => r.id))
    return [...named, ...all.filter((r) => !seen.has(r.id))].slice(0, limit)
  }

  /** The hits for ranked chunk ids, in that order, each with the line that best shows `needles`. */
  async #hits(ranked: { id: number; score: number }[], needles: string[]): Promise<SearchHit[]> {
    if (!ranked.length) return []
    const rows = await this.#db.rows<HitRow & { id: number }>(
      `SELECT c.id, f.path, f.language, c.kind, c.name, c.container, c.start_line, c.end_line, c.text
       FROM chunks c JOIN files f ON f.id = c.file_id WHERE c.id IN (SELECT value FROM json_each(?))`,
      [JSON.stringify(ranked.map((r) => r.id))],
    )
    const byId = new Map(rows.map((row) => [row.id, row]))
    return ranked.flatMap(({ id, score }) => {
      const row = byId.get(id)
      return row ? [{ ...lineHit(row, needles), score }] : []
    })
  }

  /** Runs `task` in a transaction, after any write already under way. */
  #write<T>(task: () => Promise<T>): Promise<T> {
    const run = async () => {
      this.#paths = null
      await this.#db.exec('BEGIN')
      try {
        const result = await task()
        await this.#db.exec('COMMIT')
        return result
      } catch (error) {
        await this.#db.exec('ROLLBACK')
        throw error
      } finally {
        this.#paths = null
      }
    }
    const result = this.#writes.then(run, run)
    this.#writes = result.catch(() => {})
    return result
  }

  /** Deletes a file's rows, full-text entries first (external content needs the old values). */
  async #remove(path: string): Promise<boolean> {
    const [file] = await this.#db.rows<{ id: number }>('SELECT id FROM files WHERE path = ?', [path])
    if (!file) return false
    await this.#db.exec(
      `INSERT INTO chunk_words (chunk_words, rowid, name, terms, text)
      SELECT 'delete', id, name, terms, text FROM chunk_docs WHERE file_id = ?`,
      [file.id],
    )
    await this.#db.exec(
      `INSERT INTO chunk_grams (chunk_grams, rowid, text) SELECT 'delete', id, text FROM chunk_docs WHERE file_id = ?`,
      [file.id],
    )
    await this.#db.exec('DELETE FROM chunks WHERE file_id = ?', [file.id])
    await this.#db.exec('DELETE FROM symbols WHERE file_id = ?', [file.id])
    await this.#db.exec('DELETE FROM files WHERE id = ?', [file.id])
    return true
  }

  async #store(path: string, hash: string, size: number, extracted: Extracted): Promise<void> {
    await this.#remove(path)
    const skipped = extracted.status === 'skipped' ? extracted.reason : null
    const [file] = await this.#db.rows<{ id: number }>(
      'INSERT INTO files (path, hash, language, size, skipped) VALUES (?, ?, ?, ?, ?) RETURNING id',
      [path, hash, extracted.language, size, skipped],
    )
    if (extracted.status === 'skipped') return
    for (const c of extracted.chunks) {
      await this.#db.exec(
        'INSERT INTO chunks (file_id, kind, name, container, start_line, end_line, name_terms, terms, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
          file.id,
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
    }
    for (const s of extracted.symbols) {
      await this.#db.exec(
        'INSERT INTO symbols (file_id, name, kind, container, start_line, end_line) VALUES (?, ?, ?, ?, ?, ?)',
        [file.id, s.name, s.kind, s.container, s.startLine, s.endLine],
      )
    }
    await this.#db.exec(
      'INSERT INTO chunk_words (rowid, name, terms, text) SELECT id, name, terms, text FROM chunk_docs WHERE file_id = ?',
      [file.id],
    )
    await this.#db.exec(
      'INSERT INTO chunk_grams (rowid, text) SELECT id, text FROM chunk_docs WHERE file_id = ?',
      [file.id],
    )
  }

  /** The ids of files matching a path glob, or null for no filter. */
  async #pathFilter(glob: string | undefined): Promise<number[] | null> {
    if (!glob?.trim()) return null
    const pattern = globToRegExp(glob.trim())
    this.#paths ??= await this.#db.rows<{ id: number; path: string }>(
      'SELECT id, path FROM files WHERE skipped IS NULL',
    )
    return this.#paths.filter((f) => pattern.test(f.path)).map((f) => f.id)
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
function lineHit(row: HitRow, needles: string[]): Omit<SearchHit, 'score'> {
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
