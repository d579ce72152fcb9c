/**
 * `conflicts` and `resolve`: the conflicts a merge recorded on the branch (merge with keepConflicts),
 * listed as data and settled one file or region at a time, as `weft conflicts` and `weft resolve`;
 * `commit` then completes the merge.
 */
import { z } from 'zod'
import { WeftError } from '../../model/errors.ts'
import { branchConflicts } from '../../repo/conflicts.ts'
import { resolveConflict } from '../../repo/resolveConflicts.ts'
import { TARGET, tool } from './tool.ts'

export const conflictTools = [
  tool({
    name: 'conflicts',
    description:
      "The conflicts recorded on the branch by a merge with keepConflicts: per file its path, kind, the merge commit, and each region's base, ours and theirs text, its line (1-based) and line count in the stored file (which holds ours there), the enclosing declaration (place) when known, and how it was settled. Empty when none.",
    input: TARGET,
    readOnly: true,
    run: async (target, { repository }) => {
      const { ws, branch } = await repository(target)
      return branchConflicts(ws.handle.doc(), branch)
    },
  }),
  tool({
    name: 'resolve',
    description:
      "Settle one recorded conflict: take 'ours', 'theirs', 'base' or 'both' (ours then theirs) in each of the file's unsettled regions, or in one region (region, 1-based as conflicts lists them); or give the settled text (of the whole file, or of that region). A binary, delete/modify, rename or add/add conflict takes a side or a text. Once every conflict is settled, commit completes the merge.",
    input: {
      ...TARGET,
      path: z.string().min(1).describe('The conflicted file, as conflicts lists it.'),
      take: z.enum(['ours', 'theirs', 'base', 'both']).optional().describe('The side to take.'),
      text: z.string().optional().describe('The settled text instead of a side (no conflict markers).'),
      region: z.number().int().positive().optional().describe('Only this region (1-based).'),
    },
    run: async ({ path, take, text, region, ...target }, { repository }) => {
      if ((take === undefined) === (text === undefined))
        throw new WeftError('bad-input', 'Give exactly one of take or text.')
      const { ws, branch } = await repository(target)
      return resolveConflict(ws, branch, {
        path,
        how: take ?? 'text',
        ...(text !== undefined ? { text } : {}),
        ...(region !== undefined ? { region } : {}),
      })
    },
  }),
]
