/**
 * The index's tables, and the versions that decide whether a stored index is still usable. An
 * index built by another schema, SQLite build or chunker is dropped and rebuilt from the files.
 */
import type { Database } from './database.ts'

/** Bump on any change to the DDL below. */
export const SCHEMA_VERSION = 2
/** Bump on any change to what chunks or symbols a file yields (profiles, windows, extraction). */
export const CHUNKER_VERSION = 1

/**
 * Content is stored once per blob: `blobs` holds what a file's bytes became (keyed by content hash
 * and index language, since the same bytes at `a.md` and `a.ts` chunk differently), and `files`
 * says which branch holds which blob at which path. Indexing a branch that shares most files with
 * one already indexed adds `files` rows only; a blob no branch holds any more is deleted.
 * `chunks` holds the text once; the two full-text tables index it through the `chunk_docs` view
 * (external content), one by words for ranked search, one by trigrams for substring search. Paths
 * are not indexed as words: every chunk of `config.ts` would match `config`.
 * `terms` and `name_terms` hold the sub-words of compound identifiers in the text and the name
 * (`parseConfig` → `parse config`), since the word tokenizer keeps `parseconfig` whole; the name's
 * are indexed with the name, so `merge trees` finds `function mergeTrees` first. chunk_grams keeps no positions (`detail = 'none'`): it
 * serves LIKE '%…%' only, which is checked against the text anyway; measured on this repository's
 * sources that halves the database (8 MB instead of 17).
 * `chunk_vectors` holds each chunk's embedding (int8, src/index/semantic/), written once semantic
 * search has been used (NULL: none of its words is known); `meta.vector_model` names the model they came from.
 */
const DDL = `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE blobs (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  language TEXT NOT NULL,
  size INTEGER NOT NULL,
  skipped TEXT
);
CREATE TABLE files (
  branch TEXT NOT NULL,
  path TEXT NOT NULL,
  hash TEXT NOT NULL,
  blob_id INTEGER NOT NULL,
  PRIMARY KEY (branch, path)
) WITHOUT ROWID;
CREATE INDEX files_by_blob ON files (blob_id);
CREATE TABLE chunks (
  id INTEGER PRIMARY KEY,
  blob_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  name TEXT,
  container TEXT,
  start_line INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  name_terms TEXT NOT NULL,
  terms TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX chunks_by_blob ON chunks (blob_id);
CREATE TABLE chunk_vectors (chunk_id INTEGER PRIMARY KEY, vector BLOB);
CREATE TABLE symbols (
  blob_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  container TEXT,
  start_line INTEGER NOT NULL,
  end_line INTEGER NOT NULL
);
CREATE INDEX symbols_by_name ON symbols (name COLLATE NOCASE);
CREATE INDEX symbols_by_blob ON symbols (blob_id);
CREATE VIEW chunk_docs AS
  SELECT id, blob_id, name || ' ' || name_terms AS name, terms, text FROM chunks;
CREATE VIRTUAL TABLE chunk_words USING fts5 (
  name, terms, text,
  content = 'chunk_docs', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE chunk_grams USING fts5 (
  text,
  content = 'chunk_docs', content_rowid = 'id', tokenize = 'trigram', detail = 'none', columnsize = 0
);
`

/** bm25 weights of chunk_words' columns: a definition's name outweighs a mention in its text. */
export const WORD_WEIGHTS = { name: 10, terms: 1, text: 1 }

/** Why the stored index cannot be used as it is, or null when it can. */
export async function staleReason(db: Database, engine: string): Promise<string | null> {
  const tables = await db.rows<{ name: string }>(
    `SELECT name FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`,
  )
  if (!tables.length) return 'new index'
  const meta = new Map(
    (await db.rows<{ key: string; value: string }>('SELECT key, value FROM meta')).map((r) => [
      r.key,
      r.value,
    ]),
  )
  if (meta.get('schema') !== String(SCHEMA_VERSION))
    return `schema version ${meta.get('schema') ?? 'none'} → ${SCHEMA_VERSION}`
  if (meta.get('engine') !== engine) return `engine ${meta.get('engine') ?? 'none'} → ${engine}`
  return null
}

/** Drops whatever the database holds and creates an empty index recorded as built by `engine`. */
export async function createSchema(db: Database, engine: string): Promise<void> {
  const objects = await db.rows<{ name: string; type: string; sql: string | null }>(
    `SELECT name, type, sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'`,
  )
  // Virtual tables first: dropping one drops its shadow tables.
  const order = (o: { type: string; sql: string | null }) =>
    o.sql?.startsWith('CREATE VIRTUAL') ? 0 : o.type === 'view' ? 1 : 2
  await db.exec('BEGIN')
  try {
    for (const object of objects.sort((a, b) => order(a) - order(b)))
      await db.exec(
        `DROP ${object.type === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS "${object.name.replaceAll('"', '""')}"`,
      )
    await db.exec(DDL)
    await db.exec('INSERT INTO meta (key, value) VALUES (?, ?), (?, ?)', [
      'schema',
      String(SCHEMA_VERSION),
      'engine',
      engine,
    ])
    await db.exec('COMMIT')
  } catch (error) {
    await db.exec('ROLLBACK')
    throw error
  }
}
