import { WeftError } from '../../model/errors.ts'
import type { Command } from '../io.ts'
import { withRepository } from '../session.ts'

/** `weft branch [list|create NAME [--from COMMIT]|switch NAME|rename NAME NEW|delete NAME]`. */
export const branch: Command = (argv, io) =>
  withRepository('branch', argv, io, {}, async (session) => {
    const { ws, vc, profile, summary, branch, branchByName, opts, need, print } = session
    const [action = 'list', name, next] = session.args
    if (action === 'list') {
      const list = ws.branches().map((b) => ({
        ...b,
        current: b.id === branch,
        ...vc.aheadBehind(b.id, ws.handle.doc().defaultBranch),
      }))
      print(list, () =>
        list.map((b) => `${b.current ? '*' : ' '} ${b.name}  (+${b.ahead} −${b.behind})`).join('\n'),
      )
      return 0
    }
    need(2)
    if (action === 'create') {
      const id = vc.createBranch(name, opts.from ?? ws.handle.doc().branches[branch].head)
      profile.switchBranch(summary.id, id)
    } else if (action === 'switch') profile.switchBranch(summary.id, branchByName(name))
    else if (action === 'rename') {
      need(3)
      vc.renameBranch(branchByName(name), next)
    } else if (action === 'delete') vc.deleteBranch(branchByName(name))
    else throw new WeftError('bad-input', `Unknown action "${action}".`)
    return 0
  })
