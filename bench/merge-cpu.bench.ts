/**
 * The merge engine in-process on real-sized files (the replayed merge history): CPU per case for
 * the first merge of each case in the process (JIT still warming, as in a fresh merge-driver
 * call) and warm (best of the later runs).
 *
 *   node --import tsx bench/merge-cpu.bench.ts [--cases ../shared/bench/merge/replay] [--runs 3]
 */
import { existsSync } from 'node:fs'
import { cpuUsage } from 'node:process'
import { parseArgs } from 'node:util'
import { findMergeCases, preparedMergeEngine } from './lib/mergeCases.ts'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '../shared/bench/merge/replay' },
    runs: { type: 'string', default: '3' },
  },
})
const RUNS = Number(values.runs)

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
const cpuMs = () => {
  const { user, system } = cpuUsage()
  return (user + system) / 1000
}
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  return `median ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`
}

if (!existsSync(values.cases)) {
  console.log(`replay cases: ${values.cases} not found, skipped`)
} else {
  const engine = await preparedMergeEngine()
  const cases = findMergeCases(values.cases)
  const merge = (c: (typeof cases)[number]) => {
    const start = cpuMs()
    engine.merge({ base: c.base, left: c.left, right: c.right, path: c.path })
    return cpuMs() - start
  }
  const first = cases.map(merge)
  const warm = cases.map(() => Infinity)
  for (let run = 0; run < RUNS; run++) cases.forEach((c, i) => (warm[i] = Math.min(warm[i], merge(c))))
  console.log(`replay cases: ${cases.length} files, CPU per merge`)
  console.log(`  first merge in the process: ${summary(first)}`)
  console.log(`  warm (best of ${RUNS}): ${summary(warm)}`)
  const slowest = cases
    .map((c, i) => ({ id: c.id, ms: warm[i] }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
  console.log(`  slowest warm: ${slowest.map((s) => `${s.id} ${s.ms.toFixed(1)}`).join(', ')}`)
}
