/** The branch's history, as `weft status`, `diff`, `commit`, `log`. */
import { z } from 'zod'
import { commitChanges } from '../../cli/commands/history.ts'
import { TARGET, tool } from './tool.ts'

const COMMIT = z.string().min(1).describe('A commit id or a unique prefix of one (as log returns them).')

export const historyTools = [
  tool({
    name: 'status',
    description:
      "Changes since the last commit on the branch, each with whose it is: 'yours' (this server's author), 'others' or 'shared'. Working files are shared live; commit takes yours.",
    input: TARGET,
    readOnly: true,
    run: async (target, { repository }) => {
      const { vc, branch } = await repository(target)
      return vc.status(branch)
    },
  }),
  tool({
    name: 'diff',
    description:
      'Files changed between two commits (from → to), or, with no commits given, between the head and the working files. Each change: kind (added, modified, deleted, renamed) and path.',
    input: {
      ...TARGET,
      from: COMMIT.optional(),
      to: COMMIT.optional().describe("Default: the branch's head."),
    },
    readOnly: true,
    run: async ({ from, to, ...target }, { repository }) => {
      const { ws, vc, branch, resolveCommit } = await repository(target)
      if (from === undefined) return vc.status(branch)
      const head = ws.handle.doc().branches[branch].head
      return vc.diffCommits(resolveCommit(from), to ? resolveCommit(to) : head)
    },
  }),
  tool({
    name: 'commit',
    description:
      "Record your changes on the branch as a commit, as `weft commit -m`. Others' changes are left out unless named in include.",
    input: {
      ...TARGET,
      message: z.string().min(1).describe('What the commit does and why.'),
      include: z
        .array(z.string().min(1))
        .optional()
        .describe("Paths of others' uncommitted changes to commit too (see status)."),
    },
    run: async ({ message, include, ...target }, { repository }) => ({
      commit: await commitChanges(await repository(target), message, include),
    }),
  }),
  tool({
    name: 'log',
    description: "The branch's history, newest first: id, time, author, message, parents (two for a merge).",
    input: {
      ...TARGET,
      limit: z.number().int().positive().optional().describe('At most this many commits.'),
    },
    readOnly: true,
    run: async ({ limit, ...target }, { repository }) => {
      const { vc, branch } = await repository(target)
      const entries = vc.log(branch)
      return limit === undefined ? entries : entries.slice(0, limit)
    },
  }),
]
