/** `weft conflicts` and `weft resolve PATH`: the conflicts a merge recorded on the branch, listed and settled (see src/repo/conflicts.ts). */
import { readFileSync } from 'node:fs'
import { decodeText } from '../../model/content.ts'
import { WeftError } from '../../model/errors.ts'
import { branchConflicts, type RecordedConflict, type Settlement } from '../../repo/conflicts.ts'
import { resolveConflict } from '../../repo/resolveConflicts.ts'
import type { Command } from '../io.ts'
import { withRepository } from '../session.ts'

/** One region's place in the stored file, as lines: `lines 4–6`, or `before line 4` where ours has none. */
const lines = (line: number, count: number) =>
  count === 0 ? `before line ${line}` : count === 1 ? `line ${line}` : `lines ${line}–${line + count - 1}`

/** What `weft conflicts` prints for one file. */
const describe = (c: RecordedConflict): string =>
  [
    `${c.path}  ${c.kind}${c.settled ? `  settled (${c.settled})` : ''}  (merge ${c.commit.slice(0, 8)})`,
    ...(c.regions.length === 0 ? [`  ${c.message}`] : []),
    ...c.regions.map(
      (r, i) =>
        `  ${String(i + 1).padStart(2)}  ${lines(r.line, r.lines)}${r.place ? `  ${r.place}` : ''}${r.settled ? `  settled (${r.settled})` : ''}`,
    ),
  ].join('\n')

export const conflicts: Command = (argv, io) =>
  withRepository('conflicts', argv, io, { readsOnly: true }, async ({ ws, branch, print }) => {
    const recorded = branchConflicts(ws.handle.doc(), branch)
    const open = recorded.filter((c) => !c.settled).length
    print(recorded, () =>
      recorded.length === 0
        ? 'No conflicts recorded on this branch.'
        : [
            ...recorded.map(describe),
            open > 0
              ? `${open} unsettled: \`weft resolve PATH --ours|--theirs|--base|--both|--file F [--region N]\`, then \`weft commit\`.`
              : 'All settled: `weft commit` completes the merge.',
          ].join('\n'),
    )
    return open > 0 ? 1 : 0
  })

export const resolve: Command = (argv, io) =>
  withRepository('resolve', argv, io, {}, async ({ ws, branch, args, opts, need, print }) => {
    need(1)
    const sides = (['ours', 'theirs', 'base', 'both'] as const).filter((how) => opts[how])
    const chosen = sides.length + (opts.file !== undefined ? 1 : 0)
    if (chosen !== 1)
      throw new WeftError(
        'bad-input',
        'Say how to settle it with exactly one of --ours, --theirs, --base, --both or --file F.',
      )
    let region: number | undefined
    if (opts.region !== undefined) {
      region = Number(opts.region)
      if (!Number.isSafeInteger(region) || region < 1)
        throw new WeftError(
          'bad-input',
          `--region takes a region's number as \`weft conflicts\` lists it, not "${opts.region}".`,
        )
    }
    let text: string | undefined
    if (opts.file !== undefined) {
      const bytes = opts.file === '-' ? await io.stdin() : new Uint8Array(readFileSync(opts.file))
      const decoded = decodeText(bytes)
      if (decoded === null)
        throw new WeftError(
          'binary',
          `${opts.file} is not text; a binary conflict takes --ours, --theirs or --base.`,
        )
      text = decoded
    }
    const how: Settlement = sides[0] ?? 'text'
    const settled = await resolveConflict(ws, branch, {
      path: args[0],
      how,
      ...(text !== undefined ? { text } : {}),
      ...(region !== undefined ? { region } : {}),
    })
    const left = branchConflicts(ws.handle.doc(), branch).filter((c) => !c.settled).length
    print(settled, () =>
      [
        settled.settled
          ? `Settled ${settled.path} (${settled.settled}).`
          : `Settled region ${region} of ${settled.path}; ${settled.regions.filter((r) => !r.settled).length} of its regions left.`,
        left > 0 ? `${left} file(s) still unsettled.` : 'All settled: `weft commit` completes the merge.',
      ].join(' '),
    )
    return 0
  })
