/**
 * Where a git repository's objects and refs live, and the file system isomorphic-git reaches them
 * through (Node's `fs` in the CLI; any promise-based fs with the same calls elsewhere). A folder with
 * `.git` (a folder, or a file naming one, as worktrees have) or a bare repository is accepted;
 * anything else is refused before anything is read.
 */
import type { PromiseFsClient } from 'isomorphic-git'
import { WeftError } from '../model/errors.ts'

/** The file system calls used here, on top of those isomorphic-git needs. */
export interface GitFs extends PromiseFsClient {
  promises: PromiseFsClient['promises'] & {
    readFile(path: string, encoding?: 'utf8'): Promise<string | Uint8Array>
    stat(path: string): Promise<{ isDirectory(): boolean; isFile(): boolean }>
  }
}

/** A git repository opened for reading or writing. */
export interface GitRepository {
  fs: GitFs
  gitdir: string
  /** isomorphic-git's object cache: keeps pack indexes loaded from one call to the next. */
  cache: object
  /**
   * zlib compression for the packs an export writes, where the platform has a native one (Node's
   * `deflateSync`, several times faster); JavaScript's (fflate) otherwise.
   */
  deflate?: (bytes: Uint8Array) => Uint8Array
}

export const joinFsPath = (a: string, b: string): string => (a.endsWith('/') ? a + b : `${a}/${b}`)

/** Whether `path` is a folder, a file, or absent. */
export async function fsKind(fs: GitFs, path: string): Promise<'dir' | 'file' | null> {
  try {
    const stat = await fs.promises.stat(path)
    return stat.isDirectory() ? 'dir' : stat.isFile() ? 'file' : null
  } catch {
    return null
  }
}

/** The git directory of `dir`: `dir/.git`, the folder a `.git` file names, or `dir` itself when bare. */
export async function findGitDir(fs: GitFs, dir: string): Promise<string> {
  const dotGit = joinFsPath(dir, '.git')
  const found = await fsKind(fs, dotGit)
  if (found === 'dir') return dotGit
  if (found === 'file') {
    const text = String(await fs.promises.readFile(dotGit, 'utf8'))
    const named = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim()
    if (!named) throw new WeftError('bad-input', `${dotGit} is a file that names no git directory.`)
    return named.startsWith('/') ? named : joinFsPath(dir, named)
  }
  const bare =
    (await fsKind(fs, joinFsPath(dir, 'objects'))) === 'dir' &&
    (await fsKind(fs, joinFsPath(dir, 'HEAD'))) === 'file'
  if (bare) return dir
  throw new WeftError(
    'not-found',
    `"${dir}" is not a git repository (it has no .git and is not a bare repository).`,
  )
}

/** Opens the git repository in or at `dir`. */
export async function openGitRepository(
  fs: GitFs,
  dir: string,
  options: Pick<GitRepository, 'deflate'> = {},
): Promise<GitRepository> {
  return { fs, gitdir: await findGitDir(fs, dir), cache: {}, ...options }
}
