/**
 * Robustness of the merge engine: every shared case with its sides swapped, and variants with
 * lines shuffled, dropped or duplicated on one side (seeded, so runs are comparable). Prints how
 * many variants ran, how many threw (must be none) and the slowest. Nothing is asserted here:
 * the unit tests hold the expected outcomes; this looks for crashes and time spikes.
 *
 *   node --import tsx bench/merge-robustness.bench.ts [--cases ../shared/bench/merge/cases] [--variants 3]
 */
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { findMergeCases, preparedMergeEngine } from './lib/mergeCases.ts'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '../shared/bench/merge/cases' },
    variants: { type: 'string', default: '3' },
  },
})
if (!existsSync(values.cases)) {
  console.log(`cases: ${values.cases} not found, skipped`)
  process.exit(0)
}

/** A small seeded generator (mulberry32): the same variants every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function mutate(text: string, next: () => number): string {
  const lines = text.split('\n')
  const at = Math.floor(next() * lines.length)
  const kind = Math.floor(next() * 3)
  if (kind === 0) lines.splice(at, 1)
  else if (kind === 1) lines.splice(at, 0, lines[Math.floor(next() * lines.length)])
  else {
    const other = Math.floor(next() * lines.length)
    ;[lines[at], lines[other]] = [lines[other], lines[at]]
  }
  return lines.join('\n')
}

const engine = await preparedMergeEngine()

const next = random(2026)
let runs = 0
const failures: string[] = []
let slowest = { ms: 0, name: '' }
for (const c of findMergeCases(values.cases)) {
  const variants = [{ ...c, left: c.right, right: c.left, name: `${c.id} (swapped)` }]
  for (let k = 0; k < Number(values.variants); k++) {
    variants.push({ ...c, left: mutate(c.left, next), name: `${c.id} (variant ${k + 1})` })
  }
  for (const variant of variants) {
    runs++
    const start = performance.now()
    try {
      engine.merge({ base: variant.base, left: variant.left, right: variant.right, path: variant.path })
    } catch (error) {
      failures.push(`${variant.name}: ${(error as Error).message}`)
    }
    const ms = performance.now() - start
    if (ms > slowest.ms) slowest = { ms, name: variant.name }
  }
}
console.log(
  `${runs} variants merged, ${failures.length} threw; slowest ${slowest.ms.toFixed(1)} ms (${slowest.name})`,
)
for (const failure of failures) console.log(`  ${failure}`)
process.exitCode = failures.length > 0 ? 1 : 0
