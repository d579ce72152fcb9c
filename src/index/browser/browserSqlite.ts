/**
 * wa-sqlite inside the index worker, persisted: the origin-private file system through
 * OPFSCoopSyncVFS (synchronous build) where the browser offers sync access handles, otherwise
 * IndexedDB through IDBBatchAtomicVFS (asynchronous build). Both work without cross-origin isolation.
 */
import * as SQLite from '@journeyapps/wa-sqlite'
import SyncModuleFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite.mjs'
import AsyncModuleFactory from '@journeyapps/wa-sqlite/dist/wa-sqlite-async.mjs'
import { OPFSCoopSyncVFS } from '@journeyapps/wa-sqlite/src/examples/OPFSCoopSyncVFS.js'
import { IDBBatchAtomicVFS } from '@journeyapps/wa-sqlite/src/examples/IDBBatchAtomicVFS.js'
import type { Database } from '../database.ts'
import { WaSqliteDatabase } from '../waSqlite.ts'

/** Where the two builds' wasm files are served (Vite `?url` imports in the worker). */
export interface WasmUrls {
  sync: string
  async: string
}

export type BrowserStorage = 'opfs' | 'indexeddb'

interface Backend {
  storage: BrowserStorage
  sqlite3: SQLiteAPI
  vfs: string
}

let backend: Promise<Backend> | undefined

async function openBackend(wasm: WasmUrls): Promise<Backend> {
  const hasSyncHandles =
    typeof FileSystemFileHandle !== 'undefined' && 'createSyncAccessHandle' in FileSystemFileHandle.prototype
  if (hasSyncHandles) {
    try {
      const module = await SyncModuleFactory({ locateFile: () => wasm.sync })
      const sqlite3 = SQLite.Factory(module)
      const vfs = await OPFSCoopSyncVFS.create('weft-opfs', module)
      sqlite3.vfs_register(vfs, false)
      return { storage: 'opfs', sqlite3, vfs: 'weft-opfs' }
    } catch {
      // OPFS can be present but refused (private windows, storage pressure): fall through to IndexedDB.
    }
  }
  const module = await AsyncModuleFactory({ locateFile: () => wasm.async })
  const sqlite3 = SQLite.Factory(module)
  const vfs = await (
    IDBBatchAtomicVFS as unknown as { create(name: string, module: unknown): Promise<SQLiteVFS> }
  ).create('weft-index', module)
  sqlite3.vfs_register(vfs, false)
  return { storage: 'indexeddb', sqlite3, vfs: 'weft-index' }
}

/** Opens (creating if needed) the persisted database `name`; the storage is chosen once per worker. */
export async function openBrowserDatabase(
  name: string,
  wasm: WasmUrls,
): Promise<{ db: Database; storage: BrowserStorage }> {
  backend ??= openBackend(wasm)
  const { storage, sqlite3, vfs } = await backend.catch((error) => {
    backend = undefined
    throw new Error(`SQLite could not start in this browser: ${(error as Error).message}`)
  })
  const handle = await sqlite3.open_v2(name, SQLite.SQLITE_OPEN_CREATE | SQLite.SQLITE_OPEN_READWRITE, vfs)
  return { db: new WaSqliteDatabase(sqlite3, handle), storage }
}
