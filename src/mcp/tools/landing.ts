/**
 * Verified landing and agents that see each other, as `weft land`, `weft landings` and `weft agent
 * start|status`: the same core functions (cli/landing.ts, repo/agents.ts), their results as data.
 */
import { z } from 'zod'
import { AGENT_PREFIX, agentStatus } from '../../repo/agents.ts'
import { createBranch } from '../../cli/commands/branch.ts'
import { syntaxAwareMerger } from '../../cli/commands/land.ts'
import { land } from '../../cli/landing.ts'
import { readLandings } from '../../repo/landings.ts'
import { TARGET, tool } from './tool.ts'

const INTO = z
  .string()
  .min(1)
  .optional()
  .describe("The target branch; default: the repository's default branch.")

export const landingTools = [
  tool({
    name: 'land',
    description:
      "Land branches onto a target, verified: they are merged in one canonical order (the order named does not matter), check (a shell command) runs over the merged files on this machine, and the target advances only if it exits 0 (and only if the target did not move meanwhile). Returns the attempt: verdict ('landed', 'partial', 'failed', 'conflicts', 'target-fails', 'moved'), landed, culprits (branches that break the check, found by landing subsets), conflicts (branch, files and places), the check's exit code and output tail. With partial, the largest passing set lands.",
    input: {
      repo: TARGET.repo,
      branches: z.array(z.string().min(1)).min(1).describe('The branches to land.'),
      into: INTO,
      check: z
        .string()
        .min(1)
        .describe('The check command, run with sh -c in the merged files, e.g. "npm test".'),
      partial: z.boolean().optional().describe('Land the largest passing set when not all pass.'),
      timeoutSeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .optional()
        .describe('Time limit of each check run (default 600).'),
    },
    run: async ({ repo, branches, into, check, partial, timeoutSeconds }, { repository }) => {
      const { ws, vc, branchByName, author } = await repository({ repo })
      return land(ws, vc, {
        target: into ? branchByName(into) : ws.handle.doc().defaultBranch,
        branches,
        check,
        partial: partial ?? false,
        author,
        mergeFile: await syntaxAwareMerger(),
        ...(timeoutSeconds ? { timeoutMs: timeoutSeconds * 1000 } : {}),
      })
    },
  }),
  tool({
    name: 'landings_list',
    description:
      'Every recorded landing attempt, newest first: who, when, which branches, the check, the verdict, its output tail.',
    input: { repo: TARGET.repo },
    readOnly: true,
    run: async ({ repo }, { repository }) => readLandings((await repository({ repo })).ws.handle.doc()),
  }),
  tool({
    name: 'agent_start',
    description: `Start (or continue) an agent's own branch ${AGENT_PREFIX}NAME, branched from the target's head, and make it this server's current branch: write and commit there, then land it.`,
    input: {
      repo: TARGET.repo,
      name: z.string().min(1).max(60).describe("The agent's name; its branch is agent/NAME."),
      from: INTO,
    },
    run: async ({ repo, name, from }, { repository, profile }) => {
      const context = await repository({ repo })
      const { ws, summary, branchByName } = context
      const branchName = `${AGENT_PREFIX}${name}`
      const existing = ws.branches().find((b) => b.name === branchName)
      if (existing) {
        profile.switchBranch(summary.id, existing.id)
        return { branch: branchName, id: existing.id, created: false }
      }
      const start = ws.handle.doc().branches[from ? branchByName(from) : ws.handle.doc().defaultBranch].head
      const id = createBranch(profile, context, branchName, start ?? undefined)
      return { branch: branchName, id, created: true }
    },
  }),
  tool({
    name: 'agent_status',
    description:
      'Every agent branch (agent/NAME): ahead/behind the target, whether it conflicts with the target, and which other agent branches it would conflict with if both landed now, and where (file and declaration), computed with the merge engine without writing anything.',
    input: { repo: TARGET.repo, into: INTO },
    readOnly: true,
    run: async ({ repo, into }, { repository }) => {
      const { ws, vc, branchByName } = await repository({ repo })
      return agentStatus(
        ws,
        vc,
        into ? branchByName(into) : ws.handle.doc().defaultBranch,
        await syntaxAwareMerger(),
      )
    },
  }),
]
