/**
 * `weft export-git`: a Weft repository's history written as git objects and refs. Each commit becomes
 * a git commit with the same files, author, time, message and parents; an imported commit is written
 * exactly as git had it (`Commit.git`), so an untouched history comes back with the same ids.
 * Commits the target repository already holds are not written again, and a branch that moved there
 * on its own is not overwritten (as git refuses a non-fast-forward push). New objects go into pack
 * files (packWriter.ts), written before any ref moves.
 */
import git from 'isomorphic-git'
import { graphLog, snapshotAt, type Snapshot } from '../repo/history.ts'
import type { Workspace } from '../repo/Workspace.ts'
import { WeftError } from '../model/errors.ts'
import type { Commit, CommitId, FileMode, RepositoryDoc } from '../model/types.ts'
import { commitContent, identityHeaders, objectId, treeContent, type TreeItem } from './gitObjects.ts'
import { joinFsPath, type GitRepository } from './gitRepository.ts'
import { GitObjectIndex } from './objectIndex.ts'
import { GitPackWriter, type GitObjectType } from './packWriter.ts'

export interface GitExportProgress {
  done: number
  total: number
}

export interface GitExportOptions {
  /** Computes the ids only: nothing is written to the git repository. */
  dryRun?: boolean
  /**
   * With `dryRun`: an imported commit whose parents kept their git ids is taken at its own git id
   * rather than rebuilt, as a real export takes it when the target holds it. Ids for thousands of
   * imported commits in milliseconds (a remote helper's `list`), not minutes.
   */
  trustImported?: boolean
  /** Moves branches even when that drops commits the git repository has (git push --force). */
  force?: boolean
  /** False: writes the objects only, moving no ref (a remote helper's fetch: git moves them). */
  writeRefs?: boolean
  onProgress?: (progress: GitExportProgress) => void
}

export interface GitExportReport {
  /** Weft commit id → git commit id, for every commit exported. */
  ids: Map<CommitId, string>
  /** Commits written (those the git repository lacked). */
  written: number
  /** Imported commits whose git id could not be kept (their git form differs from what Weft holds). */
  changedIds: CommitId[]
  branches: {
    name: string
    oid: string
    outcome: 'created' | 'updated' | 'up-to-date' | 'refused'
    reason?: string
  }[]
  tags: number
  /** Each tag's git object id (a commit's, or an annotated tag's own). */
  tagObjects: { name: string; oid: string }[]
}

const encoder = new TextEncoder()

/** Every commit reachable from the branches and tags, parents before children. */
function commitsInOrder(doc: RepositoryDoc): CommitId[] {
  const heads = [
    ...Object.values(doc.branches).map((b) => b.head),
    ...(doc.gitTags ?? []).map((t) => t.commit),
  ].filter((h): h is CommitId => !!h && !!doc.commits[h])
  return graphLog(doc.commits, heads)
    .map((c) => c.id)
    .reverse()
}

export class GitExporter {
  readonly #ws: Workspace
  readonly #repo: GitRepository
  readonly #index: GitObjectIndex
  readonly #blobIds = new Map<string, string>()
  /** Each folder's entries (as a key) and tree id in the last commit built, by path. */
  readonly #folders = new Map<string, { key: string; oid: string }>()
  /** Objects the target holds, or that are packed or staged in this export. */
  readonly #written = new Set<string>()
  /** A rebuilt commit's new objects, packed once the commit proves new to the target. */
  #staged: { type: GitObjectType; content: Uint8Array; oid: string }[] = []
  #pack: GitPackWriter | null = null
  /** Commits this export writes: not yet readable from the target. */
  readonly #built = new Set<string>()
  /** The target held no objects when the export began: nothing in it to look up. */
  #fresh = false
  #dryRun = false
  #lastSnapshot: { id: CommitId; snapshot: Snapshot } | null = null

  constructor(ws: Workspace, repo: GitRepository) {
    this.#ws = ws
    this.#repo = repo
    this.#index = new GitObjectIndex(repo)
  }

