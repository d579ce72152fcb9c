/** Branches, as `weft branch list|create|switch`. */
import { z } from 'zod'
import { createBranch, listBranches } from '../../cli/commands/branch.ts'
import { TARGET, tool } from './tool.ts'

const NAME = z.string().min(1).describe('A branch name: letters, digits, - _ . / (feature/login).')

export const branchTools = [
  tool({
    name: 'branches_list',
    description:
      "The repository's branches: name, id, whether it is the current one, and commits ahead of and behind the default branch.",
    input: { repo: TARGET.repo },
    readOnly: true,
    run: async (target, { repository }) => listBranches(await repository(target)),
  }),
  tool({
    name: 'branch_create',
    description:
      "Create a branch (from the current branch's head, or from a commit) and switch to it, as `weft branch create NAME`.",
    input: {
      ...TARGET,
      name: NAME,
      from: z.string().min(1).optional().describe('A commit id or unique prefix to start from.'),
    },
    run: async ({ name, from, ...target }, { profile, repository }) => {
      const context = await repository(target)
      const id = createBranch(
        profile,
        context,
        name,
        from === undefined ? undefined : context.resolveCommit(from),
      )
      return { branch: name, id, current: true }
    },
  }),
  tool({
    name: 'branch_switch',
    description:
      'Make a branch the current one: later calls without a branch act on it (as `weft branch switch NAME`).',
    input: { repo: TARGET.repo, name: NAME },
    run: async ({ name, repo }, { profile, repository }) => {
      const { summary, branchByName } = await repository({ repo })
      const id = branchByName(name)
      profile.switchBranch(summary.id, id)
      return { branch: name, id, current: true }
    },
  }),
]
