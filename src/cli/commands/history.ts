/** The branch's history: `weft status`, `commit`, `log`, `diff`, `restore`. */
import { WeftError } from '../../model/errors.ts'
import type { WorkingChange } from '../../repo/VersionControl.ts'
import type { Command } from '../io.ts'
import { withRepository, type RepositoryContext } from '../session.ts'

/** Whose a change is, as `weft status` says it (others' names are what they gave: shown, not trusted). */
const whose = (c: WorkingChange) =>
  c.owner === 'yours'
    ? 'yours'
    : `${c.owner === 'shared' ? 'yours and ' : ''}${c.others.length ? c.others.join(', ') : 'someone else'}`

export const status: Command = (argv, io) =>
  withRepository('status', argv, io, { readsOnly: true }, async ({ vc, branch, print }) => {
    const changes = await vc.status(branch)
    print(
      changes,
      () =>
        (changes
          .map(
            (c) =>
              `${c.kind.padEnd(8)} ${c.oldPath && c.kind === 'renamed' ? `${c.oldPath} → ` : ''}${c.path}  (${whose(c)})`,
          )
          .join('\n') || 'nothing to commit') +
        "\nWorking files are shared live on this branch; `weft commit` takes yours (--include PATH for others').",
    )
    return 0
  })

/** Commits the author's changes, and with `include` the changes at those paths whoever made them. */
export async function commitChanges(
  { vc, branch, author }: Pick<RepositoryContext, 'vc' | 'branch' | 'author'>,
  message: string,
  includePaths?: string[],
): Promise<string> {
  let include: string[] | undefined
  if (includePaths?.length) {
    // Picking others' changes by path: the commit then holds exactly yours and these.
    const changes = await vc.status(branch)
    const picked = includePaths.map((path) => {
      const change = changes.find((c) => c.path === path || c.oldPath === path)
      if (!change)
        throw new WeftError('not-found', `"${path}" has no uncommitted change; see \`weft status\`.`)
      return change.id
    })
    include = [...new Set([...changes.filter((c) => c.owner === 'yours').map((c) => c.id), ...picked])]
  }
  return vc.commit(branch, message, author, include ? { include } : {})
}

export const commit: Command = (argv, io) =>
  withRepository('commit', argv, io, {}, async (session) => {
    const id = await commitChanges(session, session.opts.message ?? '', session.opts.include)
    session.print({ commit: id }, () => `Committed ${id.slice(0, 8)}`)
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
    await vc.restoreFile(branch, resolveCommit(opts.from), args[0])
    return 0
  })
