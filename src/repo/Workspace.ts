import * as A from '@automerge/automerge/slim'
import type { AutomergeUrl, DocHandle, Repo, StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import { BlobStore, recordBlobs } from './BlobStore.ts'
import { noteChange, version, WorkingLedger, type Author } from './authorship.ts'
import { snapshotAt, type Snapshot } from './history.ts'
import { readScalar, scalar } from '../model/scalar.ts'
import { decodeText, encodeText, oversize, sha256 } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'
import {
  ancestorsOf,
  checkPath,
  foldPath,
  isWithin,
  joinPath,
  pathProblem,
  quotePath,
  resolveCollisions,
  resolveTree,
  type RenamedEntry,
} from '../model/paths.ts'
import type {
  Branch,
  BranchId,
  CommitId,
  EntryId,
  FileEntry,
  ListedEntry,
  LiveFileDoc,
  RepositoryDoc,
  TreeEntry,
} from '../model/types.ts'
import { newId } from '../model/ids.ts'

/** A file handed to `importFiles`: its path relative to the import folder, and its bytes. */
export interface IncomingFile {
  path: string
  bytes: Uint8Array
}

export interface ImportReport {
  added: number
  replaced: number
  refused: { path: string; reason: string }[]
}

/** An entry as it was just before a change of ours: enough to tell later whether it was as the head had it. */
interface Before {
  path: string
  blob: string
  live: string
  /** The live document's heads before the change, when the change was to its text. */
  heads?: string[]
}

/** What a file holds, as the editor needs it. */
export type FileContent =
  { kind: 'text'; text: string; live?: AutomergeUrl } | { kind: 'binary'; size: number }

/** An entry as read from the document: a path that is not text reads as '' (and the path rule refuses it). */
export function plainEntry(id: EntryId, entry: TreeEntry): ListedEntry {
  const path = readScalar(entry.path) ?? ''
  if (entry.type === 'dir') return { id, type: 'dir', path }
  const listed: ListedEntry = {
    id,
    type: 'file',
    path,
    blob: String(entry.blob),
    size: entry.size,
    binary: entry.binary,
  }
  if (entry.mode === 'executable' || entry.mode === 'symlink') listed.mode = entry.mode
  if (entry.live) listed.live = String(entry.live) as AutomergeUrl
  return listed
}

/**
 * One repository's working trees: the named operations that change files on a branch.
 * Every change goes through here; callers observe the document, they do not write it.
 */
export class Workspace {
  readonly repo: Repo
  readonly handle: DocHandle<RepositoryDoc>
  readonly blobs: BlobStore
  /** Per live document, the hash of its text at the heads it was last hashed at. */
  readonly #liveHashes = new Map<string, { heads: string; content: { hash: string; size: number } }>()
  /**
   * Who makes the changes this workspace writes, and their own record of them (see authorship.ts).
   * Without an author (a single-author tool or test), every working change counts as yours.
   */
  readonly author: Author | null
  readonly ledger: WorkingLedger | null
  #headCache: { head: CommitId | null; snapshot: Snapshot } | null = null
  #noting: Promise<void> = Promise.resolve()

  constructor(
    repo: Repo,
    handle: DocHandle<RepositoryDoc>,
    authoring: { author: Author; ledger: WorkingLedger } | null = null,
  ) {
    this.repo = repo
    this.handle = handle
    this.blobs = new BlobStore(repo, handle)
    this.author = authoring?.author ?? null
    this.ledger = authoring?.ledger ?? null
  }

  /** Creates an empty repository with one branch, `main`. */
  static create(repo: Repo, name: string): Workspace {
    const main = newId()
    const handle = repo.create<RepositoryDoc>({
      weft: 1,
      name: name.trim() || 'untitled',
      created: Date.now(),
      defaultBranch: main,
      branches: { [main]: { name: 'main', head: null, tree: {} } },
      commits: {},
      blobs: {},
    })
    return new Workspace(repo, handle)
  }

  /** Opens a repository; with `authoring`, changes are recorded as that author's in their profile's storage. */
  static async open(
    repo: Repo,
    url: AutomergeUrl,
    authoring: { author: Author; storage: StorageAdapterInterface | null } | null = null,
  ): Promise<Workspace> {
    const handle = await repo.find<RepositoryDoc>(url)
    if (handle.doc()?.weft !== 1) throw new WeftError('not-found', `${url} is not a Weft repository.`)
    return new Workspace(repo, handle, await Workspace.authoring(handle, authoring))
  }

  /** The author and their ledger of this repository, loaded from their storage. */
  static async authoring(
    handle: DocHandle<RepositoryDoc>,
    authoring: { author: Author; storage: StorageAdapterInterface | null } | null,
  ): Promise<{ author: Author; ledger: WorkingLedger } | null> {
    if (!authoring) return null
    const ledger = await WorkingLedger.load(authoring.storage, handle.documentId, authoring.author)
    return { author: authoring.author, ledger }
  }

  get url(): AutomergeUrl {
    return this.handle.url
  }

  get name(): string {
    return this.handle.doc().name
  }

  rename(name: string): void {
    const trimmed = name.trim()
    if (!trimmed) throw new WeftError('bad-name', 'A repository needs a name.')
    this.handle.change((d) => {
      d.name = trimmed
    })
  }

  branches(): { id: BranchId; name: string }[] {
    return Object.entries(this.handle.doc().branches).map(([id, b]) => ({ id, name: b.name }))
  }

  /**
   * The branch's entries, sorted by path: the one way paths leave a working tree. Any peer may have
   * written the document, so the whole tree is checked against the path rule first (an entry whose
   * path is refused throws a `bad-path` WeftError naming it): listing, checkout, sync, export, runs
   * and the index all read through here. Entries that collide (two on one path, in any case, or a file
   * where a folder is needed) are shown at disambiguated paths, as `view` reports.
   */
  entries(branchId: BranchId): ListedEntry[] {
    return this.view(branchId).entries
  }

  /**
   * The branch as every reader sees it: its entries, sorted by path, each at its shown path (folders
   * made twice listed once), and the entries shown elsewhere than their own path (see
   * `resolveCollisions`). Throws a `bad-path` WeftError naming an entry whose path is refused.
   */
  view(branchId: BranchId): { entries: ListedEntry[]; renamed: RenamedEntry[] } {
    const branch = this.#branch(branchId)
    const listed = Object.entries(branch.tree).map(([id, entry]) => plainEntry(id, entry))
    const { entries, renamed } = resolveTree(listed, `Branch ${quotePath(String(branch.name))}`)
    entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    // A folder made twice (by two peers at once) is one folder: listed once.
    const shown = entries.filter(
      (e, i) =>
        e.type === 'file' || i === 0 || entries[i - 1].type !== 'dir' || entries[i - 1].path !== e.path,
    )
    return { entries: shown, renamed }
  }

  /** Adds an empty (or given) file. */
  async createFile(branchId: BranchId, path: string, bytes: Uint8Array = new Uint8Array()): Promise<EntryId> {
    checkPath(path)
    this.#checkFree(this.#branch(branchId), path)
    this.#checkSize(path, bytes)
    const { hashes, located } = await this.blobs.write([bytes])
    const id = newId()
    const before = this.#capture(branchId, [id])
    this.handle.change((d) => {
      recordBlobs(d, located)
      d.branches[branchId].tree[id] = {
        type: 'file',
        path: scalar(path),
        blob: scalar(hashes[0]),
        size: bytes.length,
        binary: decodeText(bytes) === null,
      }
      this.sign(d, branchId, [id])
    })
    await this.#noteOwn(branchId, before)
    return id
  }

  createFolder(branchId: BranchId, path: string): EntryId {
    checkPath(path)
    this.#checkFree(this.#branch(branchId), path)
    const id = newId()
    this.handle.change((d) => {
      d.branches[branchId].tree[id] = { type: 'dir', path: scalar(path) }
    })
    return id
  }

  /**
   * Renames or moves a file or a folder (with everything inside it). The document changes before
   * this returns; the promise settles once the change is recorded as the author's.
   */
  move(branchId: BranchId, from: string, to: string): Promise<void> {
    checkPath(to)
    if (from === to) return Promise.resolve()
    const branch = this.#branch(branchId)
    const moving = this.#within(branch, from)
    if (moving.length === 0) throw new WeftError('not-found', `"${from}" does not exist.`)
    if (isWithin(to, from)) throw new WeftError('bad-path', `Cannot move "${from}" into itself.`)
    this.#checkFree(branch, to, new Set(moving.map(([id]) => id)))
    for (const [, shown] of moving) {
      const problem = pathProblem(to + shown.slice(from.length))
      if (problem) throw new WeftError('bad-path', problem)
    }
    const before = this.#capture(
      branchId,
      moving.map(([id]) => id),
    )
    // Each entry lands at its shown path, moved: a disambiguated name becomes its own, resolving the collision for everyone.
    this.handle.change((d) => {
      const tree = d.branches[branchId].tree
      for (const [id, shown] of moving) tree[id].path = scalar(to + shown.slice(from.length))
      this.sign(d, branchId, [...before.keys()])
    })
    return this.#noteOwn(branchId, before)
  }

  /**
   * Deletes a file, or a folder and everything inside it. The document changes before this returns;
   * the promise settles once the change is recorded as the author's.
   */
  remove(branchId: BranchId, path: string): Promise<void> {
    const doomed = this.#within(this.#branch(branchId), path)
    if (doomed.length === 0) throw new WeftError('not-found', `"${path}" does not exist.`)
    const before = this.#capture(
      branchId,
      doomed.map(([id]) => id),
    )
    this.handle.change((d) => {
      for (const [id] of doomed) delete d.branches[branchId].tree[id]
      this.sign(d, branchId, [...before.keys()])
    })
    return this.#noteOwn(branchId, before)
  }

  /**
   * Imports files under `folder` (the root is ''). Each file is judged alone: a bad path or an
   * oversize file is refused with its reason and the rest still land. Existing files are replaced.
   */
  async importFiles(branchId: BranchId, files: IncomingFile[], folder = ''): Promise<ImportReport> {
    const report: ImportReport = { added: 0, replaced: 0, refused: [] }
    // Keyed by folded path (case-insensitive file systems see one file), each with its exact spelling.
    const filesByFold = new Map<string, { path: string; id: EntryId | null }>()
    const foldersByFold = new Map<string, string>()
    const addFolder = (folder: string) => {
      if (!foldersByFold.has(foldPath(folder))) foldersByFold.set(foldPath(folder), folder)
    }
    for (const { id, type, path } of this.#shown(this.#branch(branchId))) {
      if (type === 'file') filesByFold.set(foldPath(path), { path, id })
      else addFolder(path)
      for (const folder of ancestorsOf(path)) addFolder(folder)
    }
    const accepted: { path: string; bytes: Uint8Array; replaces?: EntryId }[] = []
    const incoming = new Set<string>()
    const refuse = (path: string, reason: string) => report.refused.push({ path, reason })
    const caseClash = (path: string, other: string) =>
      `${quotePath(path)} and ${quotePath(other)} differ only in case, which macOS and Windows treat as one name.`
    for (const file of files) {
      const path = joinPath(folder, file.path)
      const problem = pathProblem(path)
      if (problem) {
        refuse(file.path, problem)
        continue
      }
      const tooBig = oversize(file.bytes.length)
      if (tooBig) {
        refuse(path, tooBig)
        continue
      }
      const folded = foldPath(path)
      if (foldersByFold.has(folded)) {
        refuse(path, `"${foldersByFold.get(folded)}" is a folder.`)
        continue
      }
      if (incoming.has(folded)) {
        refuse(path, `"${path}" appears twice in the import.`)
        continue
      }
      const existing = filesByFold.get(folded)
      if (existing && existing.path !== path) {
        refuse(path, caseClash(path, existing.path))
        continue
      }
      const ancestors = ancestorsOf(path)
      const blocker = ancestors.map((a) => filesByFold.get(foldPath(a))).find((f) => f)
      if (blocker) {
        refuse(path, `"${blocker.path}" is a file, so it cannot hold "${path}".`)
        continue
      }
      const misspelled = ancestors.find((a) => (foldersByFold.get(foldPath(a)) ?? a) !== a)
      if (misspelled) {
        refuse(path, caseClash(misspelled, foldersByFold.get(foldPath(misspelled))!))
        continue
      }
      incoming.add(folded)
      for (const a of ancestors) addFolder(a)
      const replaces = existing?.id ?? undefined
      filesByFold.set(folded, { path, id: replaces ?? null })
      accepted.push({ path, bytes: file.bytes, replaces })
    }
    const { hashes, located } = await this.blobs.write(accepted.map((f) => f.bytes))
    const ids = accepted.map((file) => file.replaces ?? newId())
    const before = this.#capture(branchId, ids)
    this.handle.change((d) => {
      recordBlobs(d, located)
      const tree = d.branches[branchId].tree
      accepted.forEach((file, i) => {
        const entry: FileEntry = {
          type: 'file',
          path: scalar(file.path),
          blob: scalar(hashes[i]),
          size: file.bytes.length,
          binary: decodeText(file.bytes) === null,
        }
        // A replaced file keeps how git checks it out (executable, symlink).
        const replaced = tree[ids[i]]
        if (replaced?.type === 'file' && replaced.mode) entry.mode = replaced.mode
        if (file.replaces) report.replaced++
        else report.added++
        tree[ids[i]] = entry
      })
      this.sign(d, branchId, ids)
    })
    await this.#noteOwn(branchId, before)
    return report
  }

  /** The file's current content: its live document when it has one, else its blob. */
  async read(branchId: BranchId, id: EntryId): Promise<FileContent> {
    const entry = this.#file(branchId, id)
    if (entry.live) {
      const live = await this.#live(entry)
      return { kind: 'text', text: live.doc().content, live: live.url }
    }
    if (entry.binary) return { kind: 'binary', size: entry.size }
    const text = decodeText(await this.blobs.read(String(entry.blob)))
    return text === null ? { kind: 'binary', size: entry.size } : { kind: 'text', text }
  }

  async readBytes(branchId: BranchId, id: EntryId): Promise<Uint8Array> {
    const entry = this.#file(branchId, id)
    if (entry.live) return encodeText((await this.#live(entry)).doc().content)
    return this.blobs.read(String(entry.blob))
  }

  /**
   * A file's current content as its blob would be named (SHA-256) and its size: the blob's own,
   * or for an edited file its live text's, hashed once per version (the index and the change list
   * ask for every file on each tree change).
   */
  async contentHash(branchId: BranchId, id: EntryId): Promise<{ hash: string; size: number }> {
    const entry = this.#file(branchId, id)
    if (!entry.live) return { hash: String(entry.blob), size: entry.size }
    const live = await this.#live(entry)
    const heads = live.heads().join(',')
    const known = this.#liveHashes.get(live.url)
    if (known?.heads === heads) return known.content
    const bytes = encodeText(live.doc().content)
    const content = { hash: await sha256(bytes), size: bytes.length }
    this.#liveHashes.set(live.url, { heads, content })
    return content
  }

  /**
   * The live document of a text file, created copy-on-write from its blob on first edit.
   * Concurrent first edits from two peers may each create one; the last write of the entry wins
   * and both documents started from the same text.
   */
  async openLive(branchId: BranchId, id: EntryId): Promise<AutomergeUrl> {
    const entry = this.#file(branchId, id)
    if (entry.live) return String(entry.live) as AutomergeUrl
    if (entry.binary)
      throw new WeftError('binary', `"${String(entry.path)}" is binary and cannot be edited as text.`)
    const text = decodeText(await this.blobs.read(String(entry.blob)))
    if (text === null)
      throw new WeftError('binary', `"${String(entry.path)}" is binary and cannot be edited as text.`)
    const current = this.#file(branchId, id)
    if (current.live) return String(current.live) as AutomergeUrl
    const live = this.repo.create<LiveFileDoc>({ content: text })
    const stateBefore = this.ledger?.get(branchId, id) && (await this.entryState(branchId, id))
    this.handle.change((d) => {
      const target = d.branches[branchId].tree[id]
      if (target?.type === 'file') target.live = scalar(live.url)
    })
    // Moving the text into a live document changes no content: a change of ours stays ours.
    const record = this.ledger?.get(branchId, id)
    if (record && record.after === stateBefore)
      this.ledger!.set(branchId, id, { ...record, after: await this.entryState(branchId, id) })
    return live.url
  }

  /** The other documents this repository consists of: its blob packs and every live file. */
  documentUrls(): AutomergeUrl[] {
    const doc = this.handle.doc()
    const urls = new Set<string>(Object.values(doc.blobs).map(String))
    for (const branch of Object.values(doc.branches))
      for (const entry of Object.values(branch.tree))
        if (entry.type === 'file' && entry.live) urls.add(String(entry.live))
    return [...urls] as AutomergeUrl[]
  }

  /** Every file of the branch with its current bytes, for export. */
  async snapshotFiles(branchId: BranchId): Promise<IncomingFile[]> {
    const files = this.entries(branchId).filter((e) => e.type === 'file')
    return Promise.all(
      files.map(async (f) => ({ path: f.path, bytes: await this.readBytes(branchId, f.id) })),
    )
  }

  /** The files of the branch's head commit (cached per head: every recorded keystroke asks). */
  headSnapshot(branchId: BranchId): Snapshot {
    const head = this.#branch(branchId).head
    if (this.#headCache?.head !== head)
      this.#headCache = { head, snapshot: snapshotAt(this.handle.doc().commits, head) }
    return this.#headCache.snapshot
  }

  /**
   * An entry's exact state, for telling whether anyone wrote it since: its tree fields and, for an
   * edited file, its live document's heads (change hashes, which no peer can reproduce without
   * making the very same changes).
   */
  async entryState(branchId: BranchId, id: EntryId): Promise<string> {
    const entry = this.handle.doc().branches[branchId]?.tree[id]
    if (!entry) return 'gone'
    if (entry.type === 'dir') return `dir\0${String(entry.path)}`
    const heads = entry.live ? A.getHeads((await this.#live(entry)).doc()).join(',') : ''
    return this.#state({
      path: String(entry.path),
      blob: String(entry.blob),
      live: String(entry.live ?? ''),
      heads,
    })
  }

  /** The entries as they are now, before a change of ours to them (`noteOwnChanges` then records it). */
  captureBefore(branchId: BranchId, ids: EntryId[]): Map<EntryId, Before | null> {
    return this.#capture(branchId, ids)
  }

  noteOwnChanges(branchId: BranchId, before: Map<EntryId, Before | null>): Promise<void> {
    return this.#noteOwn(branchId, before)
  }

  /**
   * Records an edit of ours to the live document `url` (made in this process, from `before` heads
   * to `after`) as a change of the entry holding it. A document no entry holds is ignored.
   */
  async noteLiveEdit(url: string, before: string[], after: string[]): Promise<void> {
    if (!this.ledger) return
    for (const [branchId, branch] of Object.entries(this.handle.doc().branches))
      for (const [id, entry] of Object.entries(branch.tree)) {
        if (entry.type !== 'file' || String(entry.live ?? '') !== url) continue
        const fields = { path: String(entry.path), blob: String(entry.blob), live: url }
        await this.#noteOwn(branchId, new Map([[id, { ...fields, heads: before }]]), after)
        return
      }
  }

  #state(fields: { path: string; blob: string; live: string; heads: string }): string {
    return `file\0${fields.path}\0${fields.blob}\0${fields.live}\0${fields.heads}`
  }

  #capture(branchId: BranchId, ids: EntryId[]): Map<EntryId, Before | null> {
    const tree = this.#branch(branchId).tree
    const before = new Map<EntryId, Before | null>()
    for (const id of ids) {
      const entry = tree[id]
      // Folders are not committed; only files count.
      if (entry?.type === 'dir') continue
      before.set(
        id,
        entry ? { path: String(entry.path), blob: String(entry.blob), live: String(entry.live ?? '') } : null,
      )
    }
    return before
  }

  /**
   * Records changes of ours in the author's ledger, and names the author on each changed entry so
   * peers see whose it is. A tree change leaves live documents alone, so their heads then are their
   * heads before; a live edit gives its own heads (`after`).
   */
  #noteOwn(branchId: BranchId, before: Map<EntryId, Before | null>, after?: string[]): Promise<void> {
    if (!this.author || !this.ledger || before.size === 0) return Promise.resolve()
    // Read at once, before anything else can run: what our change left, not what a peer wrote since.
    const left = this.#capture(branchId, [...before.keys()])
    // One at a time: each record builds on the one before (keystrokes arrive faster than hashing).
    const head = this.headSnapshot(branchId)
    const noted = this.#noting.then(() => this.#record(branchId, head, before, left, after))
    this.#noting = noted.catch(() => undefined)
    return noted
  }

  async #record(
    branchId: BranchId,
    head: Snapshot,
    before: Map<EntryId, Before | null>,
    left: Map<EntryId, Before | null>,
    after: string[] | undefined,
  ): Promise<void> {
    const author = this.author!
    const ledger = this.ledger!
    const headsOf = async (url: string) =>
      url ? A.getHeads((await this.repo.find<LiveFileDoc>(url as AutomergeUrl)).doc()) : []
    for (const [id, was] of before) {
      const prev = ledger.get(branchId, id)
      const headVersion = version(head[id])
      const now = left.get(id)
      const live = was?.live ? await this.repo.find<LiveFileDoc>(was.live as AutomergeUrl) : null
      // A tree change leaves live text alone: one reading of a document's heads serves before and after.
      const heads = was?.heads ?? (live ? A.getHeads(live.doc()) : [])
      const headsAfter = after ?? (now?.live === was?.live ? heads : await headsOf(now?.live ?? ''))
      const stateAfter = now ? this.#state({ ...now, heads: headsAfter.join(',') }) : 'gone'
      const stateBefore = was ? this.#state({ ...was, heads: heads.join(',') }) : 'gone'
      let content = ''
      // What the entry held before, as a version: needed only when a new stretch of work begins.
      if (was && (!prev || prev.base !== headVersion)) {
        const text = live ? A.view(live.doc(), heads).content : null
        content = version({ path: was.path, blob: text === null ? was.blob : await sha256(encodeText(text)) })
      }
      ledger.set(
        branchId,
        id,
        noteChange(prev, headVersion, { state: stateBefore, version: content }, stateAfter),
      )
    }
    // Tree changes name their author in the same change; a live edit names them once per entry.
    const unnamed = [...before.keys()].filter(
      (id) => this.handle.doc().branches[branchId]?.changedBy?.[id]?.[author.id] !== author.name,
    )
    if (unnamed.length > 0) this.handle.change((d) => this.sign(d, branchId, unnamed))
  }

  /** Names this workspace's author beside changed entries, inside a change to the document. */
  sign(d: RepositoryDoc, branchId: BranchId, ids: EntryId[]): void {
    const branch = d.branches[branchId]
    if (!this.author || !branch) return
    branch.changedBy ??= {}
    for (const id of ids) {
      branch.changedBy[id] ??= {}
      if (branch.changedBy[id][this.author.id] !== this.author.name)
        branch.changedBy[id][this.author.id] = this.author.name
    }
  }

  #branch(branchId: BranchId): Branch {
    const branch = this.handle.doc().branches[branchId]
    if (!branch) throw new WeftError('not-found', `This repository has no branch ${branchId}.`)
    return branch
  }

  #file(branchId: BranchId, id: EntryId): FileEntry {
    const entry = this.#branch(branchId).tree[id]
    if (entry?.type !== 'file') throw new WeftError('not-found', 'That file no longer exists on this branch.')
    return entry
  }

  #live(entry: FileEntry): Promise<DocHandle<LiveFileDoc>> {
    return this.repo.find<LiveFileDoc>(String(entry.live) as AutomergeUrl)
  }

  /**
   * The branch's entries at the paths every reader sees them (`entries`), for path-based operations: a
   * person acts on the name they are shown. An entry whose own path is refused keeps it here (and
   * takes no part), so it can still be moved or removed by that path.
   */
  #shown(branch: Branch): { id: EntryId; type: 'file' | 'dir'; path: string }[] {
    return resolveCollisions(
      Object.entries(branch.tree).map(([id, e]) => ({ id, type: e.type, path: readScalar(e.path) ?? '' })),
    ).entries
  }

  /** Entries at or under `path` as shown, each with its shown path. */
  #within(branch: Branch, path: string): [EntryId, string][] {
    return this.#shown(branch)
      .filter((e) => isWithin(e.path, path))
      .map((e) => [e.id, e.path])
  }

  /**
   * Refuses a path that is taken, in any case (macOS and Windows see one file), whose parent folder is a
   * file, or whose folders are spelled in another case than existing ones: what the path rule refuses on read.
   */
  #checkFree(branch: Branch, path: string, except: ReadonlySet<EntryId> = new Set()): void {
    const folded = foldPath(path)
    const folders = new Map<string, string>()
    for (const { id, type, path: existing } of this.#shown(branch)) {
      if (except.has(id)) continue
      const other = foldPath(existing)
      if (isWithin(other, folded))
        throw new WeftError(
          'exists',
          isWithin(existing, path)
            ? `"${path}" already exists.`
            : `${quotePath(existing)} already exists; names that differ only in case are one file on macOS and Windows.`,
        )
      if (type === 'file' && isWithin(folded, other))
        throw new WeftError('bad-path', `"${existing}" is a file, so it cannot hold "${path}".`)
      for (const folder of type === 'dir' ? [...ancestorsOf(existing), existing] : ancestorsOf(existing))
        folders.set(foldPath(folder), folder)
    }
    for (const folder of ancestorsOf(path)) {
      const spelled = folders.get(foldPath(folder))
      if (spelled !== undefined && spelled !== folder)
        throw new WeftError(
          'exists',
          `The folder ${quotePath(spelled)} already exists; ${quotePath(folder)} differs only in case, which macOS and Windows treat as the same folder.`,
        )
    }
  }

  #checkSize(path: string, bytes: Uint8Array): void {
    const tooBig = oversize(bytes.length)
    if (tooBig) throw new WeftError('too-large', `"${path}" is ${tooBig}`)
  }
}
