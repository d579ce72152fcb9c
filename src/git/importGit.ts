/**
 * `weft import-git`: a git repository's history into a Weft repository. Each git commit becomes a
 * Weft commit with the same files, author, time, message and parents (its Weft id is its git id);
 * branches become Weft branches, tags read-only names (`RepositoryDoc.gitTags`). Commits already
 * imported are skipped, so importing again brings only what is new. Everything is read and checked
 * (readGitHistory.ts) before the first write; commits are then written in batches, blobs first.
 */
import git from 'isomorphic-git'
import { recordBlobs } from '../repo/BlobStore.ts'
import type { Snapshot } from '../repo/history.ts'
import { snapshotAt } from '../repo/history.ts'
import { branchNameProblem, VersionControl, type RecordedCommit } from '../repo/VersionControl.ts'
import type { Workspace } from '../repo/Workspace.ts'
import { decodeText, MAX_FILE_BYTES, oversize } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'
import { newId } from '../model/ids.ts'
import { quotePath } from '../model/paths.ts'
import { scalar } from '../model/scalar.ts'
import type { CommitId, GitTag } from '../model/types.ts'
import { GitExporter } from './exportGit.ts'
import type { GitRepository } from './gitRepository.ts'
import { GitHistoryReader, type GitCommitRecord } from './readGitHistory.ts'

export interface GitImportProgress {
  phase: 'reading' | 'checking' | 'writing'
  done: number
  total: number | null
}

export interface GitImportOptions {
  /** Branch names to import; every local branch when absent. */
  branches?: string[]
  /** Commits to import as these branches instead of the repository's branches (a push), no tags. */
  heads?: { name: string; head: string }[]
  onProgress?: (progress: GitImportProgress) => void
  /** Commits written per document change. */
  batch?: number
  /**
   * Reads every file content once before the first write (a second read of each while writing), so
   * that a damaged one deep in a long history stops the import with nothing written, not after
   * the batches before it. For imports into a repository that already exists (the app's, `--repo`),
   * where a failed import cannot simply be deleted.
   */
  checkFirst?: boolean
}

export interface GitImportReport {
  commits: number
  branches: {
    name: string
    head: string
    outcome: 'created' | 'moved' | 'up-to-date' | 'refused'
    reason?: string
  }[]
  tags: number
  /** Paths of Git LFS pointer files: kept as the pointers they are, their content is not in the repository. */
  lfsPointers: string[]
  skipped: { name: string; reason: string }[]
}

/** A Git LFS pointer file (its spec's first line, an oid and a size). */
const LFS_POINTER = /^version \S*git-lfs\S*\noid sha256:[0-9a-f]{64}\nsize \d+\n/

/**
 * A stable entry id for a path: the same file gets the same id on every branch of one import, so
 * branches imported from git merge by entry as Weft's own do.
 */
function pathId(path: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15)
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0')
  return `git-${hex(h1)}${hex(h2)}`
}

/**
 * Git ids of the commits this repository already holds, to their Weft ids: an imported commit's
 * own, and the id an export gives each commit made in Weft (computed, nothing written), so a commit
 * that went out to git and comes back is recognised rather than imported twice.
 */
export async function knownCommits(ws: Workspace, repo: GitRepository): Promise<Map<string, CommitId>> {
  const known = new Map<string, CommitId>()
  const commits = Object.entries(ws.handle.doc().commits)
  for (const [id, commit] of commits) if (commit.git) known.set(String(commit.git.id), id)
  if (commits.some(([, commit]) => !commit.git)) {
    const { ids } = await new GitExporter(ws, repo).export({ dryRun: true, trustImported: true })
    for (const [id, oid] of ids) if (!known.has(oid)) known.set(oid, id)
  }
  return known
}

