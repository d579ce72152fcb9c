/// <reference lib="webworker" />
/**
 * The local code index, off the UI thread: `IndexService` over comlink, stored in OPFS (IndexedDB
 * where OPFS is missing). A thin shell: the index itself is src/index/, shared with the CLI.
 *
 *   const index = Comlink.wrap<IndexService>(new Worker(new URL('../workers/index.worker.ts', import.meta.url), { type: 'module' }))
 */
import * as Comlink from 'comlink'
import syncWasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite.wasm?url'
import asyncWasmUrl from '@journeyapps/wa-sqlite/dist/wa-sqlite-async.wasm?url'
import { Grammars } from '../src/syntax/grammars.ts'
import { browserLocator } from '../src/syntax/browser/browserGrammars.ts'
import { openBrowserDatabase } from '../src/index/browser/browserSqlite.ts'
import { IndexService } from '../src/index/IndexService.ts'
import modelUrl from '../models/weft-words.bin?url'

let grammars: Promise<Grammars> | undefined

// Grammars load on first use only: the index parses a few languages (src/index/profiles.ts).
const loadGrammars = () => Grammars.create(browserLocator)

const service = new IndexService(
  // One database file per index name (a repository id); anything else in it becomes `_`.
  async (name) =>
    (
      await openBrowserDatabase(`weft-index-${name.replace(/[^\w.-]/g, '_')}.db`, {
        sync: syncWasmUrl,
        async: asyncWasmUrl,
      })
    ).db,
  () =>
    (grammars ??= loadGrammars().catch((error) => {
      grammars = undefined
      throw error
    })),
  // The word-vector model (2 MB) is fetched from the app's own files when search by meaning is
  // first asked for, never before.
  async () => {
    const response = await fetch(modelUrl)
    if (!response.ok) throw new Error(`The word-vector model could not be loaded (${response.status}).`)
    return new Uint8Array(await response.arrayBuffer())
  },
)

Comlink.expose(service)
