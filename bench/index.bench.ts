/**
 * The local code index at repository scale, in Node with wa-sqlite's in-memory VFS (the browser
 * worker runs the same code over OPFS, whose writes cost more): build the index of a generated
 * repository (default 5,000 files, ~50 MB of TypeScript, Python, Go and Markdown), its size, 100
 * mixed queries, and re-indexing after one edit; then search by meaning (--semantic, on by
 * default): embedding every chunk, the index size with vectors, hybrid query times, re-indexing an
 * edit with vectors on, and indexing a second branch that differs in 1% of files.
 *
 *   node --import tsx bench/index.bench.ts [--files 5000] [--kb 10] [--no-semantic]
 */
import { availableParallelism, loadavg } from 'node:os'
import { parseArgs } from 'node:util'
import { encodeText, sha256 } from '../src/model/content.ts'
import { SearchIndex, type IndexSource } from '../src/index/SearchIndex.ts'
import { readNodeModel } from '../src/index/semantic/nodeModel.ts'
import { openMemoryDatabase } from '../src/index/sqlite.ts'
import { nodeGrammars } from '../src/syntax/nodeGrammars.ts'

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '5000' },
    kb: { type: 'string', default: '10' },
    'no-semantic': { type: 'boolean', default: false },
  },
})
const FILES = Number(values.files)
const TARGET_BYTES = Number(values.kb) * 1024

/** Deterministic pseudo-random numbers (mulberry32), so every run indexes the same repository. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const rand = random(42)
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)]
const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))

const VERBS = [
  'parse',
  'load',
  'save',
  'render',
  'build',
  'merge',
  'index',
  'fetch',
  'resolve',
  'apply',
  'scan',
  'split',
  'format',
  'encode',
  'decode',
  'open',
  'close',
  'flush',
  'sync',
  'watch',
]
const NOUNS = [
  'Config',
  'User',
  'Session',
  'Cache',
  'Token',
  'Buffer',
  'Stream',
  'File',
  'Path',
  'Node',
  'Tree',
  'Commit',
  'Branch',
  'Diff',
  'Chunk',
  'Query',
  'Symbol',
  'Relay',
  'Peer',
  'Blob',
  'Schema',
  'Record',
  'Handle',
  'Worker',
  'Layout',
]
const WORDS = [
  'the',
  'value',
  'returns',
  'when',
  'missing',
  'error',
  'retry',
  'limit',
  'offset',
  'result',
  'state',
  'update',
  'default',
  'options',
  'handler',
  'timeout',
  'request',
  'response',
  'payload',
  'version',
]
const ident = () => `${pick(VERBS)}${pick(NOUNS)}${rand() < 0.3 ? pick(NOUNS) : ''}`
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)
const sentence = () => Array.from({ length: int(6, 14) }, () => pick(WORDS)).join(' ')

function typescript(): string {
  const out = [`import { ${ident()}, ${ident()} } from './${pick(NOUNS).toLowerCase()}.ts'`, '']
  while (out.join('\n').length < TARGET_BYTES) {
    if (rand() < 0.25) {
      out.push(
        `/** ${sentence()} */`,
        `export class ${pick(NOUNS)}${pick(NOUNS)} {`,
        `  private ${pick(WORDS)} = ${int(0, 99)}`,
      )
      for (let m = int(2, 4); m > 0; m--) {
        out.push(`  ${ident()}(${pick(WORDS)}: string): number {`)
        for (let l = int(3, 10); l > 0; l--)
          out.push(`    const ${pick(WORDS)}${l} = this.${ident()}(${pick(WORDS)}) // ${sentence()}`)
        out.push(`    return ${int(0, 9)}`, '  }')
      }
      out.push('}', '')
    } else {
      out.push(
        `/** ${sentence()} */`,
        `export function ${ident()}(${pick(WORDS)}: string, ${pick(WORDS)}: number) {`,
      )
      for (let l = int(4, 16); l > 0; l--)
        out.push(`  const ${pick(WORDS)}${l} = ${ident()}(${pick(WORDS)}, ${int(0, 999)}) // ${sentence()}`)
      out.push(`  return ${pick(WORDS)}`, '}', '')
    }
  }
  return out.join('\n')
}

