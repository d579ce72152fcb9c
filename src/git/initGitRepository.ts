/**
 * A new git repository with git's own settings. isomorphic-git's `init` writes a config for file
 * systems without modes or links (`filemode = false`, `symlinks = false`, `ignorecase = true`),
 * under which git itself would check symbolic links out as plain files and not see an executable
 * bit change; a repository Weft makes gets the `[core]` section `git init` writes on Unix instead.
 */
import git from 'isomorphic-git'
import type { GitFs } from './gitRepository.ts'

const GIT_CONFIG =
  '[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = false\n\tlogallrefupdates = true\n'

/** Makes a new repository in `dir` (its `.git`) with `defaultBranch` current. */
export async function initGitRepository(fs: GitFs, dir: string, defaultBranch: string): Promise<void> {
  await git.init({ fs, dir, defaultBranch })
  await fs.promises.writeFile(`${dir}/.git/config`, GIT_CONFIG)
}
