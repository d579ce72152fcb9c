import * as Comlink from 'comlink'
import type { IndexService } from '../../index/IndexService.ts'
import type { SearchHit, SearchOptions, SymbolHit } from '../../index/SearchIndex.ts'
import type { BranchId } from '../../model/types.ts'
import type { Host } from './host.ts'

/** How long typing pauses before the edited file is indexed again. */
const EDIT_DEBOUNCE_MS = 300

export type IndexProgress =
  | { state: 'idle' }
  | { state: 'indexing'; read: number }
  | { state: 'embedding'; done: number; total: number }
  | {
      state: 'ready'
      files: number
      rebuilt: string | null
      /** Files left out (an unreadable PDF, a huge generated file), with the reason. */
      skipped: { path: string; reason: string }[]
    }
  | { state: 'failed'; reason: string }

/**
 * A repository's search index, in this window's index worker (SQLite in OPFS, built from the
 * branch's files): kept in step by content hash with the branch, and file by file as you type.
 * Each branch is stored under its id; with `everyBranch` on, every branch of the repository is
 * kept in step too (content is shared, so a branch costs only the files no other branch holds).
 */
export class SearchIndexClient {
  readonly #worker: Worker
  readonly #service: Comlink.Remote<IndexService>
  readonly #host: Host
  readonly #repo: string
  #branch: string
  #everyBranch = false
  /** Branch id → name, for the hits of a search across branches. */
  #names = new Map<string, string>()
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

  /** Searches (and keeps in step) every branch, or the current one only. */
  setEveryBranch(on: boolean): Promise<void> {
    if (on === this.#everyBranch) return Promise.resolve()
    this.#everyBranch = on
    return this.sync()
  }

  /**
   * Loads the word-vector model and embeds the chunks that have none yet, showing progress; the
   * first search by meaning would do the same, without telling.
   */
  async enableSemantic(): Promise<void> {
    // Embed after a running sync, so its files are embedded too.
    await this.#syncing
    try {
      await this.#service.enableSemantic(
        Comlink.proxy((done: number, total: number) => this.onProgress({ state: 'embedding', done, total })),
      )
      await this.#ready()
    } catch (error) {
      this.onProgress({ state: 'failed', reason: (error as Error).message })
      throw error
    }
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
      await this.#opened
      const current = this.#branch
      let branches = [current]
      // The branch list (and its ahead/behind counts) is asked for only when searching every branch.
      if (this.#everyBranch) {
        const all = await this.#host.service.branches(this.#repo, current)
        this.#names = new Map(all.map((b) => [b.id as string, b.name]))
        branches = [current, ...all.map((b) => b.id).filter((b) => b !== current)]
      }
      let read = 0
      this.onProgress({ state: 'indexing', read })
      for (const branch of branches) {
        const manifest = await this.#host.service.indexManifest(this.#repo, branch as BranchId)
        await this.#service.sync(
          manifest,
          Comlink.proxy(async (paths: string[]) => {
            const files = await this.#host.service.readFiles(this.#repo, branch as BranchId, paths)
            read += files.length
            this.onProgress({ state: 'indexing', read })
            return Comlink.transfer(
              files,
              files.map((f) => f.content.buffer as ArrayBuffer),
            )
          }),
          branch,
        )
      }
      // After the syncs, so content a deleted branch shared with a kept one is not read again.
      if (this.#everyBranch) await this.#service.retainBranches(branches)
      await this.#ready()
    } catch (error) {
      this.onProgress({ state: 'failed', reason: (error as Error).message })
    }
  }

  /** Reports the index ready: the current branch's files, and what was skipped and why. */
  async #ready(): Promise<void> {
    const { rebuilt } = await this.#opened
    const [counts, skipped] = await Promise.all([this.#service.branches(), this.#service.skipped()])
    const files = counts.find((b) => b.branch === this.#branch)?.files ?? 0
    this.onProgress({ state: 'ready', files, rebuilt, skipped })
  }

  /** An open file changed in the editor: index its text once typing pauses. */
  edited(path: string, text: () => string): void {
    clearTimeout(this.#edits.get(path))
    this.#edits.set(
      path,
      setTimeout(() => {
        this.#edits.delete(path)
        void this.#service.updateFile(path, text(), this.#branch)
      }, EDIT_DEBOUNCE_MS),
    )
  }

  /**
   * Ranked search of the current branch, or of every branch with `everyBranch` on; each hit names
   * the branches holding it (by name, in alphabetical order).
   */
  async search(query: string, options: Omit<SearchOptions, 'branches'> = {}): Promise<SearchHit[]> {
    const hits = await this.#service.search(query, {
      ...options,
      branches: this.#everyBranch ? undefined : [this.#branch],
    })
    return hits.map((hit) => ({ ...hit, branches: hit.branches.map((b) => this.#names.get(b) ?? b).sort() }))
  }

  symbols(query: string, limit = 50): Promise<SymbolHit[]> {
    return this.#service.symbols(query, { limit, branches: [this.#branch] })
  }

  close(): void {
    for (const timer of this.#edits.values()) clearTimeout(timer)
    // Close the database first (OPFS access handles are released), then the worker.
    void this.#service.close().finally(() => this.#worker.terminate())
  }
}