function python(): string {
  const out = ['import os', '']
  while (out.join('\n').length < TARGET_BYTES) {
    if (rand() < 0.3) {
      out.push(`class ${pick(NOUNS)}${pick(NOUNS)}:`, `    """${sentence()}"""`)
      for (let m = int(2, 4); m > 0; m--) {
        out.push(`    def ${snake(ident())}(self, ${pick(WORDS)}):`)
        for (let l = int(3, 10); l > 0; l--)
          out.push(`        ${pick(WORDS)}_${l} = self.${snake(ident())}(${pick(WORDS)})  # ${sentence()}`)
        out.push(`        return ${pick(WORDS)}_1`, '')
      }
    } else {
      out.push(`def ${snake(ident())}(${pick(WORDS)}, ${pick(WORDS)}=None):`, `    """${sentence()}"""`)
      for (let l = int(4, 16); l > 0; l--)
        out.push(`    ${pick(WORDS)}_${l} = ${snake(ident())}(${pick(WORDS)}, ${int(0, 999)})`)
      out.push(`    return ${pick(WORDS)}_1`, '')
    }
  }
  return out.join('\n')
}

function go(): string {
  const out = ['package main', '', 'import "fmt"', '']
  while (out.join('\n').length < TARGET_BYTES) {
    const type = `${pick(NOUNS)}${pick(NOUNS)}`
    if (rand() < 0.3) {
      out.push(
        `// ${type} ${sentence()}`,
        `type ${type} struct {`,
        `\t${pick(WORDS)} int`,
        `\t${pick(WORDS)} string`,
        '}',
        '',
      )
      out.push(`func (r *${type}) ${ident().replace(/^./, (c) => c.toUpperCase())}() error {`)
    } else out.push(`// ${sentence()}`, `func ${ident()}(${pick(WORDS)} string) int {`)
    for (let l = int(4, 14); l > 0; l--)
      out.push(`\t${pick(WORDS)}${l} := ${ident()}(${pick(WORDS)}) // ${sentence()}`)
    out.push('\tfmt.Println()', '\treturn nil', '}', '')
  }
  return out.join('\n')
}

function markdown(): string {
  const out = [`# ${pick(NOUNS)} guide`, '']
  while (out.join('\n').length < TARGET_BYTES) {
    out.push(`## How to ${pick(VERBS)} a ${pick(NOUNS).toLowerCase()}`, '')
    for (let p = int(2, 5); p > 0; p--) out.push(`${sentence()}. Call \`${ident()}\` ${sentence()}.`, '')
  }
  return out.join('\n')
}

const KINDS = [
  ['ts', typescript, 'src'],
  ['py', python, 'py'],
  ['go', go, 'cmd'],
  ['md', markdown, 'docs'],
] as const
const files = Array.from({ length: FILES }, (_, i) => {
  const [ext, make, root] = KINDS[i % 10 < 5 ? 0 : i % 10 < 7 ? 1 : i % 10 < 9 ? 2 : 3]
  return { path: `${root}/m${i % 50}/${pick(NOUNS).toLowerCase()}_${i}.${ext}`, bytes: encodeText(make()) }
})
const rawBytes = files.reduce((n, f) => n + f.bytes.byteLength, 0)
const sources: IndexSource[] = await Promise.all(
  files.map(async (f) => ({ path: f.path, hash: await sha256(f.bytes), load: async () => f.bytes })),
)

const mb = (n: number) => (n / 1024 / 1024).toFixed(1)
const ms = (n: number) => n.toFixed(1)
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b)
  return `p50 ${ms(percentile(sorted, 50))} ms, p95 ${ms(percentile(sorted, 95))} ms, max ${ms(sorted.at(-1)!)} ms`
}

console.log(
  `Repository: ${FILES} files, ${mb(rawBytes)} MB (50% TypeScript, 20% Python, 20% Go, 10% Markdown)`,
)
console.log('Engine: wa-sqlite (sync build) in Node with MemoryVFS; tree-sitter via web-tree-sitter')

