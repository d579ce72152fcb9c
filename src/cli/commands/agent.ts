/** `weft agent start NAME [--from TARGET] [--dir DIR]` and `weft agent status [--into TARGET]` (see ../agents.ts). */
import { WeftError } from '../../model/errors.ts'
import { AGENT_PREFIX, agentStatus, describeFiles } from '../../repo/agents.ts'
import { checkout } from '../folder.ts'
import type { Command } from '../io.ts'
import { withRepository } from '../session.ts'
import { createBranch } from './branch.ts'
import { syntaxAwareMerger } from './land.ts'

export const agent: Command = (argv, io) =>
  withRepository('agent', argv, io, {}, async (session) => {
    const { ws, vc, args, opts, need, branchByName, print, profile } = session
    const [action] = args
    const target = (name?: string) => (name ? branchByName(name) : ws.handle.doc().defaultBranch)
    if (action === 'start') {
      need(2)
      const name = `${AGENT_PREFIX}${args[1]}`
      const from = target(opts.from)
      const existing = ws.branches().find((b) => b.name === name)
      // Starting again (a new session of the same agent) reuses its branch.
      const branch =
        existing?.id ?? createBranch(profile, session, name, ws.handle.doc().branches[from].head ?? undefined)
      if (existing) profile.switchBranch(session.summary.id, existing.id)
      if (opts.dir !== undefined) {
        // The checkout's own report is left out: the agent's result below says where it is.
        const code = await checkout(opts.dir, {
          ws,
          vc,
          branch,
          branchGiven: true,
          print: () => {},
          warn: (line) => io.err(`weft agent: ${line}`),
        })
        if (code !== 0) return code
      }
      const result = { branch: name, id: branch, created: !existing, dir: opts.dir ?? null }
      print(result, () =>
        [
          `${existing ? 'Continuing on' : 'Started'} ${name}${opts.dir ? ` (checked out in ${opts.dir})` : ''}.`,
          opts.dir
            ? `Send your work with: weft sync ${opts.dir} && weft commit -m MESSAGE --branch ${name}`
            : `Commit your work with: weft commit -m MESSAGE --branch ${name}`,
        ].join('\n'),
      )
      return 0
    }
    if (action === 'status') {
      const report = await agentStatus(ws, vc, target(opts.into), await syntaxAwareMerger())
      print(report, () =>
        report.agents.length
          ? report.agents
              .map((a) =>
                [
                  `${a.branch}  +${a.ahead} −${a.behind} against ${report.target}${a.uncommitted ? `, ${a.uncommitted} uncommitted` : ''}`,
                  ...(a.target.length
                    ? [`  conflicts with ${report.target}: ${describeFiles(a.target)}`]
                    : []),
                  ...a.conflicts.map((c) => `  would conflict with ${c.branch}: ${describeFiles(c.files)}`),
                ].join('\n'),
              )
              .join('\n')
          : `No agent branches (${AGENT_PREFIX}NAME); start one with weft agent start NAME.`,
      )
      return 0
    }
    throw new WeftError(
      'bad-input',
      'Usage: weft agent start NAME [--from BRANCH] [--dir DIR] | weft agent status [--into BRANCH]',
    )
  })
