/**
 * The syntax-aware merge engine in-process: median and p95 time per case over the shared merge
 * cases (files under 2,000 lines; goal p95 < 50 ms), and one generated 2,000-line TypeScript file
 * with 20 edits on each side.
 *
 *   node --import tsx bench/merge.bench.ts [--cases ../shared/bench/merge/cases] [--runs 3]
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { findMergeCases, preparedMergeEngine } from './lib/mergeCases.ts'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '../shared/bench/merge/cases' },
    runs: { type: 'string', default: '3' },
  },
})
const RUNS = Number(values.runs)

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]

/** A 2,000-line module of 200 ten-line functions; `edits` functions get a changed return value. */
function generated(edits: number[], tag: string): string {
  const changed = new Set(edits)
  return (
    Array.from({ length: 200 }, (_, i) =>
      [
        `export function compute${i}(input: number[]): number {`,
        `  let total = ${i}`,
        '  for (const value of input) {',
        `    total += value * ${i % 7}`,
        '  }',
        '  if (total > 1000) {',
        '    return total / 2',
        '  }',
        `  return total + ${changed.has(i) ? `${tag}${i}` : '0'}`,
        '}',
      ].join('\n'),
    ).join('\n') + '\n'
  )
}

const engine = await preparedMergeEngine()

if (existsSync(values.cases)) {
  const cases = findMergeCases(values.cases).filter((c) => c.base.split('\n').length < 2000)
  const times: number[] = []
  const methods: Record<string, number> = {}
  for (const c of cases) {
    let best = Infinity
    for (let run = 0; run < RUNS; run++) {
      const start = performance.now()
      const result = engine.merge({ base: c.base, left: c.left, right: c.right, path: c.path })
      best = Math.min(best, performance.now() - start)
      if (run === 0) methods[result.method] = (methods[result.method] ?? 0) + 1
    }
    times.push(best)
  }
  times.sort((a, b) => a - b)
  console.log(
    `shared cases: ${cases.length} files, median ${percentile(times, 0.5).toFixed(2)} ms, p95 ${percentile(times, 0.95).toFixed(2)} ms, max ${times[times.length - 1].toFixed(2)} ms (best of ${RUNS}); methods ${JSON.stringify(methods)}`,
  )
} else {
  console.log(`shared cases: ${values.cases} not found, skipped`)
}

const base = generated([], '')
const left = generated(
  Array.from({ length: 20 }, (_, k) => k * 10),
  'left',
)
const right = generated(
  Array.from({ length: 20 }, (_, k) => k * 10 + 5),
  'right',
)
// Both sides also append a function at the end, so the line merge conflicts and the structured merge runs.
const tail = (name: string) => `\nexport function ${name}(): number {\n  return 1\n}\n`
const runs: number[] = []
let outcome = ''
let first = 0
// Forty runs in one process: the first few include the JIT warming up, the median does not.
for (let run = 0; run < 40; run++) {
  const start = performance.now()
  const result = engine.merge({
    base,
    left: left + tail('fromLeft'),
    right: right + tail('fromRight'),
    path: 'generated.ts',
  })
  runs.push(performance.now() - start)
  if (run === 0) first = runs[0]
  outcome = `${result.method}, ${result.clean ? 'clean' : `${result.conflicts.length} conflicts`}`
}
runs.sort((a, b) => a - b)
console.log(
  `generated 2,000-line TypeScript, 20 edits per side: median ${percentile(runs, 0.5).toFixed(1)} ms, p95 ${percentile(runs, 0.95).toFixed(1)} ms, first ${first.toFixed(1)} ms (${outcome}; 40 runs)`,
)