const grammars = await nodeGrammars()
let modelLoads = 0
const index = await SearchIndex.open(await openMemoryDatabase(), grammars, {
  loadModel: () => {
    modelLoads++
    return readNodeModel()
  },
})
const buildStart = performance.now()
const buildCpu = process.cpuUsage()
const report = await index.sync(sources)
const buildMs = performance.now() - buildStart
const buildCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(buildCpu))
const stats = await index.stats()
console.log(
  `\nBuild: ${(buildMs / 1000).toFixed(1)} s — ${Math.round(FILES / (buildMs / 1000))} files/s, ${(rawBytes / 1024 / 1024 / (buildMs / 1000)).toFixed(2)} MB/s`,
)
console.log(
  `  CPU time ${(buildCpuMs / 1000).toFixed(1)} s: ${Math.round(FILES / (buildCpuMs / 1000))} files/s, ${(rawBytes / 1024 / 1024 / (buildCpuMs / 1000)).toFixed(2)} MB/s per core`,
)
console.log(
  `  ${report.indexed.length} indexed, ${report.skipped.length} skipped; ${stats.chunks} chunks, ${stats.symbols} symbols`,
)
console.log(
  `Index size: ${mb(stats.bytes)} MB = ${(stats.bytes / rawBytes).toFixed(2)}× the raw ${mb(rawBytes)} MB`,
)

// 100 mixed queries: words, identifiers, phrases, substrings, filtered searches, symbol lookups.
type Query = { label: string; run: () => Promise<unknown[]> }
const queries: Query[] = []
for (let i = 0; i < 25; i++) {
  const q = ident()
  queries.push({ label: 'identifier', run: () => index.search(q, { limit: 20 }) })
}
for (let i = 0; i < 5; i++) {
  const q = `${ident().slice(0, int(4, 8))}*`
  queries.push({ label: 'prefix', run: () => index.search(q, { limit: 20 }) })
}
for (let i = 0; i < 15; i++) {
  const q = `${pick(VERBS)} ${pick(NOUNS).toLowerCase()}`
  queries.push({ label: 'two words', run: () => index.search(q, { limit: 20 }) })
}
for (let i = 0; i < 10; i++) {
  const q = pick(WORDS)
  queries.push({ label: 'common word', run: () => index.search(q, { limit: 20 }) })
}
for (let i = 0; i < 5; i++) {
  const q = `"${pick(WORDS)} ${pick(WORDS)}"`
  queries.push({ label: 'phrase', run: () => index.search(q, { limit: 20 }) })
}
for (let i = 0; i < 15; i++) {
  const name = ident()
  const at = int(1, name.length - 6)
  const q = name.slice(at, at + int(4, 6))
  queries.push({ label: 'substring', run: () => index.search(q, { substring: true, limit: 20 }) })
}
for (let i = 0; i < 10; i++) {
  const q = ident()
  const filters = [
    { path: 'src/**/*.ts' },
    { languages: ['python'] },
    { kinds: ['function' as const] },
    { path: 'docs/' },
  ]
  const filter = filters[i % filters.length]
  queries.push({ label: 'filtered', run: () => index.search(q, { ...filter, limit: 20 }) })
}
for (let i = 0; i < 15; i++) {
  const q = ident().slice(0, int(3, 8))
  queries.push({ label: 'symbols', run: () => index.symbols(q, { limit: 20 }) })
}

await queries[0].run() // warm the statement cache
const times: number[] = []
const cpuTimes: number[] = []
const byLabel = new Map<string, number[]>()
let empty = 0
for (const query of queries) {
  const started = performance.now()
  const cpu = process.cpuUsage()
  const hits = await query.run()
  const took = performance.now() - started
  const used = process.cpuUsage(cpu)
  if (!hits.length) empty++
  times.push(took)
  cpuTimes.push((used.user + used.system) / 1000)
  byLabel.set(query.label, [...(byLabel.get(query.label) ?? []), took])
}
console.log(`\nQueries (${queries.length} mixed, limit 20): ${summary(times)}; ${empty} returned nothing`)
// On a shared machine wall time includes waiting for a core; CPU time is what a query costs.
console.log(
  `  CPU time per query: ${summary(cpuTimes)} (load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores)`,
)
for (const [label, list] of byLabel)
  console.log(`  ${label.padEnd(12)} ×${String(list.length).padStart(2)}: ${summary(list)}`)

