import type { AutomergeUrl } from '@automerge/automerge-repo/slim'
import * as Comlink from 'comlink'
import { decodeText, encodeText, oversize } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'
import { joinPath, type RenamedEntry } from '../model/paths.ts'
import type { BranchId, EntryId, ListedEntry } from '../model/types.ts'
import { leaveOutIgnored } from '../git/gitIgnore.ts'
import { readZip, writeZip } from '../repo/archive.ts'
import { markedFiles } from '../repo/resolveConflicts.ts'
import type { FileContent, ImportReport, IncomingFile } from '../repo/Workspace.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

/** An import of a folder's or a zip's files: Workspace's report, and how many files git ignores were left out. */
export type FolderImportReport = ImportReport & { ignored: number }

const textDecoder = new TextDecoder()

/** A branch's working files: watching the tree, creating, moving, importing, exporting and reading them. */
export class FileService {
  readonly #profile: ProfileContext

  constructor(profile: ProfileContext) {
    this.#profile = profile
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
    const ws = await this.#profile.workspace(id)
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
    return this.#profile.watch(() => ws.handle.off('change', notify))
  }

  async createFile(id: string, branch: BranchId, path: string): Promise<EntryId> {
    return this.#profile.saved(await (await this.#profile.workspace(id)).createFile(branch, path))
  }

  async createFolder(id: string, branch: BranchId, path: string): Promise<EntryId> {
    return this.#profile.saved((await this.#profile.workspace(id)).createFolder(branch, path))
  }

  async move(id: string, branch: BranchId, from: string, to: string): Promise<void> {
    await (await this.#profile.workspace(id)).move(branch, from, to)
    return this.#profile.saved(undefined)
  }

  async remove(id: string, branch: BranchId, path: string): Promise<void> {
    await (await this.#profile.workspace(id)).remove(branch, path)
    return this.#profile.saved(undefined)
  }

  /** The name this profile's person goes by: shown to peers beside the changes they make. */
  async setAuthorName(name: string): Promise<void> {
    const trimmed = String(name).trim().slice(0, 40)
    if (trimmed) this.#profile.author.name = trimmed
  }

  async importFiles(id: string, branch: BranchId, files: IncomingFile[], folder = ''): Promise<ImportReport> {
    return this.#profile.saved(await (await this.#profile.workspace(id)).importFiles(branch, files, folder))
  }

  /**
   * Imports files given as Blobs (a picked folder's File objects, which cross to the worker without
   * copying their bytes), reading them here rather than on the window's main thread. Files git
   * ignores (by the `.gitignore` files among them) and a `.git` folder are left out unread.
   */
  async importBlobs(
    id: string,
    branch: BranchId,
    picked: { path: string; blob: Blob }[],
    folder = '',
  ): Promise<FolderImportReport> {
    const { kept: files, ignored } = await leaveOutIgnored(picked, (f) => f.blob.text())
    // Oversize files are refused by their size, before anything is read into memory.
    const refused = files
      .filter((f) => oversize(f.blob.size))
      .map((f) => ({ path: joinPath(folder, f.path), reason: oversize(f.blob.size)! }))
    const fitting = files.filter((f) => !oversize(f.blob.size))
    const read = await Promise.all(
      fitting.map(async (f) => ({ path: f.path, bytes: new Uint8Array(await f.blob.arrayBuffer()) })),
    )
    const report = await this.importFiles(id, branch, read, folder)
    return { ...report, refused: [...refused, ...report.refused], ignored: ignored.length }
  }

  /**
   * Collects files for a later `importStaged`. A window hands over thousands of files in chunks so
   * that no single message (each File is registered on the way) blocks its main thread.
   */
  stageImport(stageId: string, files: { path: string; blob: Blob }[]): void {
    const staged = this.#profile.staged.get(stageId) ?? []
    this.#profile.staged.set(stageId, staged.concat(files))
  }

  /** Imports everything staged under `stageId` as one change. */
  async importStaged(
    id: string,
    branch: BranchId,
    stageId: string,
    folder = '',
  ): Promise<FolderImportReport> {
    const files = this.#profile.staged.get(stageId) ?? []
    this.#profile.staged.delete(stageId)
    return this.importBlobs(id, branch, files, folder)
  }

  /** Forgets what was staged under `stageId` (the person chose not to import it). */
  dropStaged(stageId: string): void {
    this.#profile.staged.delete(stageId)
  }

  /** Imports a .zip's files (given as bytes or as the picked file, read here), those git ignores left out. */
  async importZip(
    id: string,
    branch: BranchId,
    zip: Uint8Array | Blob,
    folder = '',
  ): Promise<FolderImportReport> {
    const read = readZip(zip instanceof Blob ? new Uint8Array(await zip.arrayBuffer()) : zip)
    const { kept, ignored } = await leaveOutIgnored(read.files, async (f) => textDecoder.decode(f.bytes))
    const report = await this.importFiles(id, branch, kept, folder)
    return { ...report, refused: [...read.refused, ...report.refused], ignored: ignored.length }
  }

  /** The branch's files as a .zip; files with unsettled conflicts carry markers, so they read as conflicted. */
  async exportZip(id: string, branch: BranchId): Promise<Uint8Array> {
    const ws = await this.#profile.workspace(id)
    const marked = await markedFiles(ws, branch)
    const byPath = new Map(ws.entries(branch).map((e) => [e.path, e.id]))
    const files = (await ws.snapshotFiles(branch)).map((file) => {
      const text = marked.get(byPath.get(file.path) ?? '')
      return text === undefined ? file : { path: file.path, bytes: encodeText(text) }
    })
    return writeZip(files)
  }

  async read(id: string, branch: BranchId, entry: EntryId): Promise<FileContent> {
    return (await this.#profile.workspace(id)).read(branch, entry)
  }

  async openLive(id: string, branch: BranchId, entry: EntryId): Promise<AutomergeUrl> {
    return this.#profile.saved(await (await this.#profile.workspace(id)).openLive(branch, entry))
  }

  /** The branch's files as they are now (live edits included), for a run; the bytes are transferred. */
  async runFiles(id: string, branch: BranchId): Promise<{ path: string; bytes: Uint8Array }[]> {
    // Copies: stored bytes may be views into a blob pack's memory, which must not be detached.
    const files = (await (await this.#profile.workspace(id)).snapshotFiles(branch)).map((f) => ({
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
    const ws = await this.#profile.workspace(id)
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
    const ws = await this.#profile.workspace(id)
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

  /** A stored blob's text, or null when it is binary. */
  async readBlobText(id: string, blob: string): Promise<string | null> {
    return decodeText(await (await this.#profile.workspace(id)).blobs.read(blob))
  }
}
