import * as Comlink from 'comlink'
import type { GitImportProgress, GitImportReport } from '../git/importGit.ts'
import type { PickedGitSummary } from '../git/pickedRepository.ts'
import type { GitExportProgress } from '../git/exportGit.ts'
import { WeftError } from '../model/errors.ts'
import { gitFolderOf } from '../model/paths.ts'
import type { BranchId } from '../model/types.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

/**
 * Git in the app: a picked folder's git history brought in, and a repository's history handed out
 * as a git checkout in a .zip. The same cores as `weft import-git` and `weft export-git`, over a
 * file system in memory instead of the disk; they run here, in the repository worker, not on a
 * window's main thread. They are imported on first use, so the worker starts without git's code.
 */
export class GitService {
  readonly #profile: ProfileContext

  constructor(profile: ProfileContext) {
    this.#profile = profile
  }

  /** The git repository among the files staged under `stageId` (see FileService.stageImport), or null. */
  async stagedGit(stageId: string): Promise<PickedGitSummary | null> {
    const files = this.#profile.staged.get(stageId) ?? []
    // Most picks are not checkouts: git's code is loaded only for one that is.
    if (gitFolderOf(files.map((f) => f.path)) === null) return null
    const { openPickedRepository, summarizePicked } = await import('../git/pickedRepository.ts')
    const picked = await openPickedRepository(files)
    return picked && summarizePicked(picked.repo, picked.folder)
  }

  /**
   * Brings the history of the git repository staged under `stageId` into repository `id`: every
   * commit of `branches`, and the tags, read-only. Everything is read and checked before the first
   * write, so a bad repository (a corrupt object, a shallow clone, a missing parent, a path Weft
   * refuses) is refused by name with nothing written.
   */
  async importStagedGit(
    id: string,
    stageId: string,
    branches: string[],
    onProgress?: (progress: GitImportProgress) => void,
  ): Promise<GitImportReport> {
    const files = this.#profile.staged.get(stageId) ?? []
    this.#profile.staged.delete(stageId)
    const [{ openPickedRepository }, { importGit }] = await Promise.all([
      import('../git/pickedRepository.ts'),
      import('../git/importGit.ts'),
    ])
    const picked = await openPickedRepository(files)
    if (!picked) throw new WeftError('not-found', 'The picked folder holds no git repository (no .git/HEAD).')
    if (branches.length === 0) throw new WeftError('bad-input', 'Choose at least one branch to bring in.')
    const progress = onProgress && fromWindow(onProgress)
    const report = await importGit(
      await this.#profile.workspace(id),
      picked.repo,
      // Into a repository that exists: every file content is read before the first write.
      progress
        ? { branches, checkFirst: true, onProgress: throttled(progress) }
        : { branches, checkFirst: true },
    )
    return this.#profile.saved(report)
  }

  /** Repository `id` as a .zip of a git checkout of `branch` (see gitDownload); the bytes are transferred. */
  async downloadGit(
    id: string,
    branch: BranchId,
    onProgress?: (progress: GitExportProgress) => void,
  ): Promise<{ zip: Uint8Array; folder: string; branch: string; head: string }> {
    const ws = await this.#profile.workspace(id)
    const folder = folderName(ws.name)
    const progress = onProgress && fromWindow(onProgress)
    const { gitDownload } = await import('../git/gitDownload.ts')
    const made = await gitDownload(ws, branch, folder, progress && throttled(progress))
    const result = { zip: made.zip, folder, branch: made.branch, head: made.head }
    return Comlink.transfer(result, [made.zip.buffer as ArrayBuffer])
  }
}

/** A repository's name as a folder name anyone's file system takes. */
function folderName(name: string): string {
  const clean = name
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, '-')
    .replace(/^[. ]+|[. ]+$/g, '')
    .slice(0, 80)
  return clean || 'repository'
}

/** Passes on at most one progress report per 100 ms, and always the last of a phase. */
function throttled<T extends { done: number; total: number | null }>(report: (p: T) => void): (p: T) => void {
  let last = 0
  return (p) => {
    const now = Date.now()
    if (now - last < 100 && p.done !== p.total) return
    last = now
    report(p)
  }
}
