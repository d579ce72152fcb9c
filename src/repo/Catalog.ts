import type { AutomergeUrl, DocHandle, Repo, StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import { WeftError } from '../model/errors.ts'
import { scalar } from '../model/scalar.ts'
import type { CatalogDoc, RepositorySummary } from '../model/types.ts'
import { Workspace } from './Workspace.ts'
import { WorkingLedger, type Author } from './authorship.ts'

/** Where a profile keeps the id of its catalog document, beside automerge-repo's own keys. */
const CATALOG_KEY = ['weft', 'catalog-url']

/** The repositories one profile (a browser, a CLI home) knows, in an Automerge document. */
export class Catalog {
  readonly #repo: Repo
  readonly handle: DocHandle<CatalogDoc>
  readonly #open = new Map<string, Promise<Workspace>>()
  /** Whose changes this profile's workspaces write, recorded in the profile's storage. */
  readonly #authoring: { author: Author; storage: StorageAdapterInterface } | null

  private constructor(
    repo: Repo,
    handle: DocHandle<CatalogDoc>,
    authoring: { author: Author; storage: StorageAdapterInterface } | null,
  ) {
    this.#repo = repo
    this.handle = handle
    this.#authoring = authoring
  }

  /** Opens the profile's catalog, creating it on first use; its workspaces record `author`'s changes. */
  static async load(
    repo: Repo,
    storage: StorageAdapterInterface,
    author: Author | null = null,
  ): Promise<Catalog> {
    const authoring = author && { author, storage }
    const saved = await storage.load(CATALOG_KEY)
    if (saved) {
      const url = new TextDecoder().decode(saved) as AutomergeUrl
      return new Catalog(repo, await repo.find<CatalogDoc>(url), authoring)
    }
    const handle = repo.create<CatalogDoc>({ repositories: {} })
    await storage.save(CATALOG_KEY, new TextEncoder().encode(handle.url))
    return new Catalog(repo, handle, authoring)
  }

  /** The workspaces opened so far (those that opened). */
  async opened(): Promise<Workspace[]> {
    const open = await Promise.allSettled(this.#open.values())
    return open.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []))
  }

  /** Resolves once every open workspace's record of the author's changes is in storage. */
  async flushLedgers(): Promise<void> {
    await Promise.all((await this.opened()).map((ws) => ws.ledger?.flush()))
  }

  list(): RepositorySummary[] {
    return Object.entries(this.handle.doc().repositories)
      .map(([id, r]) => ({ id, url: String(r.url) as AutomergeUrl, name: r.name, added: r.added }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.added - b.added)
  }

  create(name: string): RepositorySummary {
    const created = Workspace.create(this.#repo, name)
    const authoring = this.#authoring && {
      author: this.#authoring.author,
      ledger: WorkingLedger.fresh(this.#authoring.storage, created.handle.documentId, this.#authoring.author),
    }
    return this.#add(new Workspace(this.#repo, created.handle, authoring))
  }

  /** Adds a repository someone shared (by URL) to this profile. */
  async add(url: AutomergeUrl): Promise<RepositorySummary> {
    const known = this.list().find((r) => r.url === url)
    if (known) return known
    return this.#add(await Workspace.open(this.#repo, url, this.#authoring))
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
      open = Workspace.open(this.#repo, this.#summary(id).url, this.#authoring)
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
