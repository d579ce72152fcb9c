/**
 * wa-sqlite in Node (CLI, tests, benchmark): the synchronous build with an in-memory VFS, and
 * snapshots of a database to a file between runs (the package has no Node file VFS). The browser
 * keeps its index on disk through browserSqlite.ts.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { createRequire } from 'node:module'
import * as SQLite from '@journeyapps/wa-sqlite'
import SQLiteESMFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'
import { MemoryVFS } from '@journeyapps/wa-sqlite/src/examples/MemoryVFS.js'
import type { Database } from './database.ts'
import { WaSqliteDatabase } from './waSqlite.ts'

const require = createRequire(import.meta.url)

/** The wasm module and API, loaded once per process. */
let api: Promise<{ sqlite3: SQLiteAPI; vfs: MemoryVFS }> | undefined

function sqliteApi(): Promise<{ sqlite3: SQLiteAPI; vfs: MemoryVFS }> {
  api ??= (async () => {
    const module = await SQLiteESMFactory({
      wasmBinary: readFileSync(require.resolve('@journeyapps/wa-sqlite/dist/wa-sqlite.wasm')),
    })
    const sqlite3 = SQLite.Factory(module)
    // The package's typings omit the examples' static `create`.
    const vfs = await (
      MemoryVFS as unknown as { create(name: string, module: unknown): Promise<MemoryVFS> }
    ).create('weft-memory', module)
    sqlite3.vfs_register(vfs, true)
    return { sqlite3, vfs }
  })()
  return api
}

let opened = 0

/**
 * An in-memory database. A `name` picks a file in the process's memory VFS: opening it again after
 * closing reopens the same data, as a reload does in the browser. Without a name the database is
 * private and freed on close.
 */
export async function openMemoryDatabase(name?: string): Promise<Database> {
  const { sqlite3, vfs } = await sqliteApi()
  const file = name ?? `anonymous-${++opened}.db`
  const db = await sqlite3.open_v2(file, SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE, vfs.name)
  return new WaSqliteDatabase(sqlite3, db, () => {
    if (name === undefined) vfs.mapNameToFile.delete(new URL(file, 'file://').pathname)
  })
}

/** A database in memory that was loaded from a file and can be written back to it. */
export interface SnapshotDatabase extends Database {
  /** Writes the database to its file (atomically: a crash leaves the old or the new one). Call between transactions. */
  save(): void
}

/**
 * The database stored at `path`, loaded whole into memory (empty if there is none). Nothing is
 * written until `save()`, so two processes never corrupt the file; the last to save wins.
 */
export async function openSnapshotDatabase(path: string): Promise<SnapshotDatabase> {
  const { sqlite3, vfs } = await sqliteApi()
  const file = `/snapshot-${++opened}.db`
  if (existsSync(path)) {
    const bytes = readFileSync(path)
    const data = new ArrayBuffer(bytes.byteLength)
    new Uint8Array(data).set(bytes)
    // MemoryVFS keeps each file as {pathname, flags, size, data}; seeding one is how to load it.
    vfs.mapNameToFile.set(file, { pathname: file, flags: 0, size: bytes.byteLength, data })
  }
  const handle = await sqlite3.open_v2(
    file,
    SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE,
    vfs.name,
  )
  const db = new WaSqliteDatabase(sqlite3, handle, () => void vfs.mapNameToFile.delete(file))
  return Object.assign(db, {
    save() {
      const stored = vfs.mapNameToFile.get(file) as { size: number; data: ArrayBuffer }
      mkdirSync(dirname(path), { recursive: true })
      const temporary = `${path}.${process.pid}.tmp`
      writeFileSync(temporary, new Uint8Array(stored.data, 0, stored.size))
      renameSync(temporary, path)
    },
  })
}
