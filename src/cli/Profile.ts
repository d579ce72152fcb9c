import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
// The full entry: importing it initialises Automerge's wasm for Node. Every command that opens
// repositories comes through here; the others (merge-file, merge-driver) never load Automerge.
import { Repo } from '@automerge/automerge-repo'
import { DurableFileStorage } from '../storage/DurableFileStorage.ts'
import { CheckedChunks } from '../storage/CheckedChunks.ts'
import { Catalog } from '../repo/Catalog.ts'
import { profileAuthorId } from '../repo/authorship.ts'
import { WeftError } from '../model/errors.ts'
import { shutdownRepo } from '../repo/flush.ts'
import type { RepositorySummary } from '../model/types.ts'
import { VersionControl } from '../repo/VersionControl.ts'
import type { Workspace } from '../repo/Workspace.ts'
import { Relays, relaySyncAddress } from '../sync/Relays.ts'

/** Where the CLI keeps its repositories: `$WEFT_HOME`, else `~/.weft`. */
export const defaultHome = () => process.env.WEFT_HOME ?? join(homedir(), '.weft')

interface State {
  /** The branch each repository is switched to, by repository id. */
  current: Record<string, string>
}

/** How long the CLI waits for a relay to answer before working from local data alone. */
const CONNECT_MS = 5_000
/** How long it waits, before exiting, for the relay to confirm what was written. */
const UPLOAD_MS = 15_000

/** One terminal user's Weft: on-disk storage, the relays they use, their repositories. */
export class Profile {
  readonly repo: Repo
  readonly relays: Relays
  readonly catalog: Catalog
  readonly #home: string
  /** Each loaded document's heads when the command began, to tell what it wrote. */
  readonly #headsAtStart = new Map<string, string>()

  private constructor(home: string, repo: Repo, relays: Relays, catalog: Catalog) {
    this.#home = home
    this.repo = repo
    this.relays = relays
    this.catalog = catalog
  }

  /**
   * Opens the profile and connects to its relays. `ownRelays` (named on the command line) are used
   * for this command as the person's own, without being remembered. With `connect: false` no relay
   * is contacted (for managing the relay list itself); with `wait: false` it returns while the
   * relays are still connecting, for a command that loads from disk meanwhile (then `waitForRelays`).
   * `author` is who the command's changes are recorded as (an agent's name): `weft commit` takes
   * that author's changes only.
   */
  static async open(
    home = defaultHome(),
    ownRelays: string[] = [],
    {
      connect = true,
      wait = true,
      author = 'agent',
    }: { connect?: boolean; wait?: boolean; author?: string } = {},
  ): Promise<Profile> {
    // Checked before anything is opened, so a bad address is one clear line and nothing is touched.
    for (const relay of ownRelays) relaySyncAddress(relay)
    mkdirSync(join(home, 'data'), { recursive: true })
    const storage = new CheckedChunks(new DurableFileStorage(join(home, 'data')))
    const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
    // `Relays` replaces that share policy with its own rule: what goes to which relay is decided there.
    const relays = new Relays(repo, storage)
    // An agent is known by its name within this profile: its changes are recorded under both.
    const profileId = await profileAuthorId(storage)
    const catalog = await Catalog.load(repo, storage, { id: `${profileId}/${author}`, name: author })
    relays.protectCatalog(catalog.handle)
    if (connect) {
      await relays.start([])
      for (const relay of ownRelays) relays.connectOwnForNow(relay)
    } else await relays.load([])
    const profile = new Profile(home, repo, relays, catalog)
    if (connect && wait) await profile.waitForRelays()
    return profile
  }

  /** The repository named by `name` (name or id), or the only one there is. */
  pick(name?: string): RepositorySummary {
    const all = this.catalog.list()
    if (name) {
      const found = all.filter((r) => r.id === name || r.name === name)
      if (found.length === 1) return found[0]
      throw new WeftError(
        'not-found',
        found.length
          ? `Several repositories are named "${name}"; use its id.`
          : `No repository "${name}" here; see \`weft repos\`.`,
      )
    }
    if (all.length === 1) return all[0]
    throw new WeftError(
      'not-found',
      all.length
        ? 'Several repositories here; pass --repo NAME.'
        : 'No repository yet; `weft clone LINK` first.',
    )
  }

  /**
   * Loads a repository, by default once a connected relay has brought what is loaded up to date;
   * with `settle: false` at once, as this disk holds it (the command then settles what it reads).
   */
  async open(
    summary: RepositorySummary,
    { settle = true } = {},
  ): Promise<{ ws: Workspace; vc: VersionControl }> {
    const ws = await this.catalog.workspace(summary.id)
    if (settle) await this.settle()
    for (const handle of Object.values(this.repo.handles))
      if (handle.isReady()) this.#headsAtStart.set(handle.documentId, handle.heads().join())
    return { ws, vc: new VersionControl(ws) }
  }

  /** The branch id the repository is switched to (its default branch at first). */
  currentBranch(ws: Workspace, repoId: string): string {
    const chosen = this.#state().current[repoId]
    return chosen && ws.handle.doc().branches[chosen] ? chosen : ws.handle.doc().defaultBranch
  }

  switchBranch(repoId: string, branchId: string): void {
    const state = this.#state()
    state.current[repoId] = branchId
    writeFileSync(join(this.#home, 'state.json'), JSON.stringify(state, null, 2))
  }

  /** Waits (bounded) until a relay holds everything this command wrote, then closes. Returns how many documents it does not hold yet. */
  async close(): Promise<number> {
    await this.catalog.flushLedgers()
    const deadline = Date.now() + UPLOAD_MS
    let pending = this.#unconfirmedWrites()
    while (this.#connected() && pending > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      pending = this.#unconfirmedWrites()
    }
    await shutdownRepo(this.repo)
    return this.#connected() ? pending : 0
  }

  /** Documents created or changed by this command that no relay has confirmed. */
  #unconfirmedWrites(): number {
    return Object.values(this.repo.handles).filter(
      (h) =>
        h.isReady() &&
        this.#headsAtStart.get(h.documentId) !== h.heads().join() &&
        this.relays.expects(h) &&
        !this.relays.confirms(h),
    ).length
  }

  /** Waits (bounded) until the relay at `url` is connected. */
  async waitForRelay(url: string): Promise<void> {
    const deadline = Date.now() + CONNECT_MS
    while (!this.relays.isConnected(url) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
  }

  /** Waits (bounded) until a relay is connected, when there is any to connect to. */
  async waitForRelays(): Promise<void> {
    const deadline = Date.now() + CONNECT_MS
    while (this.relays.statuses().length > 0 && !this.#connected() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
  }

  /** Gives a connected relay a moment to bring the loaded documents up to date before we read them. */
  async settle(): Promise<void> {
    if (!this.#connected()) return
    const deadline = Date.now() + CONNECT_MS
    const loaded = () => Object.values(this.repo.handles).filter((h) => h.isReady())
    while (loaded().some((h) => this.relays.expects(h) && !this.relays.confirms(h)) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50))
  }

  #connected(): boolean {
    return this.relays.statuses().some((s) => s.state.kind === 'connected')
  }

  #state(): State {
    try {
      return JSON.parse(readFileSync(join(this.#home, 'state.json'), 'utf8')) as State
    } catch {
      return { current: {} }
    }
  }
}