  async export({
    dryRun = false,
    trustImported = false,
    force = false,
    writeRefs = true,
    onProgress,
  }: GitExportOptions = {}): Promise<GitExportReport> {
    this.#dryRun = dryRun
    const doc = this.#ws.handle.doc()
    const order = commitsInOrder(doc)
    this.#fresh = await this.#targetIsEmpty()
    if (!dryRun) this.#pack = new GitPackWriter(this.#repo)
    const present = dryRun || this.#fresh ? new Set<CommitId>() : await this.#importedInTarget(doc, order)
    const ids = new Map<CommitId, string>()
    const changedIds: CommitId[] = []
    let written = 0
    for (const id of order) {
      const commit = doc.commits[id]
      const known = commit.git ? String(commit.git.id) : null
      // An imported commit whose parents kept their ids, already in the target: nothing to write.
      // In a dry run with `trustImported`, such a commit keeps its git id without its tree computed.
      if (
        known &&
        commit.parents.every((p) => ids.get(p) === String(doc.commits[p]?.git?.id ?? '')) &&
        (dryRun ? trustImported : present.has(id))
      ) {
        ids.set(id, known)
        onProgress?.({ done: ids.size, total: order.length })
        continue
      }
      const tree = await this.#treeOf(doc, id, ids)
      const content = this.#commitContent(
        commit,
        tree,
        commit.parents.map((p) => ids.get(p)!),
      )
      const oid = objectId('commit', content)
      if (known && oid !== known) changedIds.push(id)
      ids.set(id, oid)
      if (!dryRun && !this.#written.has(oid) && (this.#fresh || !(await this.#has(oid)))) {
        await this.#write('commit', content)
        await this.#packStaged()
        this.#built.add(oid)
        written++
      } else {
        // The target holds the commit, so also everything it reaches (git keeps that true).
        this.#written.add(oid)
        this.#staged = []
      }
      onProgress?.({ done: ids.size, total: order.length })
    }
    const tagObjects = await this.#tagObjects(doc, ids)
    if (!dryRun) {
      await this.#packStaged()
      await this.#pack!.flush()
    }
    if (dryRun || !writeRefs) return { ids, written, changedIds, branches: [], tags: 0, tagObjects }
    const branches = await this.#branches(doc, ids, force)
    const { fs, gitdir } = this.#repo
    for (const { name, oid } of tagObjects)
      await git.writeRef({ fs, gitdir, ref: `refs/tags/${name}`, value: oid, force: true })
    return { ids, written, changedIds, branches, tags: tagObjects.length, tagObjects }
  }

  #commitContent(commit: Commit, tree: string, parents: string[]): Uint8Array {
    if (commit.git) {
      const message = commit.git.message ?? `${commit.message}\n`
      return commitContent(tree, parents, commit.git.headers, message)
    }
    return commitContent(
      tree,
      parents,
      identityHeaders(commit.author, commit.time),
      `${commit.message.replace(/\n+$/, '')}\n`,
    )
  }

  async #has(oid: string): Promise<boolean> {
    return this.#written.has(oid) || (await this.#index.has(oid))
  }

  /** Whether the target has no objects yet (only empty `objects/info` and `objects/pack`). */
  async #targetIsEmpty(): Promise<boolean> {
    const { fs, gitdir } = this.#repo
    const objects = joinFsPath(gitdir, 'objects')
    const names: string[] = await fs.promises.readdir(objects).catch(() => [])
    if (names.some((name) => name !== 'info' && name !== 'pack')) return false
    const packs: string[] = await fs.promises.readdir(joinFsPath(objects, 'pack')).catch(() => [])
    return !packs.some((name) => name.endsWith('.idx'))
  }

  /**
   * The imported commits the target holds under their git ids. Children come before parents here,
   * and a commit git holds has its ancestors too, so usually only the heads are looked up.
   */
  async #importedInTarget(doc: RepositoryDoc, order: CommitId[]): Promise<Set<CommitId>> {
    const present = new Set<CommitId>()
    for (let i = order.length - 1; i >= 0; i--) {
      const commit = doc.commits[order[i]]
      if (!present.has(order[i])) {
        if (!commit.git || !(await this.#has(String(commit.git.id)))) continue
        present.add(order[i])
      }
      for (const parent of commit.parents) if (doc.commits[parent]?.git) present.add(parent)
    }
    return present
  }

  /** An object's id; outside a dry run, the object is staged for the pack unless already there. */
  async #write(type: GitObjectType, content: Uint8Array): Promise<string> {
    const oid = objectId(type, content)
    if (this.#dryRun || this.#written.has(oid)) return oid
    this.#staged.push({ type, content, oid })
    this.#written.add(oid)
    return oid
  }

  /** Packs the staged objects the target lacks. */
  async #packStaged(): Promise<void> {
    const staged = this.#staged
    this.#staged = []
    for (const { type, content, oid } of staged)
      if (this.#fresh || !(await this.#index.has(oid))) await this.#pack!.add(type, content, oid)
  }

  async #blob(hash: string): Promise<string> {
    let oid = this.#blobIds.get(hash)
    if (!oid) {
      oid = await this.#write('blob', await this.#ws.blobs.read(hash))
      this.#blobIds.set(hash, oid)
    }
    return oid
  }

  /** A commit's files (the last one asked for is kept: it is usually the next one's first parent). */
  #snapshot(doc: RepositoryDoc, id: CommitId): Snapshot {
    if (this.#lastSnapshot?.id !== id) this.#lastSnapshot = { id, snapshot: snapshotAt(doc.commits, id) }
    return this.#lastSnapshot.snapshot
  }

  /**
   * A rebuilt commit's tree. When the target holds its first parent, the tree is that parent's
   * with the changed files put in (only their folders are rebuilt and only their contents read):
   * a commit made in Weft on top of a large history costs what it changed, not the whole tree.
   */
  async #treeOf(doc: RepositoryDoc, id: CommitId, ids: Map<CommitId, string>): Promise<string> {
    const parent = doc.commits[id].parents[0]
    const parentOid = parent ? ids.get(parent) : undefined
    if (parent && parentOid && !this.#fresh && !this.#built.has(parentOid)) {
      const { fs, gitdir, cache } = this.#repo
      const base = await git.readCommit({ fs, gitdir, cache, oid: parentOid }).then(
        (read) => read.commit.tree,
        () => null,
      )
      if (base) {
        const before = this.#snapshot(doc, parent)
        return this.#treeOnBase(base, before, this.#snapshot(doc, id))
      }
    }
    return this.#tree(this.#snapshot(doc, id))
  }

  /** `after`'s tree made from `base`, the git tree of `before`: only folders on a changed path are rebuilt. */
  async #treeOnBase(base: string, before: Snapshot, after: Snapshot): Promise<string> {
    // What changed, by folder ("" the root, "a/b/" below it): a file, or null where one went.
    const changes = new Map<string, Map<string, Snapshot[string] | null>>()
    const subfolders = new Map<string, Set<string>>()
    const note = (path: string, file: Snapshot[string] | null) => {
      const cut = path.lastIndexOf('/') + 1
      let folder = path.slice(0, cut)
      if (!changes.has(folder)) changes.set(folder, new Map())
      changes.get(folder)!.set(path.slice(cut), file)
      while (folder) {
        const up = folder.slice(0, folder.lastIndexOf('/', folder.length - 2) + 1)
        if (!subfolders.has(up)) subfolders.set(up, new Set())
        subfolders.get(up)!.add(folder)
        folder = up
      }
    }
    const was = new Map(Object.values(before).map((file) => [file.path, file]))
    for (const file of Object.values(after)) {
      const old = was.get(file.path)
      if (!old || old.blob !== file.blob || old.mode !== file.mode) note(file.path, file)
      was.delete(file.path)
    }
    for (const path of was.keys()) note(path, null)
    if (changes.size === 0) return base

    const { fs, gitdir, cache } = this.#repo
    const rebuild = async (folder: string, oid: string | null): Promise<string | null> => {
      const items = new Map<string, TreeItem>()
      if (oid)
        for (const entry of (await git.readTree({ fs, gitdir, cache, oid })).tree)
          items.set(entry.path, gitTreeItem(entry, `${folder}${entry.path}`))
      // Folders first, then files: a file may take the place of a folder, or a folder of a file.
      for (const sub of subfolders.get(folder) ?? []) {
        const name = sub.slice(folder.length, -1)
        const old = items.get(name)
        const next = await rebuild(sub, old?.kind === 'tree' ? old.oid : null)
        if (next) items.set(name, { name, oid: next, kind: 'tree' })
        else if (old?.kind === 'tree') items.delete(name)
      }
      for (const [name, file] of changes.get(folder) ?? []) {
        if (file) {
          const item: TreeItem = {
            name,
            oid: this.#blobIds.get(file.blob) ?? (await this.#blob(file.blob)),
            kind: 'file',
          }
          if (file.mode) item.mode = file.mode
          items.set(name, item)
        } else if (items.get(name)?.kind === 'file') items.delete(name)
      }
      if (items.size === 0 && folder) return null
      return this.#write('tree', treeContent([...items.values()]))
    }
    return (await rebuild('', base))!
  }

  /**
   * The tree of a commit's files. Each folder's entries are kept as a key under its path: a folder
   * whose entries equal those of the last commit built (most folders, from one commit to the next)
   * takes that tree's id without its object being made and hashed again.
   */
  async #tree(snapshot: Snapshot): Promise<string> {
    type Folder = { files: TreeItem[]; folders: Map<string, Folder> }
    const root: Folder = { files: [], folders: new Map() }
    for (const file of Object.values(snapshot)) {
      const names = file.path.split('/')
      let folder = root
      for (let i = 0; i < names.length - 1; i++) {
        let next = folder.folders.get(names[i])
        if (!next) folder.folders.set(names[i], (next = { files: [], folders: new Map() }))
        folder = next
      }
      const oid = this.#blobIds.get(file.blob) ?? (await this.#blob(file.blob))
      const item: TreeItem = { name: names[names.length - 1], oid, kind: 'file' }
      if (file.mode) item.mode = file.mode
      folder.files.push(item)
    }
    const write = async (folder: Folder, path: string): Promise<string> => {
      const items: TreeItem[] = folder.files
      for (const [name, sub] of folder.folders)
        items.push({ name, oid: await write(sub, `${path}${name}/`), kind: 'tree' })
      // Names hold no line breaks (the path rule), and ids are 40 characters: the key is unambiguous.
      const key = items
        .map((item) => `${item.kind === 'tree' ? 'tree' : (item.mode ?? 'file')} ${item.oid} ${item.name}`)
        .join('\n')
      const last = this.#folders.get(path)
      if (last?.key === key) return last.oid
      const oid = await this.#write('tree', treeContent(items))
      this.#folders.set(path, { key, oid })
      return oid
    }
    return write(root, '')
  }

  async #branches(
    doc: RepositoryDoc,
    ids: Map<CommitId, string>,
    force: boolean,
  ): Promise<GitExportReport['branches']> {
    const { fs, gitdir, cache } = this.#repo
    const report: GitExportReport['branches'] = []
    for (const branch of Object.values(doc.branches).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!branch.head) continue
      const oid = ids.get(branch.head)!
      const ref = `refs/heads/${branch.name}`
      const current = await git.resolveRef({ fs, gitdir, ref }).catch(() => null)
      if (current === oid) {
        report.push({ name: branch.name, oid, outcome: 'up-to-date' })
        continue
      }
      if (current && !force) {
        const ahead = await git
          .isDescendent({ fs, gitdir, cache, oid, ancestor: current, depth: -1 })
          .catch(() => false)
        if (!ahead) {
          report.push({
            name: branch.name,
            oid,
            outcome: 'refused',
            reason: `the git repository's ${branch.name} (${current.slice(0, 12)}) has commits Weft's does not (non-fast-forward)`,
          })
          continue
        }
      }
      await git.writeRef({ fs, gitdir, ref, value: oid, force: true })
      report.push({ name: branch.name, oid, outcome: current ? 'updated' : 'created' })
    }
    const defaultName = doc.branches[doc.defaultBranch]?.name
    const head = await git.resolveRef({ fs, gitdir, ref: 'HEAD' }).catch(() => null)
    if (!head && defaultName && report.some((b) => b.name === defaultName && b.outcome !== 'refused'))
      await git.writeRef({
        fs,
        gitdir,
        ref: 'HEAD',
        value: `refs/heads/${defaultName}`,
        symbolic: true,
        force: true,
      })
    return report
  }

  /** Each tag's git object: the commit's id for a plain tag, a tag object (written unless a dry run) for an annotated one. */
  async #tagObjects(
    doc: RepositoryDoc,
    ids: Map<CommitId, string>,
  ): Promise<{ name: string; oid: string }[]> {
    const objects: { name: string; oid: string }[] = []
    for (const tag of doc.gitTags ?? []) {
      const commit = ids.get(tag.commit)
      if (!commit) continue
      let oid = commit
      if (tag.object) {
        const object = tag.object.replace(/^object [0-9a-f]{40}$/m, `object ${commit}`)
        if (!/^object [0-9a-f]{40}$/m.test(tag.object) || !/^type commit$/m.test(tag.object))
          throw new WeftError('bad-input', `Tag "${tag.name}" holds no commit.`)
        oid = await this.#write('tag', encoder.encode(object))
      }
      objects.push({ name: tag.name, oid })
    }
    return objects
  }
}

const GIT_FILE_MODES: Record<string, FileMode | undefined> = {
  '100644': undefined,
  '100755': 'executable',
  '120000': 'symlink',
}

/** An entry of a tree read from git as the item it was made from. */
function gitTreeItem(
  entry: { path: string; oid: string; mode: string; type: string },
  path: string,
): TreeItem {
  if (entry.type === 'tree') return { name: entry.path, oid: entry.oid, kind: 'tree' }
  if (entry.type !== 'blob' || !(entry.mode in GIT_FILE_MODES))
    throw new WeftError(
      'bad-input',
      `The git repository's ${path} has mode ${entry.mode}, which Weft does not write.`,
    )
  const mode = GIT_FILE_MODES[entry.mode]
  return mode
    ? { name: entry.path, oid: entry.oid, kind: 'file', mode }
    : { name: entry.path, oid: entry.oid, kind: 'file' }
}

/** Writes `ws`'s history into the git repository `repo` (see GitExporter). */
export const exportGit = (
  ws: Workspace,
  repo: GitRepository,
  options?: GitExportOptions,
): Promise<GitExportReport> => new GitExporter(ws, repo).export(options)
