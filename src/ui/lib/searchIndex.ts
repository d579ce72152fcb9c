import * as Comlink from 'comlink'
import type { IndexService } from '../../index/IndexService.ts'
import type { SearchHit, SearchOptions, SymbolHit } from '../../index/SearchIndex.ts'
import type { Host } from './host.ts'

/** How long typing pauses before the edited file is indexed again. */
const EDIT_DEBOUNCE_MS = 300

export type IndexProgress =
  | { state: 'idle' }
  | { state: 'indexing'; read: number }
  | { state: 'ready'; files: number; rebuilt: string | null }
  | { state: 'failed'; reason: string }

/**
 * A repository's search index, in this window's index worker (SQLite in OPFS, built from the
 * branch's files): kept in step by content hash with the branch, and file by file as you type.
 */
export class SearchIndexClient {
  readonly #worker: Worker
  readonly #service: Comlink.Remote<IndexService>
  readonly #host: Host
  readonly #repo: string
  #branch: string
  #opened: Promise<{ rebuilt: string | null }>
  #syncing: Promise<void> | null = null
  #again = false
  readonly #edits = new Map<string, ReturnType<typeof setTimeout>>()
  onProgress: (progress: IndexProgress) => void = () => {}

  constructor(host: Host, repo: string, branch: string) {
    this.#worker = new Worker(new URL('../../../workers/index.worker.ts', import.meta.url), {
      type: 'module',
      name: 'weft-index',
    })
    this.#service = Comlink.wrap<IndexService>(this.#worker)
    this.#host = host
    this.#repo = repo
    this.#branch = branch
    this.#opened = this.#service.open(repo)
  }

  /** Follows another branch: files that differ are indexed again. */
  setBranch(branch: string): void {
    if (branch === this.#branch) return
    this.#branch = branch
    void this.sync()
  }

  /** Brings the index up to date with the branch (only changed files are read); coalesces calls. */
  sync(): Promise<void> {
    if (this.#syncing) {
      this.#again = true
      return this.#syncing
    }
    this.#syncing = this.#run().finally(() => {
      this.#syncing = null
      if (this.#again) {
        this.#again = false
        void this.sync()
      }
    })
    return this.#syncing
  }

  async #run(): Promise<void> {
    try {
      const { rebuilt } = await this.#opened
      const branch = this.#branch
      const manifest = await this.#host.service.indexManifest(this.#repo, branch)
      let read = 0
      this.onProgress({ state: 'indexing', read })
      await this.#service.sync(
        manifest,
        Comlink.proxy(async (paths: string[]) => {
          const files = await this.#host.service.readFiles(this.#repo, branch, paths)
          read += files.length
          this.onProgress({ state: 'indexing', read })
          return Comlink.transfer(
            files,
            files.map((f) => f.content.buffer as ArrayBuffer),
          )
        }),
      )
      this.onProgress({ state: 'ready', files: manifest.length, rebuilt })
    } catch (error) {
      this.onProgress({ state: 'failed', reason: (error as Error).message })
    }
  }

  /** An open file changed in the editor: index its text once typing pauses. */
  edited(path: string, text: () => string): void {
    clearTimeout(this.#edits.get(path))
    this.#edits.set(
      path,
      setTimeout(() => {
        this.#edits.delete(path)
        void this.#service.updateFile(path, text())
      }, EDIT_DEBOUNCE_MS),
    )
  }

  search(query: string, options?: SearchOptions): Promise<SearchHit[]> {
    return this.#service.search(query, options)
  }

  symbols(query: string, limit = 50): Promise<SymbolHit[]> {
    return this.#service.symbols(query, { limit })
  }

  close(): void {
    for (const timer of this.#edits.values()) clearTimeout(timer)
    // Close the database first (OPFS access handles are released), then the worker.
    void this.#service.close().finally(() => this.#worker.terminate())
  }
}
