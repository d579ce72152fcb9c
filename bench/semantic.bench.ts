/**
 * Search by meaning, measured on a repository nobody here wrote: the labelled questions of
 * bench/semantic-questions.json (natural-language question → the files a person would want) over
 * the eslint package installed under node_modules/eslint (pinned in package.json). Ranks files by
 * their best chunk and prints recall@5 and MRR for word search alone (as `weft search`), word search
 * with any word (the query's words OR-ed), vectors alone and the hybrid (`weft search --semantic`),
 * then build time, index size, query p95 and re-indexing after one edit.
 *
 *   npm run bench:semantic            (node --import tsx bench/semantic.bench.ts)
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { sha256 } from '../src/model/content.ts'
import { SearchIndex, type IndexSource, type SearchOptions } from '../src/index/SearchIndex.ts'
import { readNodeModel } from '../src/index/semantic/nodeModel.ts'
import { STOP_WORDS } from '../src/index/semantic/tokens.ts'
import { wordForms } from '../src/index/query.ts'
import { openMemoryDatabase } from '../src/index/sqlite.ts'
import { nodeGrammars } from '../src/syntax/nodeGrammars.ts'

interface Labelled {
  repository: string
  root: string
  questions: { question: string; files: string[] }[]
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const set = JSON.parse(readFileSync(join(ROOT, 'bench/semantic-questions.json'), 'utf8')) as Labelled
const repoRoot = join(ROOT, set.root)

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(path)
    return entry.isFile() ? [relative(repoRoot, path)] : []
  })
}

const paths = listFiles(repoRoot).sort()
const contents = new Map(paths.map((p) => [p, readFileSync(join(repoRoot, p))]))
const rawBytes = [...contents.values()].reduce((sum, b) => sum + b.byteLength, 0)
const sources: IndexSource[] = await Promise.all(
  paths.map(async (path) => ({
    path,
    hash: await sha256(contents.get(path)!),
    load: async () => contents.get(path)!,
  })),
)

const index = await SearchIndex.open(await openMemoryDatabase(), await nodeGrammars(), {
  loadModel: readNodeModel,
})
let started = performance.now()
await index.sync(sources)
const ftsBuild = performance.now() - started
started = performance.now()
await index.enableSemantic()
const embedBuild = performance.now() - started
const stats = await index.stats()

/** The question's words OR-ed, stop words dropped: the fairest plain word search of a question. */
const anyWord = (q: string) =>
  q
    .split(/\W+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w.toLowerCase()))
    .join(' OR ')

/** The same with each word's other forms (`declared` → declare OR declaration …), as the hybrid's word half searches. */
const anyForm = (q: string) => anyWord(q).split(' OR ').flatMap(wordForms).join(' OR ')

const modes: { name: string; query: (q: string) => string; options: SearchOptions }[] = [
  { name: 'words (weft search)', query: (q) => q, options: {} },
  { name: 'any word (a OR b …)', query: anyWord, options: {} },
  { name: 'any word, all forms', query: anyForm, options: {} },
  { name: 'vectors alone', query: (q) => q, options: { semantic: 'vectors' } },
  { name: 'hybrid (--semantic)', query: (q) => q, options: { semantic: true } },
]

console.log(`Repository: ${set.repository}`)
console.log(`${paths.length} files, ${(rawBytes / 1e6).toFixed(2)} MB; ${set.questions.length} questions`)
console.log(`machine: ${availableParallelism()} cores, load ${loadavg()[0].toFixed(2)}\n`)
console.log('mode                    recall@5   MRR    p50 ms  p95 ms')
for (const mode of modes) {
  let recall = 0
  let reciprocal = 0
  const times: number[] = []
  for (const { question, files } of set.questions) {
    let ranked: string[] = []
    // Three runs each: the first warms caches (and loads the model), the later ones are timed.
    for (let run = 0; run < 3; run++) {
      const t = performance.now()
      const hits = await index.search(mode.query(question), { ...mode.options, limit: 100 })
      if (run > 0) times.push(performance.now() - t)
      ranked = [...new Set(hits.map((h) => h.path))]
    }
    recall += files.filter((f) => ranked.slice(0, 5).includes(f)).length / files.length
    const first = ranked.findIndex((p) => files.includes(p))
    reciprocal += first < 0 ? 0 : 1 / (first + 1)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1)
  const n = set.questions.length
  console.log(
    `${mode.name.padEnd(24)}${((100 * recall) / n).toFixed(1).padStart(7)}%  ${(reciprocal / n).toFixed(3)}  ${at(0.5).padStart(6)}  ${at(0.95).padStart(6)}`,
  )
}

const edited = 'lib/linter/interpolate.js'
const editTimes: number[] = []
for (let i = 0; i < 10; i++) {
  const t = performance.now()
  await index.updateFile(edited, `${contents.get(edited)!.toString()}\n// edit ${i}\n`)
  editTimes.push(performance.now() - t)
}
editTimes.sort((a, b) => a - b)
console.log(
  `\nbuild: words ${(ftsBuild / 1000).toFixed(2)} s + vectors ${(embedBuild / 1000).toFixed(2)} s (${stats.vectors} chunks embedded)`,
)
console.log(
  `index: ${(stats.bytes / 1e6).toFixed(2)} MB (${(stats.bytes / rawBytes).toFixed(2)}× the raw files; vectors ${((stats.vectors * 128) / 1e6).toFixed(2)} MB of it)`,
)
console.log(
  `re-index after one edit (vectors on): median ${editTimes[5].toFixed(1)} ms, max ${editTimes[9].toFixed(1)} ms`,
)
await index.close()
