/** `weft merge BRANCH` and `weft revert COMMIT`: three-way merges of whole trees, file by file with the syntax-aware engine. */
import { engineFileMerger } from '../../merge/fileMerger.ts'
import { loadMergeEngine } from '../../merge/nodeEngine.ts'
import type { TreeConflict } from '../../repo/mergeTrees.ts'
import type { Command } from '../io.ts'
import { withRepository } from '../session.ts'

/** The syntax-aware engine as the per-file merger of branch merges and reverts. */
const syntaxAwareMerger = async () => {
  const engine = await loadMergeEngine()
  return engineFileMerger((input) => engine.mergeAsync(input))
}

/** What a merge or revert that stopped on conflicts tells the terminal. */
const conflictReport = (verb: string, conflicts: TreeConflict[]) =>
  `Conflicts, nothing ${verb}:\n${conflicts.map((c) => `  ${c.kind}: ${c.message}`).join('\n')}`

export const merge: Command = (argv, io) =>
  withRepository(
    'merge',
    argv,
    io,
    {},
    async ({ vc, branch, args, opts, need, branchByName, author, print }) => {
      need(1)
      const outcome = await vc.merge(branch, branchByName(args[0]), author, {
        mergeFile: await syntaxAwareMerger(),
        keepConflicts: opts['keep-conflicts'],
      })
      print(outcome, () =>
        outcome.kind === 'conflicts'
          ? `${conflictReport('merged', outcome.conflicts)}\nRun again with --keep-conflicts to record the merge with them and settle them later.`
          : outcome.kind === 'conflicted'
            ? `Merged as ${outcome.commit.slice(0, 8)} with ${outcome.conflicts.length} conflicted file(s) recorded (${outcome.conflicts.map((c) => c.path).join(', ')}); the files hold ours there.\n\`weft conflicts\` lists them, \`weft resolve PATH --ours|--theirs|--base|--both|--file F\` settles one, \`weft commit\` completes the merge.`
            : outcome.kind === 'up-to-date'
              ? 'Already up to date.'
              : `${outcome.kind === 'fast-forward' ? 'Fast-forwarded to' : 'Merged as'} ${outcome.commit.slice(0, 8)}`,
      )
      return outcome.kind === 'conflicts' || outcome.kind === 'conflicted' ? 1 : 0
    },
  )

export const revert: Command = (argv, io) =>
  withRepository('revert', argv, io, {}, async ({ vc, branch, args, need, resolveCommit, author, print }) => {
    need(1)
    const outcome = await vc.revert(branch, resolveCommit(args[0]), author, await syntaxAwareMerger())
    print(outcome, () =>
      outcome.kind === 'conflicts'
        ? conflictReport('reverted', outcome.conflicts)
        : outcome.kind === 'merged'
          ? `Reverted as ${outcome.commit.slice(0, 8)}`
          : 'Nothing to revert.',
    )
    return outcome.kind === 'conflicts' ? 1 : 0
  })
