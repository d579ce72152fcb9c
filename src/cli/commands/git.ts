/**
 * `weft import-git DIR` and `weft export-git DIR`: a git repository's history into Weft, and Weft's
 * history back out to git (src/git/). Progress goes to stderr, the outcome to stdout.
 */
import * as fs from 'node:fs'
import { basename, resolve } from 'node:path'
import { deflateSync } from 'node:zlib'
import git from 'isomorphic-git'
import { exportGit, type GitExportReport } from '../../git/exportGit.ts'
import { fsKind, openGitRepository, type GitFs } from '../../git/gitRepository.ts'
import { initGitRepository } from '../../git/initGitRepository.ts'
import { importGit, type GitImportProgress, type GitImportReport } from '../../git/importGit.ts'
import { WeftError } from '../../model/errors.ts'
import type { Io } from '../io.ts'
import { createFilled, linkLines } from '../repositories.ts'
import { withProfile, withRepository, type ProfileFlags } from '../session.ts'

const nodeFs = fs as unknown as GitFs

/** `--branches all` (the default), or names, repeated or comma-separated. */
function chosenBranches(opts: ProfileFlags): string[] | undefined {
  const names = (opts.branches ?? [])
    .flatMap((b) => b.split(','))
    .map((b) => b.trim())
    .filter(Boolean)
  return names.length === 0 || names.includes('all') ? undefined : names
}

/** Prints progress on stderr at most twice a second. */
function progressLine(
  io: Io,
): (p: GitImportProgress | { phase: 'exporting'; done: number; total: number }) => void {
  let last = 0
  return ({ phase, done, total }) => {
    const now = Date.now()
    if (now - last < 500 && done !== total) return
    last = now
    io.err(`${phase} commits: ${done}${total ? ` of ${total}` : ''}`)
  }
}

function importLines(report: GitImportReport): string[] {
  return [
    ...report.branches.map(
      (b) =>
        `  ${b.outcome === 'refused' ? '✗' : '·'} ${b.name} → ${b.head.slice(0, 12)} (${b.outcome}${b.reason ? `: ${b.reason}` : ''})`,
    ),
    ...(report.tags ? [`  ${report.tags} tag(s) kept as read-only names`] : []),
    ...report.skipped.map((s) => `  tag ${s.name} left out: ${s.reason}`),
    ...(report.lfsPointers.length
      ? [
          `  ${report.lfsPointers.length} Git LFS pointer file(s) kept as pointers (their content is not in git): ${report.lfsPointers.join(', ')}`,
        ]
      : []),
  ]
}

export const importGitCommand = (argv: string[], io: Io) =>
  withProfile('import-git', argv, io, {}, async ({ profile, args, opts, need, print }) => {
    need(1)
    const dir = resolve(args[0])
    const repo = await openGitRepository(nodeFs, dir)
    const options = { branches: chosenBranches(opts), onProgress: progressLine(io) }
    if (opts.repo) {
      const { ws } = await profile.open(profile.pick(opts.repo))
      // A repository that exists is not removed when the import fails: check everything first.
      const report = await importGit(ws, repo, { ...options, checkFirst: true })
      print(report, () =>
        [
          `Imported ${report.commits} new commit(s) from ${args[0]} into ${ws.name}.`,
          ...importLines(report),
        ].join('\n'),
      )
      return report.branches.some((b) => b.outcome === 'refused') ? 1 : 0
    }
    const name = opts.name ?? basename(dir).replace(/\.git$/, '')
    const { created, report } = await createFilled(profile, name, async (created) => {
      const ws = await profile.catalog.workspace(created.id)
      return { created, report: await importGit(ws, repo, options) }
    })
    print({ ...created, ...report }, () =>
      [
        `Imported ${report.commits} commit(s) from ${args[0]} into ${created.name} (${created.id}).`,
        ...importLines(report),
        ...linkLines(created.share),
      ].join('\n'),
    )
    return 0
  })

function exportLines(report: GitExportReport): string[] {
  return [
    ...report.branches.map(
      (b) =>
        `  ${b.outcome === 'refused' ? '✗' : '·'} ${b.name} → ${b.oid.slice(0, 12)} (${b.outcome}${b.reason ? `: ${b.reason}` : ''})`,
    ),
    ...(report.tags ? [`  ${report.tags} tag(s)`] : []),
    ...(report.changedIds.length
      ? [
          `  ${report.changedIds.length} imported commit(s) got new git ids: ${report.changedIds
            .slice(0, 5)
            .map((c) => c.slice(0, 12))
            .join(', ')}`,
        ]
      : []),
  ]
}

export const exportGitCommand = (argv: string[], io: Io) =>
  withRepository('export-git', argv, io, { readsOnly: true }, async ({ ws, args, opts, need, print }) => {
    need(1)
    const dir = resolve(args[0])
    const fresh = (await fsKind(nodeFs, dir)) === null || fs.readdirSync(dir).length === 0
    if (fresh)
      await initGitRepository(
        nodeFs,
        dir,
        ws.branches().find((b) => b.id === ws.handle.doc().defaultBranch)?.name ?? 'main',
      )
    else if ((await fsKind(nodeFs, dir)) !== 'dir')
      throw new WeftError('bad-input', `"${args[0]}" is not a folder.`)
    const repo = await openGitRepository(nodeFs, dir, { deflate: (bytes) => deflateSync(bytes) })
    const progress = progressLine(io)
    const report = await exportGit(ws, repo, {
      force: opts.force,
      onProgress: (p) => progress({ phase: 'exporting', ...p }),
    })
    if (fresh) {
      const head = await git.currentBranch({ fs: nodeFs, gitdir: repo.gitdir }).catch(() => undefined)
      if (head && report.branches.some((b) => b.name === head))
        await git.checkout({ fs: nodeFs, dir, gitdir: repo.gitdir, ref: head, cache: repo.cache })
    }
    print({ ...report, ids: Object.fromEntries(report.ids) }, () =>
      [
        `Exported ${report.ids.size} commit(s) to ${args[0]} (${report.written} written).`,
        ...exportLines(report),
      ].join('\n'),
    )
    return report.branches.some((b) => b.outcome === 'refused') ? 1 : 0
  })
