/**
 * The little of SQLite the index needs, so the same SearchIndex runs over wa-sqlite in Node (tests,
 * CLI, benchmark) and in the index worker.
 */

export type SqlValue = string | number | null | Uint8Array

export interface Database {
  /** Names the SQLite build, stored with the index so a new engine rebuilds it (`wa-sqlite 3.53.0`). */
  readonly engine: string
  /** Runs SQL; several `;`-separated statements only when there are no parameters. */
  exec(sql: string, params?: SqlValue[]): Promise<void>
  /** The rows of one query, as objects keyed by column name. */
  rows<T = Record<string, SqlValue>>(sql: string, params?: SqlValue[]): Promise<T[]>
  close(): Promise<void>
}
