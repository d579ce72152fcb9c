import type { AutomergeUrl, DocHandle, Repo, StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import { WeftError } from '../model/errors.ts'
import { scalar } from '../model/scalar.ts'
import type { CatalogDoc, RepositorySummary } from '../model/types.ts'
import { Workspace } from './Workspace.ts'

/** Where a profile keeps the id of its catalog document, beside automerge-repo's own keys. */
const CATALOG_KEY = ['weft', 'catalog-url']

/** The repositories one profile (a browser, a CLI home) knows, in an Automerge document. */
export class Catalog {
  readonly #repo: Repo
  readonly handle: DocHandle<CatalogDoc>
  readonly #open = new Map<string, Promise<Workspace>>()

  private constructor(repo: Repo, handle: DocHandle<CatalogDoc>) {
    this.#repo = repo
    this.handle = handle
  }

  /** Opens the profile's catalog, creating it on first use. */
  static async load(repo: Repo, storage: StorageAdapterInterface): Promise<Catalog> {
    const saved = await storage.load(CATALOG_KEY)
    if (saved) {
      const url = new TextDecoder().decode(saved) as AutomergeUrl
      return new Catalog(repo, await repo.find<CatalogDoc>(url))
    }
    const handle = repo.create<CatalogDoc>({ repositories: {} })
    await storage.save(CATALOG_KEY, new TextEncoder().encode(handle.url))
    return new Catalog(repo, handle)
  }

  list(): RepositorySummary[] {
    return Object.entries(this.handle.doc().repositories)
      .map(([id, r]) => ({ id, url: String(r.url) as AutomergeUrl, name: r.name, added: r.added }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.added - b.added)
  }

  create(name: string): RepositorySummary {
    const workspace = Workspace.create(this.#repo, name)
    return this.#add(workspace)
  }

  /** Adds a repository someone shared (by URL) to this profile. */
  async add(url: AutomergeUrl): Promise<RepositorySummary> {
    const known = this.list().find((r) => r.url === url)
    if (known) return known
    return this.#add(await Workspace.open(this.#repo, url))
  }

  /** Renames the repository in this list and in the repository itself, so peers see the new name. */
  async rename(id: string, name: string): Promise<void> {
    this.#summary(id)
    const trimmed = name.trim()
    if (!trimmed) throw new WeftError('bad-name', 'A repository needs a name.')
    this.handle.change((d) => {
      d.repositories[id].name = trimmed
    })
    ;(await this.workspace(id)).rename(trimmed)
  }

  /** Forgets a repository on this profile and deletes its documents from local storage. */
  async remove(id: string): Promise<void> {
    const summary = this.#summary(id)
    const workspace = await this.workspace(id).catch(() => null)
    this.handle.change((d) => {
      delete d.repositories[id]
    })
    this.#open.delete(id)
    if (!workspace) return
    for (const url of workspace.documentUrls()) this.#repo.delete(url)
    this.#repo.delete(summary.url)
  }

  workspace(id: string): Promise<Workspace> {
    let open = this.#open.get(id)
    if (!open) {
      open = Workspace.open(this.#repo, this.#summary(id).url)
      this.#open.set(id, open)
      open.catch(() => this.#open.delete(id))
    }
    return open
  }

  #summary(id: string): RepositorySummary {
    const found = this.list().find((r) => r.id === id)
    if (!found) throw new WeftError('not-found', 'That repository is not in this list any more.')
    return found
  }

  #add(workspace: Workspace): RepositorySummary {
    const id = crypto.randomUUID()
    const entry = { url: scalar(workspace.url), name: workspace.name, added: Date.now() }
    this.handle.change((d) => {
      d.repositories[id] = entry
    })
    this.#open.set(id, Promise.resolve(workspace))
    return { id, url: workspace.url, name: entry.name, added: entry.added }
  }
}
