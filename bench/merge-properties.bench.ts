/**
 * The fail-closed checks over every shared case and every replayed merge, each merged left/right
 * and right/left: every clean result must pass the line checks (but for those renames were
 * carried across, checked before), and swapping the sides must not
 * change whether the merge is clean. Prints each violation, then how many merges were clean and
 * how many equal the expected (or the people's) file. `--json FILE` writes the outcome per case,
 * so two runs can be compared.
 *
 *   node --import tsx bench/merge-properties.bench.ts [--cases ../shared/bench/merge/cases]
 *     [--replay ../shared/bench/merge/replay] [--json out.json]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { failedLineCheck } from '../src/merge/checks/cleanResult.ts'
import { findMergeCases, preparedMergeEngine, type MergeCase } from './lib/mergeCases.ts'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '../shared/bench/merge/cases' },
    replay: { type: 'string', default: '../shared/bench/merge/replay' },
    json: { type: 'string' },
  },
})

/** The file a case's merge should give: the shared cases' `expected`, the replay's `human`. */
function expectedOf(root: string, merge: MergeCase): string | undefined {
  const dir = join(root, merge.id)
  const suffix = merge.path.slice('left'.length)
  for (const name of ['expected' + suffix, 'human' + suffix]) {
    const path = join(dir, name)
    if (existsSync(path)) return readFileSync(path, 'utf8')
  }
  return undefined
}

/** Compared as the scorers do: trailing blanks and empty lines left out. */
const normal = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '')
    .join('\n')

const engine = await preparedMergeEngine()
const outcomes: Record<string, { clean: boolean; swappedClean: boolean; exact: boolean }> = {}
let [merges, clean, exact, violations] = [0, 0, 0, 0]
const started = performance.now()
for (const root of [values.cases, values.replay]) {
  if (!existsSync(root)) {
    console.log(`${root}: not found, skipped`)
    continue
  }
  for (const merge of findMergeCases(root)) {
    const id = join(root.split('/').pop() ?? root, merge.id)
    const expected = expectedOf(root, merge)
    const results = [
      { base: merge.base, left: merge.left, right: merge.right },
      { base: merge.base, left: merge.right, right: merge.left },
    ].map((versions) => {
      const result = engine.merge({ ...versions, path: merge.path })
      merges++
      if (!result.clean) return result
      clean++
      // A rename carried to the other side's new lines changes lines no side wrote: the engine
      // checked the text before it.
      if (result.warnings.some((warning) => warning.kind === 'rename-applied')) return result
      const failed = failedLineCheck(versions, result.text)
      if (failed !== undefined) {
        violations++
        console.log(`VIOLATION ${failed}: ${id}${versions.left === merge.left ? '' : ' (swapped)'}`)
      }
      return result
    })
    if (results[0].clean !== results[1].clean) {
      violations++
      console.log(`VIOLATION swap changes cleanness: ${id} (${results[0].clean} / ${results[1].clean})`)
    }
    const isExact = results[0].clean && expected !== undefined && normal(results[0].text) === normal(expected)
    if (isExact) exact++
    outcomes[id] = { clean: results[0].clean, swappedClean: results[1].clean, exact: isExact }
  }
}
console.log(
  `${merges} merges (every case both ways), ${clean} clean, ${violations} violations; ` +
    `${exact} of ${merges / 2} cases clean and equal to the expected file; ` +
    `${Math.round(performance.now() - started)} ms`,
)
if (values.json) writeFileSync(values.json, JSON.stringify(outcomes, null, 1) + '\n')
process.exitCode = violations > 0 ? 1 : 0
