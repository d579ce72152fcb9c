import * as A from '@automerge/automerge/slim'
import * as Comlink from 'comlink'
import {
  isValidAutomergeUrl,
  type AutomergeUrl,
  type Repo,
  type StorageAdapterInterface,
} from '@automerge/automerge-repo/slim'
import { readZip, writeZip } from './archive.ts'
import { Catalog } from './Catalog.ts'
import { flushReady } from './flush.ts'
import { decodeText, oversize } from './content.ts'
import { joinPath, type RenamedEntry } from './paths.ts'
import { WeftError } from './errors.ts'
import { relaySyncAddress, type Relays, type RelayStatus } from '../sync/Relays.ts'
import type { FileContent, ImportReport, IncomingFile } from './Workspace.ts'
import type { BranchId, CommitId, EntryId, ListedEntry, RepositorySummary } from './types.ts'
import { diffSnapshots, graphLog, snapshotAt, type FileChange, type LogEntry } from './history.ts'
import { VersionControl, type MergeOutcome, type MergeResolution } from './VersionControl.ts'
import { LiveFileServer } from '../live/LiveFileServer.ts'
import { engineFileMerger } from '../merge/fileMerger.ts'
import type { MergeWorkerApi } from '../merge/workerApi.ts'
import type { FileMerger } from './mergeTrees.ts'
import { ReplHost, type RealmOffer, type ReplView } from '../repl/ReplHost.ts'
import type { JobView, RealmId } from '../repl/types.ts'
import { RunHistory, type RunRecord } from '../run/RunHistory.ts'
import type { ChangesJSON, Heads, Identity, LiveMessage, Selection } from '../live/protocol.ts'

export interface BranchSummary {
  id: BranchId
  name: string
  head: CommitId | null
  ahead: number
  behind: number
}

export interface RepositoryInfo {
  id: string
  url: AutomergeUrl
  name: string
  defaultBranch: BranchId
  branches: { id: BranchId; name: string }[]
}

type Unwatch = () => void

/**
 * Wraps a window's callback: across RPC it returns a promise, which rejects when the window cannot
 * take the value; report that instead of leaving an unhandled rejection in the worker.
 */
function fromWindow<T>(callback: (value: T) => unknown): (value: T) => void {
  return (value) => {
    void Promise.resolve(callback(value)).catch((error: unknown) =>
      console.warn('A window could not take an update:', error),
    )
  }
}

/**
 * Everything a window asks of the profile's repositories, in plain data. It runs where the
 * automerge-repo lives (a shared worker in the browser, the process in Node) so that the CRDT work
 * never lands on a UI thread; windows call it over RPC.
 */
export class RepoService {
  readonly repo: Repo
  readonly #catalog: Promise<Catalog>
  readonly #watches = new Map<number, Unwatch>()
  /** Files handed over in chunks for one import, by stage id. */
  readonly #staged = new Map<string, { path: string; blob: Blob }[]>()
  #nextWatch = 1

  readonly #relays: Relays | null
  readonly #live: LiveFileServer
  readonly #mergeFile: FileMerger | undefined
  readonly #repl: ReplHost
  /** Merges in progress, by request id, so a window can cancel one. */
  readonly #merges = new Map<string, AbortController>()

