/** The branch's history: `weft status`, `commit`, `log`, `diff`, `restore`. */
import { WeftError } from '../../model/errors.ts'
import type { Command } from '../io.ts'
import { withRepository } from '../session.ts'

export const status: Command = (argv, io) =>
  withRepository('status', argv, io, { readsOnly: true }, async ({ vc, branch, print }) => {
    const changes = await vc.status(branch)
    print(
      changes,
      () =>
        changes
          .map(
            (c) =>
              `${c.kind.padEnd(8)} ${c.oldPath && c.kind === 'renamed' ? `${c.oldPath} → ` : ''}${c.path}`,
          )
          .join('\n') || 'nothing to commit',
    )
    return 0
  })

export const commit: Command = (argv, io) =>
  withRepository('commit', argv, io, {}, async ({ vc, branch, opts, author, print }) => {
    const id = await vc.commit(branch, opts.message ?? '', author)
    print({ commit: id }, () => `Committed ${id.slice(0, 8)}`)
    return 0
  })

export const log: Command = (argv, io) =>
  withRepository('log', argv, io, { readsOnly: true }, async ({ vc, branch, print }) => {
    const entries = vc.log(branch)
    print(entries, () =>
      entries
        .map(
          (e) =>
            `${e.id.slice(0, 8)} ${new Date(e.time).toISOString()} ${e.author}${e.parents.length > 1 ? ' (merge)' : ''}\n    ${e.message}`,
        )
        .join('\n'),
    )
    return 0
  })

export const diff: Command = (argv, io) =>
  withRepository(
    'diff',
    argv,
    io,
    { readsOnly: true },
    async ({ ws, vc, branch, args, resolveCommit, print }) => {
      const head = ws.handle.doc().branches[branch].head
      const changes =
        args.length === 0
          ? await vc.status(branch)
          : vc.diffCommits(resolveCommit(args[0]), args[1] ? resolveCommit(args[1]) : head)
      print(changes, () => changes.map((c) => `${c.kind.padEnd(8)} ${c.path}`).join('\n'))
      return 0
    },
  )

export const restore: Command = (argv, io) =>
  withRepository('restore', argv, io, {}, async ({ vc, branch, args, opts, need, resolveCommit }) => {
    need(1)
    if (!opts.from) throw new WeftError('bad-input', 'Say which commit with --from COMMIT.')
    vc.restoreFile(branch, resolveCommit(opts.from), args[0])
    return 0
  })