// Re-index after one edit: rename a function in a TypeScript file (what a debounced editor sends).
const edits: number[] = []
const editCpu: number[] = []
const tsFiles = files.filter((f) => f.path.endsWith('.ts')).slice(0, 20)
for (const file of tsFiles) {
  const text = new TextDecoder()
    .decode(file.bytes)
    .replace(/export function (\w+)/, 'export function renamedByEdit')
  const started = performance.now()
  const cpu = process.cpuUsage()
  await index.updateFile(file.path, text)
  edits.push(performance.now() - started)
  editCpu.push((({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu)))
}
const found = await index.definitions('renamedByEdit')
console.log(
  `\nRe-index after one edit (${edits.length} edits of ~${values.kb} KB TypeScript files): ${summary(edits)}; ${found.length} renamed definitions found`,
)
console.log(`  CPU time per edit: ${summary(editCpu)}`)

// A branch switch touching 1% of files: only those are loaded and indexed.
const switched = sources.map((s, i) =>
  i % 100 === 0 ? { ...s, hash: `${s.hash}-switched`, load: async () => encodeText(typescript()) } : s,
)
const switchStart = performance.now()
const switchReport = await index.sync(switched)
console.log(
  `Branch switch with ${switchReport.indexed.length} of ${FILES} files changed: ${ms(performance.now() - switchStart)} ms (${switchReport.unchanged} unchanged, not loaded)`,
)

if (!values['no-semantic']) {
  console.log(
    `\nSearch by meaning (model loaded before the first semantic search: ${modelLoads ? 'yes' : 'no'})`,
  )
  const before = await index.stats()
  const embedStart = performance.now()
  const embedCpu = process.cpuUsage()
  await index.enableSemantic()
  const embedMs = performance.now() - embedStart
  const embedCpuMs = (({ user, system }) => (user + system) / 1000)(process.cpuUsage(embedCpu))
  const after = await index.stats()
  console.log(
    `  embedding ${after.vectors} chunks (model load included): ${(embedMs / 1000).toFixed(2)} s, CPU ${(embedCpuMs / 1000).toFixed(2)} s; model loads: ${modelLoads}`,
  )
  console.log(
    `  index size: ${mb(after.bytes)} MB = ${(after.bytes / rawBytes).toFixed(2)}× the raw files (${mb(after.bytes - before.bytes)} MB more; ${mb(after.vectors * 128)} MB of int8 vectors)`,
  )
  // Questions in plain words, built from the generated vocabulary.
  const questions = Array.from(
    { length: 60 },
    () => `where do we ${pick(VERBS)} the ${pick(NOUNS).toLowerCase()} ${pick(WORDS)}`,
  )
  await index.search(questions[0], { semantic: true, limit: 20 })
  const hybrid: number[] = []
  const hybridCpu: number[] = []
  for (const q of questions) {
    const started = performance.now()
    const cpu = process.cpuUsage()
    await index.search(q, { semantic: true, limit: 20 })
    hybrid.push(performance.now() - started)
    hybridCpu.push((({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu)))
  }
  console.log(`  hybrid queries (${questions.length} questions, limit 20): ${summary(hybrid)}`)
  console.log(`  CPU time per hybrid query: ${summary(hybridCpu)}`)
  const semanticEdits: number[] = []
  const semanticEditCpu: number[] = []
  for (const file of tsFiles) {
    const text = `${new TextDecoder().decode(file.bytes)}\n// retry the upload with backoff\n`
    const started = performance.now()
    const cpu = process.cpuUsage()
    await index.updateFile(file.path, text)
    semanticEdits.push(performance.now() - started)
    semanticEditCpu.push((({ user, system }) => (user + system) / 1000)(process.cpuUsage(cpu)))
  }
  console.log(`  CPU time per edit, vectors on: ${summary(semanticEditCpu)}`)
  console.log(
    `  re-index after one edit, vectors on (${semanticEdits.length} edits): ${summary(semanticEdits)}`,
  )
  const branchStart = performance.now()
  const branchReport = await index.sync(switched, 'feature')
  console.log(
    `  a second branch (1% of files differ): ${ms(performance.now() - branchStart)} ms; ${branchReport.indexed.length} files read, ${branchReport.shared.length} shared with the first branch`,
  )
}
await index.close()