  /** `mergeFile` merges files when a caller brings no merge worker (Node gives the engine in-process). */
  constructor(
    repo: Repo,
    storage: StorageAdapterInterface,
    relays: Relays | null = null,
    mergeFile?: FileMerger,
  ) {
    this.repo = repo
    this.#catalog = Catalog.load(repo, storage)
    this.#relays = relays
    // The catalog lists every repository's URL: it goes to no relay but the person's own.
    void this.#catalog.then(
      (catalog) => relays?.protectCatalog(catalog.handle),
      () => undefined,
    )
    this.#live = new LiveFileServer(repo)
    this.#mergeFile = mergeFile
    this.#repl = new ReplHost(repo, (id) => this.#workspace(id))
  }

  /** Calls `onChange` with every relay's connection state and pending count, now and on change. */
  async watchRelays(onChange: (statuses: RelayStatus[]) => void): Promise<number> {
    const send = fromWindow(onChange)
    return this.#watch(this.#relays?.watch(send) ?? (send([]), () => {}))
  }

  /**
   * What a link's relay is to this profile: its normalised address, whether it is one of ours,
   * whether it already receives the repository, and whether the repository is already here (then the
   * link only opens it). A malformed address is refused with the reason.
   */
  async linkRelay(
    address: string,
    repository: AutomergeUrl,
  ): Promise<{ url: string; known: boolean; receives: boolean; present: boolean }> {
    if (!this.#relays) throw new Error('This profile has no network.')
    const url = relaySyncAddress(address)
    const present = (await this.#catalog).list().some((r) => r.url === repository)
    return { url, known: this.#relays.knows(url), receives: this.#relays.receives(url, repository), present }
  }

  /**
   * Adds a shared repository, fetched through `relay` when the link names one. The window calls this
   * with a relay only after the person agreed to add it; the relay then receives this repository and
   * nothing else, and is removed again if the repository cannot be fetched. A relay that was added a
   * moment ago may still be connecting, so fetching is tried `attempts` times, a second apart.
   */
  async addSharedRepository(url: AutomergeUrl, relay?: string, attempts = 15): Promise<RepositorySummary> {
    if (!isValidAutomergeUrl(url)) throw new Error(`"${url}" is not a repository link.`)
    const catalog = await this.#catalog
    const fetch = async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await this.#saved(await catalog.add(url))
        } catch (error) {
          if (attempt >= attempts) throw error
          await new Promise((resolve) => setTimeout(resolve, 1000))
        }
      }
    }
    // A link never changes where a repository this profile already has goes (a page that knows a
    // private repository's URL must not get it sent to the link's relay).
    if (!relay || catalog.list().some((r) => r.url === url)) return fetch()
    if (!this.#relays) throw new Error('This profile has no network.')
    return this.#relays.shareFor(relay, url, fetch)
  }

  /** Shares one repository to a relay (added if new) because the person chose to; returns the relay's address. */
  async shareToRelay(address: string, repository: AutomergeUrl): Promise<string> {
    if (!this.#relays) throw new Error('This profile has no network.')
    return (await this.#relays.add(address, { repository })).url
  }

  /** Disconnects from a relay and forgets it; it receives nothing more from this profile. */
  async removeRelay(url: string): Promise<void> {
    await this.#relays?.remove(url)
  }

  /** Answers once the profile's catalog is loaded: the worker is up and its storage works. */
  async ping(): Promise<true> {
    await this.#catalog
    return true
  }

  async repositories(): Promise<RepositorySummary[]> {
    return (await this.#catalog).list()
  }

  /** Calls `onChange` with the list now and after every change; returns a watch id for `unwatch`. */
  async watchRepositories(onChange: (list: RepositorySummary[]) => void): Promise<number> {
    const catalog = await this.#catalog
    const send = fromWindow(onChange)
    const notify = () => send(catalog.list())
    catalog.handle.on('change', notify)
    notify()
    return this.#watch(() => catalog.handle.off('change', notify))
  }

  async createRepository(name: string): Promise<RepositorySummary> {
    return this.#saved((await this.#catalog).create(name))
  }

  async addRepository(url: AutomergeUrl): Promise<RepositorySummary> {
    return this.#saved(await (await this.#catalog).add(url))
  }

  async renameRepository(id: string, name: string): Promise<void> {
    return this.#saved(await (await this.#catalog).rename(id, name))
  }

  async deleteRepository(id: string): Promise<void> {
    return this.#saved(await (await this.#catalog).remove(id))
  }

  async openRepository(id: string): Promise<RepositoryInfo> {
    const summary = (await this.repositories()).find((r) => r.id === id)
    const ws = await this.#workspace(id)
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
   * Calls `onChange` with the branch's entries now and after every change to the repository; while
   * the branch holds an entry the path rule refuses, with no entries and `problem` naming it. `renamed`
   * lists the entries shown at a disambiguated path because they collide with another.
   */
  async watchTree(
    id: string,
    branch: BranchId,
    onChange: (entries: ListedEntry[], problem?: string, renamed?: RenamedEntry[]) => void,
  ): Promise<number> {
    const ws = await this.#workspace(id)
    const send = fromWindow(
      (update: { entries: ListedEntry[]; problem?: string; renamed?: RenamedEntry[] }) =>
        onChange(update.entries, update.problem, update.renamed),
    )
    const notify = () => {
      let view: { entries: ListedEntry[]; renamed: RenamedEntry[] }
      try {
        view = ws.view(branch)
      } catch (error) {
        if (!(error instanceof WeftError)) throw error
        return send({ entries: [], problem: error.message })
      }
      send(view.renamed.length ? { entries: view.entries, renamed: view.renamed } : { entries: view.entries })
    }
    ws.handle.on('change', notify)
    notify()
    return this.#watch(() => ws.handle.off('change', notify))
  }

  unwatch(watchId: number): void {
    this.#watches.get(watchId)?.()
    this.#watches.delete(watchId)
  }

  async createFile(id: string, branch: BranchId, path: string): Promise<EntryId> {
    return this.#saved(await (await this.#workspace(id)).createFile(branch, path))
  }

  async createFolder(id: string, branch: BranchId, path: string): Promise<EntryId> {
    return this.#saved((await this.#workspace(id)).createFolder(branch, path))
  }

  async move(id: string, branch: BranchId, from: string, to: string): Promise<void> {
    return this.#saved((await this.#workspace(id)).move(branch, from, to))
  }

  async remove(id: string, branch: BranchId, path: string): Promise<void> {
    return this.#saved((await this.#workspace(id)).remove(branch, path))
  }

  async importFiles(id: string, branch: BranchId, files: IncomingFile[], folder = ''): Promise<ImportReport> {
    return this.#saved(await (await this.#workspace(id)).importFiles(branch, files, folder))
  }

  /**
   * Imports files given as Blobs (a picked folder's File objects, which cross to the worker without
   * copying their bytes), reading them here rather than on the window's main thread.
   */
  async importBlobs(
    id: string,
    branch: BranchId,
    files: { path: string; blob: Blob }[],
    folder = '',
  ): Promise<ImportReport> {
    // Oversize files are refused by their size, before anything is read into memory.
    const refused = files
      .filter((f) => oversize(f.blob.size))
      .map((f) => ({ path: joinPath(folder, f.path), reason: oversize(f.blob.size)! }))
    const fitting = files.filter((f) => !oversize(f.blob.size))
    const read = await Promise.all(
      fitting.map(async (f) => ({ path: f.path, bytes: new Uint8Array(await f.blob.arrayBuffer()) })),
    )
    const report = await this.importFiles(id, branch, read, folder)
    return { ...report, refused: [...refused, ...report.refused] }
  }

  /** Imports a .zip's files (given as bytes or as the picked file, read here). */
  /**
   * Collects files for a later `importStaged`. A window hands over thousands of files in chunks so
   * that no single message (each File is registered on the way) blocks its main thread.
   */
  stageImport(stageId: string, files: { path: string; blob: Blob }[]): void {
    const staged = this.#staged.get(stageId) ?? []
    this.#staged.set(stageId, staged.concat(files))
  }

  /** Imports everything staged under `stageId` as one change. */
  async importStaged(id: string, branch: BranchId, stageId: string, folder = ''): Promise<ImportReport> {
    const files = this.#staged.get(stageId) ?? []
    this.#staged.delete(stageId)
    return this.importBlobs(id, branch, files, folder)
  }

  async importZip(id: string, branch: BranchId, zip: Uint8Array | Blob, folder = ''): Promise<ImportReport> {
    const { files, refused } = readZip(zip instanceof Blob ? new Uint8Array(await zip.arrayBuffer()) : zip)
    const report = await this.importFiles(id, branch, files, folder)
    return { ...report, refused: [...refused, ...report.refused] }
  }

  async exportZip(id: string, branch: BranchId): Promise<Uint8Array> {
    return writeZip(await (await this.#workspace(id)).snapshotFiles(branch))
  }

  async read(id: string, branch: BranchId, entry: EntryId): Promise<FileContent> {
    return (await this.#workspace(id)).read(branch, entry)
  }

  async openLive(id: string, branch: BranchId, entry: EntryId): Promise<AutomergeUrl> {
    return this.#saved(await (await this.#workspace(id)).openLive(branch, entry))
  }

  /**
   * Loads every document of every repository, one at a time, so that connected relays receive
   * whatever they lack (a reload can cut an upload short, and automerge-repo syncs only loaded
   * documents). Returns how many documents were visited.
   */
  async loadEverything(): Promise<number> {
    const catalog = await this.#catalog
    let visited = 0
    for (const summary of catalog.list()) {
      const ws = await catalog.workspace(summary.id).catch(() => null)
      if (!ws) continue
      for (const url of ws.documentUrls()) {
        await this.repo.find(url).catch(() => undefined)
        visited++
        // Yield between documents so RPC calls from windows are not held up.
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
    }
    return visited
  }

  /**
   * Opens a live file for a window's editor (see live/protocol.ts): messages arrive on `onMessage`,
   * the first being the whole text. Returns the session id for the calls below.
   */
  async liveOpen(
    url: AutomergeUrl,
    identity: Identity,
    onMessage: (message: LiveMessage) => void,
  ): Promise<number> {
    return this.#live.open(url, identity, fromWindow(onMessage))
  }

  async liveEdit(session: number, seq: number, base: Heads, changes: ChangesJSON): Promise<void> {
    this.#live.edit(session, seq, base, changes)
  }

  /** Our caret moved; windows also call this as a keep-alive. */
  async liveSelect(session: number, selection: Selection | null): Promise<void> {
    this.#live.select(session, selection)
  }

  async liveResync(session: number): Promise<void> {
    this.#live.resync(session)
  }

  async liveClose(session: number): Promise<void> {
    this.#live.close(session)
  }

  /** Resolves once the document holds `heads` and is written to storage. */
  async persist(url: AutomergeUrl, heads: string[]): Promise<void> {
    const handle = await this.repo.find(url)
    if (!A.hasHeads(handle.doc(), heads)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          handle.off('heads-changed', check)
          reject(new Error('The edit did not reach storage within 10 s.'))
        }, 10_000)
        const check = () => {
          if (!A.hasHeads(handle.doc(), heads)) return
          clearTimeout(timer)
          handle.off('heads-changed', check)
          resolve()
        }
        handle.on('heads-changed', check)
      })
    }
    await flushReady(this.repo, [handle.documentId])
  }

  /** The branch's files as they are now (live edits included), for a run; the bytes are transferred. */
  async runFiles(id: string, branch: BranchId): Promise<{ path: string; bytes: Uint8Array }[]> {
    // Copies: stored bytes may be views into a blob pack's memory, which must not be detached.
    const files = (await (await this.#workspace(id)).snapshotFiles(branch)).map((f) => ({
      path: f.path,
      bytes: f.bytes.slice(),
    }))
    return Comlink.transfer(
      files,
      files.map((f) => f.bytes.buffer as ArrayBuffer),
    )
  }

  /**
   * The branch's files with a content hash each, for the search index to see what changed: the
   * blob hash, or for a file being edited the hash of its text now.
   */
  async indexManifest(id: string, branch: BranchId): Promise<{ path: string; hash: string }[]> {
    const ws = await this.#workspace(id)
    const files = ws.entries(branch).filter((e) => e.type === 'file')
    return Promise.all(
      files.map(async (f) => ({ path: f.path, hash: (await ws.contentHash(branch, f.id)).hash })),
    )
  }

  /** Some files' bytes as they are now, by path (unknown paths are left out); the bytes are transferred. */
  async readFiles(
    id: string,
    branch: BranchId,
    paths: string[],
  ): Promise<{ path: string; content: Uint8Array }[]> {
    const ws = await this.#workspace(id)
    const byPath = new Map(
      ws
        .entries(branch)
        .filter((e) => e.type === 'file')
        .map((e) => [e.path, e.id]),
    )
    const files = await Promise.all(
      paths
        .filter((p) => byPath.has(p))
        .map(async (path) => ({ path, content: (await ws.readBytes(branch, byPath.get(path)!)).slice() })),
    )
    return Comlink.transfer(
      files,
      files.map((f) => f.content.buffer as ArrayBuffer),
    )
  }

  /**
   * Opts a tab (or a worker it started) in as a REPL realm: its executor is served on `options.port` (transferred); the
   * realm's id goes to `onRealm`. Returns a handle for `replKeepAlive` (every few seconds) and `replStop`.
   */
  async replStart(id: string, options: RealmOffer, onRealm: (realm: RealmId) => void): Promise<string> {
    return this.#repl.start(id, options, fromWindow(onRealm))
  }

  async replKeepAlive(key: string): Promise<void> {
    this.#repl.keepAlive(key)
  }

  async replStop(key: string): Promise<void> {
    this.#repl.stop(key)
  }

  /** Sends code to a realm, signed with `key` (the realm owner's), else with the realm's own key if this profile hosts it. */
  async replRequest(
    id: string,
    realm: RealmId,
    code: string,
    requester: string,
    key?: string,
  ): Promise<JobView> {
    return this.#saved(await this.#repl.request(id, { realm, code, requester, ...(key ? { key } : {}) }))
  }

  /** The key of a realm this profile hosts (to show its owner, who may hand it to an agent), or null. */
  async replKey(realm: RealmId): Promise<string | null> {
    return this.#repl.key(realm)
  }

  /** Streams the repository's realms and `realm`'s log (see ReplHost.watch); stop with `unwatch`. */
  async replWatch(id: string, realm: RealmId | null, onChange: (view: ReplView) => void): Promise<number> {
    return this.#watch(await this.#repl.watch(id, realm, fromWindow(onChange)))
  }

  /** Records a run (started, or ended) in the repository's shared run history. */
  async recordRun(id: string, run: RunRecord): Promise<void> {
    ;(await this.#runs(id)).record(run)
  }

  /** Streams the repository's recent runs (newest first), everyone's; stop with `unwatch`. */
  async watchRuns(id: string, onChange: (runs: RunRecord[]) => void): Promise<number> {
    const history = await this.#runs(id)
    const send = fromWindow(() => onChange(history.list()))
    history.handle.on('change', send)
    send(undefined)
    return this.#watch(() => history.handle.off('change', send))
  }

  async #runs(id: string): Promise<RunHistory> {
    return RunHistory.ensure(this.repo, (await this.#workspace(id)).handle)
  }

  /** A stored blob's text, or null when it is binary. */
  async readBlobText(id: string, blob: string): Promise<string | null> {
    return decodeText(await (await this.#workspace(id)).blobs.read(blob))
  }

  async status(id: string, branch: BranchId): Promise<FileChange[]> {
    return (await this.#history(id)).status(branch)
  }

  async commit(id: string, branch: BranchId, message: string, author: string): Promise<CommitId> {
    return this.#saved(await (await this.#history(id)).commit(branch, message, author))
  }

  /** Branches with how far each is ahead of and behind `relativeTo`. */
  async branches(id: string, relativeTo: BranchId): Promise<BranchSummary[]> {
    const vc = await this.#history(id)
    const ws = await this.#workspace(id)
    return ws
      .branches()
      .map((b) => ({ ...b, head: ws.handle.doc().branches[b.id].head, ...vc.aheadBehind(b.id, relativeTo) }))
  }

  /** A new branch starting at `from`'s head commit. */
  async createBranch(id: string, name: string, from: BranchId): Promise<BranchId> {
    const ws = await this.#workspace(id)
    return this.#saved(
      (await this.#history(id)).createBranch(name, ws.handle.doc().branches[from]?.head ?? null),
    )
  }

  /** A new branch starting at commit `at` (any commit, not only a branch head). */
  async createBranchAt(id: string, name: string, at: CommitId): Promise<BranchId> {
    const ws = await this.#workspace(id)
    if (!ws.handle.doc().commits[at])
      throw new WeftError('not-found', `There is no commit ${at.slice(0, 8)}.`)
    return this.#saved((await this.#history(id)).createBranch(name, at))
  }

  /** What a commit changed against its first parent (everything, for the first commit). */
  async commitChanges(id: string, commit: CommitId): Promise<FileChange[]> {
    const ws = await this.#workspace(id)
    const parent = ws.handle.doc().commits[commit]?.parents[0] ?? null
    return (await this.#history(id)).diffCommits(parent, commit)
  }

  async log(id: string, branch: BranchId, limit?: number): Promise<LogEntry[]> {
    return (await this.#history(id)).log(branch, limit)
  }

  /**
   * Merges `source` into `target`; with `resolution`, answers the conflicts a first call returned.
   * `engine` is a port to a merge worker (a window starts one: a shared worker cannot); without
   * one, files are merged by this service's own merger. `request` names the merge for `cancelMerge`.
   */
  async merge(
    id: string,
    target: BranchId,
    source: BranchId,
    author: string,
    options: { resolution?: MergeResolution; engine?: MessagePort; request?: string } = {},
  ): Promise<MergeOutcome> {
    const abort = new AbortController()
    if (options.request) this.#merges.set(options.request, abort)
    const engine = options.engine && Comlink.wrap<MergeWorkerApi>(options.engine)
    try {
      const mergeFile = engine
        ? engineFileMerger((input) => engine.merge(input), { signal: abort.signal })
        : this.#mergeFile
      return this.#saved(
        await (
          await this.#history(id)
        ).merge(target, source, author, { mergeFile, resolution: options.resolution, signal: abort.signal }),
      )
    } finally {
      if (options.request) this.#merges.delete(options.request)
      engine?.[Comlink.releaseProxy]()
      options.engine?.close()
    }
  }

  /** Stops a merge in progress; it writes nothing and rejects. */
  async cancelMerge(request: string): Promise<void> {
    this.#merges.get(request)?.abort(new WeftError('bad-input', 'The merge was cancelled.'))
  }

  async revert(id: string, branch: BranchId, commit: CommitId, author: string): Promise<MergeOutcome> {
    return this.#saved(await (await this.#history(id)).revert(branch, commit, author))
  }

  async restoreFile(id: string, branch: BranchId, commit: CommitId, path: string): Promise<void> {
    ;(await this.#history(id)).restoreFile(branch, commit, path)
    await this.#saved(undefined)
  }

  async renameBranch(id: string, branch: BranchId, name: string): Promise<void> {
    ;(await this.#history(id)).renameBranch(branch, name)
    await this.#saved(undefined)
  }

  async deleteBranch(id: string, branch: BranchId): Promise<void> {
    ;(await this.#history(id)).deleteBranch(branch)
    await this.#saved(undefined)
  }

  /** Files changed from commit `from` to commit `to`, or to the branch's working files. */
  async diff(id: string, from: CommitId | null, to: CommitId | { working: BranchId }): Promise<FileChange[]> {
    const vc = await this.#history(id)
    if (typeof to === 'string' || to === null) return vc.diffCommits(from, to)
    return diffSnapshots(
      snapshotAt((await this.#workspace(id)).handle.doc().commits, from),
      await vc.working(to.working),
    )
  }

  /**
   * The commits of every branch (or of `only` one) as one graph, children before parents, with
   * where each branch points.
   */
  async graph(
    id: string,
    only?: BranchId,
    limit?: number,
  ): Promise<{ entries: LogEntry[]; branches: { id: BranchId; name: string; head: CommitId | null }[] }> {
    const ws = await this.#workspace(id)
    const doc = ws.handle.doc()
    const branches = ws.branches().map((b) => ({ ...b, head: doc.branches[b.id].head }))
    const heads = branches.filter((b) => !only || b.id === only).flatMap((b) => (b.head ? [b.head] : []))
    return { entries: graphLog(doc.commits, heads, limit), branches }
  }

  async #history(id: string): Promise<VersionControl> {
    return new VersionControl(await this.#workspace(id))
  }

  async #workspace(id: string) {
    return (await this.#catalog).workspace(id)
  }

  /** Returns `result` once every changed document is on disk: what a window was told is done survives a reload. */
  async #saved<T>(result: T): Promise<T> {
    await flushReady(this.repo)
    return result
  }

  #watch(stop: Unwatch): number {
    const watchId = this.#nextWatch++
    this.#watches.set(watchId, stop)
    return watchId
  }
}
