/** `Database` over a wa-sqlite connection, whatever its VFS; statements are prepared once and reused. */
import * as SQLite from '@journeyapps/wa-sqlite'
import type { Database, SqlValue } from './database.ts'

export class WaSqliteDatabase implements Database {
  readonly engine: string
  readonly #sqlite3: SQLiteAPI
  readonly #db: number
  readonly #statements = new Map<string, number>()
  /** Called after the connection closes, to release the VFS. */
  readonly #onClose: () => void | Promise<void>
  /**
   * Calls run one at a time: the API is asynchronous and statements are shared, so two callers
   * stepping the same cached statement would read each other's rows.
   */
  #queue: Promise<unknown> = Promise.resolve()

  constructor(sqlite3: SQLiteAPI, db: number, onClose: () => void | Promise<void> = () => {}) {
    this.#sqlite3 = sqlite3
    this.#db = db
    this.#onClose = onClose
    this.engine = `wa-sqlite ${sqlite3.libversion()}`
  }

  exec(sql: string, params?: SqlValue[]): Promise<void> {
    return this.#serial(() => this.#exec(sql, params))
  }

  rows<T = Record<string, SqlValue>>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.#serial(() => this.#rows<T>(sql, params))
  }

  close(): Promise<void> {
    return this.#serial(() => this.#close())
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task)
    this.#queue = result.catch(() => {})
    return result
  }

  async #exec(sql: string, params?: SqlValue[]): Promise<void> {
    if (!params) {
      await this.#sqlite3.exec(this.#db, sql)
      return
    }
    const stmt = await this.#prepare(sql, params)
    try {
      while ((await this.#sqlite3.step(stmt)) === SQLite.SQLITE_ROW);
    } finally {
      await this.#sqlite3.reset(stmt)
    }
  }

  async #rows<T>(sql: string, params: SqlValue[]): Promise<T[]> {
    const stmt = await this.#prepare(sql, params)
    const out: T[] = []
    try {
      const columns = this.#sqlite3.column_names(stmt)
      while ((await this.#sqlite3.step(stmt)) === SQLite.SQLITE_ROW) {
        const row = this.#sqlite3.row(stmt)
        const record: Record<string, unknown> = {}
        columns.forEach((name, i) => (record[name] = row[i]))
        out.push(record as T)
      }
    } finally {
      await this.#sqlite3.reset(stmt)
    }
    return out
  }

  async #close(): Promise<void> {
    for (const stmt of this.#statements.values()) await this.#sqlite3.finalize(stmt)
    this.#statements.clear()
    await this.#sqlite3.close(this.#db)
    await this.#onClose()
  }

  async #prepare(sql: string, params: SqlValue[]): Promise<number> {
    let stmt = this.#statements.get(sql)
    if (stmt === undefined) {
      for await (const prepared of this.#sqlite3.statements(this.#db, sql, { unscoped: true })) {
        stmt = prepared
        break
      }
      if (stmt === undefined) throw new Error(`no SQL statement in "${sql}"`)
      this.#statements.set(sql, stmt)
    }
    this.#sqlite3.clear_bindings(stmt)
    if (params.length) this.#sqlite3.bind_collection(stmt, params)
    return stmt
  }
}
