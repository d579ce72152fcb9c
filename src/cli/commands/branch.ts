import { WeftError } from '../../model/errors.ts'
import type { Command } from '../io.ts'
import type { Profile } from '../Profile.ts'
import { withRepository, type RepositoryContext } from '../session.ts'

/** Every branch of the repository: the current one marked, each ahead/behind the default branch. */
export const listBranches = ({ ws, vc, branch }: RepositoryContext) =>
  ws.branches().map((b) => ({
    ...b,
    current: b.id === branch,
    ...vc.aheadBehind(b.id, ws.handle.doc().defaultBranch),
  }))

/** Creates branch `name` at `from` (default: the head of the branch in `context`) and switches the profile to it. */
export function createBranch(
  profile: Profile,
  context: RepositoryContext,
  name: string,
  from?: string,
): string {
  const { ws, vc, summary, branch } = context
  const id = vc.createBranch(name, from ?? ws.handle.doc().branches[branch].head)
  profile.switchBranch(summary.id, id)
  return id
}

/** `weft branch [list|create NAME [--from COMMIT]|switch NAME|rename NAME NEW|delete NAME]`. */
export const branch: Command = (argv, io) =>
  withRepository('branch', argv, io, {}, async (session) => {
    const { vc, profile, summary, branchByName, opts, need, print } = session
    const [action = 'list', name, next] = session.args
    if (action === 'list') {
      const list = listBranches(session)
      print(list, () =>
        list.map((b) => `${b.current ? '*' : ' '} ${b.name}  (+${b.ahead} −${b.behind})`).join('\n'),
      )
      return 0
    }
    need(2)
    if (action === 'create') createBranch(profile, session, name, opts.from)
    else if (action === 'switch') profile.switchBranch(summary.id, branchByName(name))
    else if (action === 'rename') {
      need(3)
      vc.renameBranch(branchByName(name), next)
    } else if (action === 'delete') vc.deleteBranch(branchByName(name))
    else throw new WeftError('bad-input', `Unknown action "${action}".`)
    return 0
  })
