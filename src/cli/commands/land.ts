/** `weft land BRANCH... --into TARGET --check "CMD" [--partial]` and `weft landings`: verified landing (see ../landing.ts). */
import { engineFileMerger } from '../../merge/fileMerger.ts'
import { loadMergeEngine } from '../../merge/nodeEngine.ts'
import { WeftError } from '../../model/errors.ts'
import { readLandings, type LandingAttempt } from '../../repo/landings.ts'
import { describeFiles } from '../../repo/agents.ts'
import type { Command } from '../io.ts'
import { land as landBranches } from '../landing.ts'
import { withRepository } from '../session.ts'

/** The syntax-aware engine as the per-file merger (as `weft merge` uses it). */
export const syntaxAwareMerger = async () => {
  const engine = await loadMergeEngine()
  return engineFileMerger((input) => engine.mergeAsync(input))
}

const VERDICT_LINES: Record<LandingAttempt['verdict'], string> = {
  landed: 'Landed',
  partial: 'Landed in part',
  failed: 'Not landed: the check fails',
  conflicts: 'Not landed: conflicts',
  'target-fails': 'Not landed: the target fails the check without any branch',
  moved: 'Not landed: the target moved while the check ran; land again',
}

/** An attempt in a few lines: the verdict, what landed, the culprits and conflicts. */
export function describeLanding(a: LandingAttempt): string {
  const lines = [
    `${VERDICT_LINES[a.verdict]} (${a.branches.map((b) => b.name).join(', ')} into ${a.target}; ${a.checks} check run(s))`,
  ]
  if (a.landed.length)
    lines.push(`  landed: ${a.landed.join(', ')}${a.head ? ` → ${a.head.slice(0, 8)}` : ''}`)
  if (a.culprits.length) lines.push(`  breaks the check: ${a.culprits.join(', ')}`)
  for (const c of a.conflicts) lines.push(`  conflicts: ${c.branch}: ${describeFiles(c.files)}`)
  return lines.join('\n')
}

export const land: Command = (argv, io) =>
  withRepository('land', argv, io, {}, async ({ ws, vc, args, opts, need, branchByName, author, print }) => {
    need(1)
    if (opts.check === undefined)
      throw new WeftError(
        'bad-input',
        'A landing needs a check command: --check "CMD" (e.g. --check "npm test").',
      )
    const target = opts.into ? branchByName(opts.into) : ws.handle.doc().defaultBranch
    const attempt = await landBranches(ws, vc, {
      target,
      branches: args,
      check: opts.check,
      partial: opts.partial,
      author,
      mergeFile: await syntaxAwareMerger(),
      // The check's output streams to stderr, so stdout stays the result (JSON with --json).
      onOutput: (text) => process.stderr.write(text),
    })
    print(attempt, () => describeLanding(attempt))
    return attempt.verdict === 'landed' ? 0 : 1
  })

export const landings: Command = (argv, io) =>
  withRepository('landings', argv, io, { readsOnly: true }, async ({ ws, print }) => {
    const attempts = readLandings(ws.handle.doc())
    print(attempts, () =>
      attempts.length
        ? attempts
            .map((a) => `${new Date(a.started).toISOString()}  ${a.by}\n${describeLanding(a)}`)
            .join('\n')
        : 'No landings yet.',
    )
    return 0
  })
