import type { AutomergeUrl } from '@automerge/automerge-repo/slim'
import type { BranchId, RepositorySummary } from '../model/types.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

export interface RepositoryInfo {
  id: string
  url: AutomergeUrl
  name: string
  defaultBranch: BranchId
  branches: { id: BranchId; name: string }[]
}

/** The profile's list of repositories: listing, creating, adding, renaming, deleting, opening. */
export class RepositoryService {
  readonly #profile: ProfileContext

  constructor(profile: ProfileContext) {
    this.#profile = profile
  }

  /** Answers once the profile's catalog is loaded: the worker is up and its storage works. */
  async ping(): Promise<true> {
    await this.#profile.catalog
    return true
  }

  async repositories(): Promise<RepositorySummary[]> {
    return (await this.#profile.catalog).list()
  }

  /** Calls `onChange` with the list now and after every change; returns a watch id for `unwatch`. */
  async watchRepositories(onChange: (list: RepositorySummary[]) => void): Promise<number> {
    const catalog = await this.#profile.catalog
    const send = fromWindow(onChange)
    const notify = () => send(catalog.list())
    catalog.handle.on('change', notify)
    notify()
    return this.#profile.watch(() => catalog.handle.off('change', notify))
  }

  async createRepository(name: string): Promise<RepositorySummary> {
    return this.#profile.saved((await this.#profile.catalog).create(name))
  }

  async addRepository(url: AutomergeUrl): Promise<RepositorySummary> {
    return this.#profile.saved(await (await this.#profile.catalog).add(url))
  }

  async renameRepository(id: string, name: string): Promise<void> {
    return this.#profile.saved(await (await this.#profile.catalog).rename(id, name))
  }

  async deleteRepository(id: string): Promise<void> {
    return this.#profile.saved(await (await this.#profile.catalog).remove(id))
  }

  async openRepository(id: string): Promise<RepositoryInfo> {
    const summary = (await this.repositories()).find((r) => r.id === id)
    const ws = await this.#profile.workspace(id)
    const doc = ws.handle.doc()
    return {
      id,
      url: ws.url,
      name: summary?.name ?? doc.name,
      defaultBranch: doc.defaultBranch,
      branches: ws.branches(),
    }
  }

  /**
   * Loads every document of every repository, one at a time, so that connected relays receive
   * whatever they lack (a reload can cut an upload short, and automerge-repo syncs only loaded
   * documents). Returns how many documents were visited.
   */
  async loadEverything(): Promise<number> {
    const catalog = await this.#profile.catalog
    let visited = 0
    for (const summary of catalog.list()) {
      const ws = await catalog.workspace(summary.id).catch(() => null)
      if (!ws) continue
      for (const url of ws.documentUrls()) {
        await this.#profile.repo.find(url).catch(() => undefined)
        visited++
        // Yield between documents so RPC calls from windows are not held up.
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
    }
    return visited
  }
}
