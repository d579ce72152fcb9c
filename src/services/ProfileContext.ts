import type { Repo, StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import { profileAuthorId, type Author } from '../repo/authorship.ts'
import { Catalog } from '../repo/Catalog.ts'
import { flushReady } from '../repo/flush.ts'
import { VersionControl } from '../repo/VersionControl.ts'
import type { Workspace } from '../repo/Workspace.ts'
import type { Relays } from '../sync/Relays.ts'

type Unwatch = () => void

/**
 * Wraps a window's callback: across RPC it returns a promise, which rejects when the window cannot
 * take the value; report that instead of leaving an unhandled rejection in the worker.
 */
export function fromWindow<T>(callback: (value: T) => unknown): (value: T) => void {
  return (value) => {
    void Promise.resolve(callback(value)).catch((error: unknown) =>
      console.warn('A window could not take an update:', error),
    )
  }
}

/**
 * What every service of a profile shares: the one automerge-repo, the catalog of repositories, the
 * relays, and the watches windows hold. Services reach repositories only through it.
 */
export class ProfileContext {
  readonly repo: Repo
  readonly catalog: Promise<Catalog>
  readonly relays: Relays | null
  /**
   * The person behind this profile: one id for every window (kept in the profile's storage), and
   * the name the windows last gave. Their working changes are recorded under this id.
   */
  readonly author: Author = { id: '', name: 'someone' }
  readonly #watches = new Map<number, Unwatch>()
  #nextWatch = 1
  /**
   * A picked folder's files handed over in chunks, by stage id, until a window says what to do
   * with them (import the files, or the git history among them).
   */
  readonly staged = new Map<string, { path: string; blob: Blob }[]>()

  constructor(repo: Repo, storage: StorageAdapterInterface, relays: Relays | null) {
    this.repo = repo
    this.catalog = profileAuthorId(storage).then((id) => {
      this.author.id = id
      return Catalog.load(repo, storage, this.author)
    })
    this.relays = relays
    // The catalog lists every repository's URL: it goes to no relay but the person's own.
    void this.catalog.then(
      (catalog) => relays?.protectCatalog(catalog.handle),
      () => undefined,
    )
  }

  /** The relays, or a clear refusal when this profile has none (a test or an offline CLI). */
  network(): Relays {
    if (!this.relays) throw new Error('This profile has no network.')
    return this.relays
  }

  async workspace(id: string): Promise<Workspace> {
    return (await this.catalog).workspace(id)
  }

  async history(id: string): Promise<VersionControl> {
    return new VersionControl(await this.workspace(id))
  }

  /** Returns `result` once every changed document is on disk: what a window was told is done survives a reload. */
  async saved<T>(result: T): Promise<T> {
    await flushReady(this.repo)
    await (await this.catalog).flushLedgers()
    return result
  }

  /** Keeps `stop` under a new watch id, which a window later hands to `unwatch`. */
  watch(stop: Unwatch): number {
    const watchId = this.#nextWatch++
    this.#watches.set(watchId, stop)
    return watchId
  }

  unwatch(watchId: number): void {
    this.#watches.get(watchId)?.()
    this.#watches.delete(watchId)
  }
}
