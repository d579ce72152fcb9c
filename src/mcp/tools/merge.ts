/**
 * `merge`: a branch into the current one with the syntax-aware engine, as `weft merge BRANCH`. A
 * merge that conflicts writes nothing and returns the conflicts as data (base, ours and theirs of
 * each, the merged text with markers, where each region sits); calling again with `resolution`
 * settles them and records the merge, as the app's resolver does.
 */
import { z } from 'zod'
import { engineFileMerger } from '../../merge/fileMerger.ts'
import { loadMergeEngine } from '../../merge/nodeEngine.ts'
import { WeftError } from '../../model/errors.ts'
import { TARGET, tool } from './tool.ts'

const HEAD = z.string().nullable()

const RESOLUTION = z.object({
  heads: z
    .object({ ours: HEAD, theirs: HEAD })
    .describe(
      'The heads the conflicts were returned for (the conflicts result\'s "heads"), so nothing newer is settled blindly.',
    ),
  files: z
    .record(
      z.string(),
      z.union([
        z.object({ text: z.string().describe('The resolved text.') }),
        z.object({
          take: z.enum(['ours', 'theirs']).describe("One side's version (absent there: deleted)."),
        }),
      ]),
    )
    .describe("By conflicted file: its id (the conflict's id) or its path, and how it is settled."),
})

export const mergeTools = [
  tool({
    name: 'merge',
    description:
      "Merge a branch into the current (or given) branch with the syntax-aware engine. Returns kind 'merged', 'fast-forward' or 'up-to-date', or kind 'conflicts' with nothing written: each conflict's path, id, message, sides and merged text with markers. Call again with resolution (every conflict settled) to record the merge. Your uncommitted changes on the target must be committed first.",
    input: {
      ...TARGET,
      source: z.string().min(1).describe('The branch to merge in.'),
      resolution: RESOLUTION.optional(),
      keepConflicts: z
        .boolean()
        .optional()
        .describe(
          "Record the merge with its conflicts instead of stopping (kind 'conflicted'): the files hold ours in each conflicted region; see the conflicts and resolve tools, then commit.",
        ),
    },
    run: async ({ source, resolution, keepConflicts, ...target }, { repository }) => {
      const { ws, vc, branch, branchByName, author } = await repository(target)
      const engine = await loadMergeEngine()
      const mergeFile = engineFileMerger((input) => engine.mergeAsync(input))
      let settled
      if (resolution) {
        // A path names the entry at that path on either side; the engine knows entries by id.
        const ids = new Map<string, string>()
        for (const b of [branch, branchByName(source)])
          for (const e of ws.entries(b)) if (!ids.has(e.path)) ids.set(e.path, e.id)
        const files = Object.fromEntries(
          Object.entries(resolution.files).map(([key, answer]) => [ids.get(key) ?? key, answer]),
        )
        settled = { heads: resolution.heads, files }
      }
      const outcome = await vc.merge(branch, branchByName(source), author, {
        mergeFile,
        keepConflicts: keepConflicts ?? false,
        ...(settled ? { resolution: settled } : {}),
      })
      if (resolution && outcome.kind === 'conflicts' && outcome.conflicts.length === 0)
        throw new WeftError('bad-input', 'The resolution does not settle this merge.')
      return outcome
    },
  }),
]
