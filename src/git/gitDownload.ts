/**
 * "Download as git": a Weft repository's history as a .zip of a git repository — the working files
 * of one branch's last commit beside a `.git` folder holding every branch and tag — made in memory
 * by the same exporter as `weft export-git` (so an imported, untouched commit keeps its git id).
 * Unzipped, it is a checkout git takes as its own: `git log`, `git status` (clean) and `git push`
 * work in it at once. File modes and symbolic links travel in the zip's Unix attributes.
 */
import { zipSync, type Zippable } from 'fflate'
import git from 'isomorphic-git'
import { WeftError } from '../model/errors.ts'
import type { BranchId } from '../model/types.ts'
import type { Workspace } from '../repo/Workspace.ts'
import { exportGit, type GitExportProgress, type GitExportReport } from './exportGit.ts'
import { openGitRepository } from './gitRepository.ts'
import { initGitRepository } from './initGitRepository.ts'
import { MemoryFs } from './memoryFs.ts'

export interface GitDownload {
  /** The .zip: one folder named `folder`, holding the checkout and its `.git`. */
  zip: Uint8Array
  /** The branch checked out, and its git commit id. */
  branch: string
  head: string
  report: GitExportReport
}

export async function gitDownload(
  ws: Workspace,
  branchId: BranchId,
  folder: string,
  onProgress?: (progress: GitExportProgress) => void,
): Promise<GitDownload> {
  const branch = ws.branches().find((b) => b.id === branchId)?.name
  if (!branch) throw new WeftError('not-found', 'This branch no longer exists.')
  if (!ws.handle.doc().branches[branchId]?.head)
    throw new WeftError('bad-input', `${branch} has no commits yet: commit first, then download it as git.`)
  const fs = new MemoryFs()
  const dir = `/${folder}`
  await initGitRepository(fs, dir, branch)
  const repo = await openGitRepository(fs, dir)
  const report = await exportGit(ws, repo, onProgress ? { onProgress } : {})
  const head = report.branches.find((b) => b.name === branch)?.oid
  if (!head) throw new WeftError('bad-input', `${branch} could not be written as a git branch.`)
  await git.checkout({ fs, dir, gitdir: repo.gitdir, ref: branch, cache: repo.cache })

  const tree: Zippable = {}
  for (const file of fs.list()) {
    const path = file.path.slice(1)
    // Git's objects are compressed already; the working files are not.
    const level = path.startsWith(`${folder}/.git/objects/`) ? 0 : 6
    tree[path] = [await file.read(), { level, os: 3, attrs: (file.mode << 16) >>> 0 }]
  }
  return { zip: zipSync(tree), branch, head, report }
}
