/**
 * A git repository among a picked folder's files: a browser's folder picker hands over a flat list
 * of files, `.git/…` among them when the folder is a checkout. Its git folder is laid into a
 * MemoryFs (each file read only when git asks for it), so the import core reads it exactly as it
 * reads a repository on disk in the CLI.
 */
import git from 'isomorphic-git'
import { gitFolderOf } from '../model/paths.ts'
import { openGitRepository, type GitRepository } from './gitRepository.ts'
import { MemoryFs } from './memoryFs.ts'

/** A picked file: its path within the pick, and its bytes or its (unread) File. */
export interface PickedGitFile {
  path: string
  blob: Blob | Uint8Array
}

/** What a window shows before it brings a picked repository's history in. */
export interface PickedGitSummary {
  /** The picked folder holding `.git` ('' when the pick is the checkout itself). */
  folder: string
  branches: string[]
  /** Git's current branch, when HEAD names one. */
  current: string | null
  tags: number
}

/** The git repository among `files` (null when there is none), its objects read through a MemoryFs. */
export async function openPickedRepository(
  files: PickedGitFile[],
): Promise<{ repo: GitRepository; folder: string } | null> {
  const folder = gitFolderOf(files.map((f) => f.path))
  if (folder === null) return null
  const prefix = folder ? `${folder}/.git/` : '.git/'
  const fs = new MemoryFs()
  for (const file of files)
    if (file.path.startsWith(prefix)) fs.put(`/repository/.git/${file.path.slice(prefix.length)}`, file.blob)
  return { repo: await openGitRepository(fs, '/repository'), folder }
}

/** The branches and tags a picked repository offers, for the person to choose from. */
export async function summarizePicked(repo: GitRepository, folder: string): Promise<PickedGitSummary> {
  const { fs, gitdir } = repo
  const branches = (await git.listBranches({ fs, gitdir })).sort()
  const current = (await git.currentBranch({ fs, gitdir }).catch(() => undefined)) ?? null
  const tags = (await git.listTags({ fs, gitdir })).length
  return { folder, branches, current: current && branches.includes(current) ? current : null, tags }
}