export async function importGit(
  ws: Workspace,
  repo: GitRepository,
  options: GitImportOptions = {},
): Promise<GitImportReport> {
  const { onProgress, batch = 500 } = options
  const vc = new VersionControl(ws)
  const known = await knownCommits(ws, repo)
  const history = await new GitHistoryReader(repo).read({
    branches: options.branches,
    heads: options.heads,
    known: (oid) => known.has(oid),
    onProgress: (done, total) => onProgress?.({ phase: 'reading', done, total }),
  })
  for (const { name } of history.branches) {
    const problem = branchNameProblem(name)
    if (problem) throw new WeftError('bad-name', `Git branch ${problem}`)
  }
  const weftId = (oid: string) => known.get(oid) ?? oid
  if (options.checkFirst) await checkBlobs(repo, history.commits, onProgress)

  // What each git blob became: its Weft hash, size and kind.
  const blobs = new Map<string, { hash: string; size: number; binary: boolean }>()
  const lfs = new Set<string>()
  const lfsPaths = new Set<string>()
  // Snapshots still needed by a child not yet written, by git id.
  const pending = new Map<string, Snapshot>()
  const children = new Map<string, number>()
  for (const c of history.commits)
    for (const p of c.parents.slice(0, 1)) children.set(p, (children.get(p) ?? 0) + 1)
  const baseOf = (oid: string | undefined): Snapshot => {
    if (!oid) return {}
    const held = pending.get(oid)
    if (held) return held
    return snapshotAt(ws.handle.doc().commits, weftId(oid))
  }

  let written = 0
  for (let start = 0; start < history.commits.length; start += batch) {
    const chunk = history.commits.slice(start, start + batch)
    await storeBlobs(ws, repo, chunk, blobs, lfs)
    const records: RecordedCommit[] = []
    for (const c of chunk) {
      for (const { path, file } of c.changes) if (file && lfs.has(file.oid)) lfsPaths.add(path)
      const base = baseOf(c.parents[0])
      const snapshot = applyChanges(base, c, blobs)
      records.push({
        id: c.oid,
        parents: c.parents.map(weftId),
        message: c.message,
        author: c.author,
        time: c.time,
        snapshot,
        base,
        git:
          c.rawMessage === undefined
            ? { id: scalar(c.oid), headers: c.headers }
            : { id: scalar(c.oid), headers: c.headers, message: c.rawMessage },
      })
      const first = c.parents[0]
      if (first && children.has(first)) {
        const left = children.get(first)! - 1
        if (left === 0) {
          children.delete(first)
          pending.delete(first)
        } else children.set(first, left)
      }
      if (children.has(c.oid)) pending.set(c.oid, snapshot)
    }
    vc.recordCommits(records)
    written += chunk.length
    onProgress?.({ phase: 'writing', done: written, total: history.commits.length })
  }

  const branches = await placeBranches(
    ws,
    vc,
    history.branches.map((b) => ({ name: b.name, head: weftId(b.head) })),
    repo,
  )
  if (history.tags.length) {
    const tags: GitTag[] = history.tags.map((t) => ({ ...t, commit: weftId(t.commit) }))
    const names = new Set(tags.map((t) => t.name))
    ws.handle.change((d) => {
      const kept = (d.gitTags ?? []).filter((t) => !names.has(t.name)).map((t) => ({ ...t }))
      d.gitTags = [...kept, ...tags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    })
  }
  return {
    commits: history.commits.length,
    branches,
    tags: history.tags.length,
    lfsPointers: [...lfsPaths].sort(),
    skipped: history.skipped,
  }
}

/** A blob's bytes from git, refused with its id and path named when it is missing, unreadable or too big. */
async function readGitBlob(repo: GitRepository, oid: string, path: string): Promise<Uint8Array> {
  let blob: Uint8Array
  try {
    blob = (await git.readBlob({ fs: repo.fs, gitdir: repo.gitdir, cache: repo.cache, oid })).blob
  } catch (error) {
    const reason =
      (error as { code?: string }).code === 'NotFoundError'
        ? 'is missing from the git repository'
        : `cannot be read: ${(error as Error).message}`
    throw new WeftError('bad-input', `Blob ${oid.slice(0, 12)} (${quotePath(path)}) ${reason}.`)
  }
  const tooBig = blob.length > MAX_FILE_BYTES ? oversize(blob.length) : null
  if (tooBig) throw new WeftError('too-large', `${quotePath(path)} (blob ${oid.slice(0, 12)}): ${tooBig}`)
  return blob
}

/** Reads every new blob of `commits` once (see `checkFirst`), keeping none of them. */
async function checkBlobs(
  repo: GitRepository,
  commits: GitCommitRecord[],
  onProgress?: (progress: GitImportProgress) => void,
): Promise<void> {
  const seen = new Set<string>()
  for (let i = 0; i < commits.length; i++) {
    for (const { path, file } of commits[i].changes)
      if (file && !seen.has(file.oid)) {
        seen.add(file.oid)
        await readGitBlob(repo, file.oid, path)
      }
    if ((i + 1) % 100 === 0 || i + 1 === commits.length)
      onProgress?.({ phase: 'checking', done: i + 1, total: commits.length })
  }
}

/** Reads the chunk's new blobs from git, checks them, and writes them to blob packs. */
async function storeBlobs(
  ws: Workspace,
  repo: GitRepository,
  chunk: GitCommitRecord[],
  blobs: Map<string, { hash: string; size: number; binary: boolean }>,
  /** Git ids of the LFS pointers met. */
  lfs: Set<string>,
): Promise<void> {
  const wanted = new Map<string, string>()
  for (const c of chunk)
    for (const { path, file } of c.changes)
      if (file && !blobs.has(file.oid) && !wanted.has(file.oid)) wanted.set(file.oid, path)
  const oids = [...wanted.keys()]
  const contents: Uint8Array[] = []
  for (const oid of oids) {
    const blob = await readGitBlob(repo, oid, wanted.get(oid)!)
    if (blob.length < 200 && LFS_POINTER.test(new TextDecoder().decode(blob))) lfs.add(oid)
    contents.push(blob)
  }
  if (contents.length === 0) return
  const { hashes, located } = await ws.blobs.write(contents)
  if (Object.keys(located).length) ws.handle.change((d) => recordBlobs(d, located))
  oids.forEach((oid, i) =>
    blobs.set(oid, { hash: hashes[i], size: contents[i].length, binary: decodeText(contents[i]) === null }),
  )
}

/** The first parent's files with the commit's changes applied; entry ids follow paths. */
function applyChanges(
  base: Snapshot,
  commit: GitCommitRecord,
  blobs: Map<string, { hash: string; size: number; binary: boolean }>,
): Snapshot {
  const snapshot: Snapshot = { ...base }
  const byPath = new Map<string, string>()
  for (const [id, file] of Object.entries(base)) byPath.set(file.path, id)
  for (const { path, file } of commit.changes) {
    const existing = byPath.get(path)
    if (!file) {
      if (existing) delete snapshot[existing]
      byPath.delete(path)
      continue
    }
    const stored = blobs.get(file.oid)!
    let id = existing
    if (!id) {
      id = pathId(path)
      if (snapshot[id]) id = newId()
    }
    snapshot[id] = { path, blob: stored.hash, size: stored.size, binary: stored.binary }
    if (file.mode) snapshot[id].mode = file.mode
    byPath.set(path, id)
  }
  return snapshot
}

/**
 * Points Weft branches at the imported heads: a new branch is created; one that exists moves only
 * forward and only without uncommitted changes (else it is reported, not moved). In a repository
 * with no commits yet, the default branch becomes git's current branch.
 */
async function placeBranches(
  ws: Workspace,
  vc: VersionControl,
  heads: { name: string; head: CommitId }[],
  repo: GitRepository,
): Promise<GitImportReport['branches']> {
  const report: GitImportReport['branches'] = []
  const doc = ws.handle.doc()
  const defaultBranch = doc.branches[doc.defaultBranch]
  if (defaultBranch && defaultBranch.head === null && Object.keys(defaultBranch.tree).length === 0) {
    const current = await git.currentBranch({ fs: repo.fs, gitdir: repo.gitdir }).catch(() => undefined)
    const main =
      heads.find((h) => h.name === current) ?? heads.find((h) => h.name === defaultBranch.name) ?? heads[0]
    if (main) {
      if (main.name !== defaultBranch.name) vc.renameBranch(doc.defaultBranch, main.name)
      await vc.fastForward(doc.defaultBranch, main.head)
      report.push({ ...main, outcome: 'created' })
    }
  }
  for (const { name, head } of heads) {
    if (report.some((r) => r.name === name)) continue
    const existing = ws.branches().find((b) => b.name === name)
    if (!existing) {
      vc.createBranch(name, head)
      report.push({ name, head, outcome: 'created' })
      continue
    }
    if (ws.handle.doc().branches[existing.id]?.head === head) {
      report.push({ name, head, outcome: 'up-to-date' })
      continue
    }
    try {
      await vc.fastForward(existing.id, head)
      report.push({ name, head, outcome: 'moved' })
    } catch (error) {
      if (!(error instanceof WeftError)) throw error
      report.push({ name, head, outcome: 'refused', reason: error.message })
    }
  }
  return report
}
