/**
 * The RPC surface of the index worker (workers/index.worker.ts exposes it over comlink): one open
 * index at a time, fed from the window's file list. Plain data in and out, so it crosses
 * `postMessage`; pure TypeScript, so Node tests drive it directly.
 */
import type { Grammars } from '../syntax/grammars.ts'
import type { Database } from './database.ts'
import {
  DEFAULT_BRANCH,
  SearchIndex,
  type FileOutcome,
  type IndexSource,
  type IndexStats,
  type SearchHit,
  type SearchOptions,
  type SymbolHit,
  type SyncReport,
} from './SearchIndex.ts'
import type { SymbolKind } from './types.ts'

/** A file of the branch: its path and content hash (the tree entry's blob, or the hash of live text). */
export interface ManifestEntry {
  path: string
  hash: string
}

/** Fetches the contents of some files; called only for files whose hash the index lacks. */
export type LoadFiles = (paths: string[]) => Promise<{ path: string; content: Uint8Array | string }[]>

/** How many files one `LoadFiles` call asks for. */
const LOAD_BATCH = 100

export class IndexService {
  readonly #openDatabase: (name: string) => Promise<Database>
  readonly #grammars: () => Promise<Grammars>
  readonly #loadModel: (() => Promise<Uint8Array>) | undefined
  #current: { name: string; index: Promise<SearchIndex> } | null = null

  /**
   * `openDatabase(name)` opens (creating if needed) the database of one index; `grammars` loads
   * tree-sitter; `loadModel` reads the word-vector model, only when semantic search is first used.
   * All are the host's: Node and the worker store and locate things differently.
   */
  constructor(
    openDatabase: (name: string) => Promise<Database>,
    grammars: () => Promise<Grammars>,
    loadModel?: () => Promise<Uint8Array>,
  ) {
    this.#openDatabase = openDatabase
    this.#grammars = grammars
    this.#loadModel = loadModel
  }

  /**
   * Opens the index called `name` (one per repository: a branch switch is a `sync`, which
   * re-indexes only files whose hash changed), closing the one open before. Returns why the stored
   * index was rebuilt, or null when it was reused as it was.
   */
  async open(name: string): Promise<{ rebuilt: string | null }> {
    if (this.#current?.name !== name) {
      const previous = this.#current
      const index = (async () => {
        if (previous) await (await previous.index).close()
        return SearchIndex.open(await this.#openDatabase(name), await this.#grammars(), {
          loadModel: this.#loadModel,
        })
      })()
      this.#current = { name, index }
      // A failed open must not stay current: the next `open` retries.
      index.catch(() => {
        if (this.#current?.index === index) this.#current = null
      })
    }
    return { rebuilt: (await this.#index()).rebuilt }
  }

  /**
   * Brings `branch` in the index to exactly the files of `manifest`, asking `load` (a comlink proxy
   * in the browser) for the contents no branch has indexed yet only, LOAD_BATCH at a time.
   */
  async sync(manifest: ManifestEntry[], load: LoadFiles, branch = DEFAULT_BRANCH): Promise<SyncReport> {
    const index = await this.#index()
    const needed = await index.missing(manifest, branch)
    const fetched = new Map<string, Uint8Array | string>()
    // The index loads files in list order: fetch each one with the LOAD_BATCH - 1 after it.
    const fetch = async (path: string) => {
      if (!fetched.has(path)) {
        const at = needed.indexOf(path)
        const batch = at < 0 ? [path] : needed.slice(at, at + LOAD_BATCH)
        for (const file of await load(batch)) fetched.set(file.path, file.content)
      }
      const content = fetched.get(path)
      fetched.delete(path)
      if (content === undefined)
        throw new Error(`The file list named "${path}" but its content was not sent.`)
      return content
    }
    const sources: IndexSource[] = manifest.map((f) => ({
      path: f.path,
      hash: f.hash,
      load: () => fetch(f.path),
    }))
    return index.sync(sources, branch)
  }

  async updateFile(path: string, text: string, branch?: string): Promise<FileOutcome> {
    return (await this.#index()).updateFile(path, text, branch)
  }

  async indexFile(
    path: string,
    content: Uint8Array | string,
    hash?: string,
    branch?: string,
  ): Promise<FileOutcome> {
    return (await this.#index()).indexFile(path, content, hash, branch)
  }

  async removeFile(path: string, branch?: string): Promise<boolean> {
    return (await this.#index()).removeFile(path, branch)
  }

  /** Loads the model and embeds what has no vector yet, reporting progress (comlink proxies a callback). */
  async enableSemantic(progress?: (done: number, total: number) => void): Promise<void> {
    return (await this.#index()).enableSemantic(progress)
  }

  /** Forgets the branches not in `keep`; returns those forgotten. */
  async retainBranches(keep: string[]): Promise<string[]> {
    return (await this.#index()).retainBranches(keep)
  }

  async search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return (await this.#index()).search(query, options)
  }

  async symbols(
    query: string,
    options?: { kinds?: SymbolKind[]; limit?: number; branches?: string[] },
  ): Promise<SymbolHit[]> {
    return (await this.#index()).symbols(query, options)
  }

  async definitions(name: string): Promise<SymbolHit[]> {
    return (await this.#index()).definitions(name)
  }

  async outline(path: string, branch?: string): Promise<SymbolHit[]> {
    return (await this.#index()).outline(path, branch)
  }

  /** The branches in the index, with how many files each holds. */
  async branches(): Promise<{ branch: string; files: number }[]> {
    return (await this.#index()).branches()
  }

  async skipped(): Promise<{ path: string; reason: string }[]> {
    return (await this.#index()).skipped()
  }

  async stats(): Promise<IndexStats> {
    return (await this.#index()).stats()
  }

  async close(): Promise<void> {
    const current = this.#current
    this.#current = null
    if (current) await (await current.index).close()
  }

  #index(): Promise<SearchIndex> {
    if (!this.#current) return Promise.reject(new Error('No index is open; call open(name) first.'))
    return this.#current.index
  }
}
