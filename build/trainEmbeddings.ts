/**
 * Trains the word vectors of semantic search (`npm run train:embeddings`), offline, from the
 * JavaScript, TypeScript and Markdown under node_modules/ (real code with its comments and
 * READMEs; the labelled benchmark's repository, eslint, is left out so the benchmark does not grade
 * on its own training text). Count-based and deterministic:
 *
 *   1. tokens: src/index/semantic/tokens.ts (identifiers split, lower-cased, stemmed)
 *   2. vocabulary: the VOCAB most frequent words; contexts: the CONTEXTS most frequent of those
 *   3. co-occurrence counts in a window of ±WINDOW words within a file
 *   4. PPMI with context smoothing (α = 0.75), truncated by randomized SVD to DIMS dimensions
 *   5. rows U·√Σ, mean removed, unit length, quantized to int8; IDF per word from file counts
 *
 * Writes models/weft-words.bin (format: src/index/semantic/model.ts). Usage:
 *   node --import tsx build/trainEmbeddings.ts [--out models/weft-words.bin] [--dims 128]
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { encodeModel } from '../src/index/semantic/model.ts'
import { modelTokens } from '../src/index/semantic/tokens.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(ROOT, 'models/weft-words.bin') },
    dims: { type: 'string', default: '128' },
    vocab: { type: 'string', default: '24000' },
    contexts: { type: 'string', default: '5000' },
  },
})
const DIMS = Number(values.dims)
const VOCAB = Number(values.vocab)
const CONTEXTS = Number(values.contexts)
const WINDOW = 6
const OVERSAMPLE = 16
const POWER_ITERATIONS = 2
/** Packages left out of training: the benchmark's repository. */
const HELD_OUT = new Set(['eslint'])
const EXTENSIONS = /\.(js|mjs|cjs|ts|mts|cts|md)$/
const MAX_FILE = 400_000
const SKIPPED_DIRS = /^(tests?|__tests__|spec|fixtures?|__fixtures__|examples?|benchmarks?)$/
const SKIPPED_FILES = /emoji|\.min\.js$|\.d\.ts$/

/** Every text file of the corpus, sorted, duplicates (same bytes) once. */
function corpusFiles(): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (dir === join(ROOT, 'node_modules') && HELD_OUT.has(entry.name)) continue
        // Test fixtures and data tables (emoji names, word lists) teach nonsense neighbours.
        if (SKIPPED_DIRS.test(entry.name)) continue
        walk(path)
      } else if (entry.isFile() && EXTENSIONS.test(entry.name) && !SKIPPED_FILES.test(entry.name)) {
        if (statSync(path).size > MAX_FILE) continue
        const hash = createHash('sha1').update(readFileSync(path)).digest('hex')
        if (seen.has(hash)) continue
        seen.add(hash)
        out.push(path)
      }
    }
  }
  walk(join(ROOT, 'node_modules'))
  return out
}

const started = performance.now()
const log = (message: string) =>
  console.log(`${((performance.now() - started) / 1000).toFixed(1)}s  ${message}`)

const files = corpusFiles()
log(`${files.length} files`)

// Pass 1: word and file counts.
const counts = new Map<string, number>()
const fileCounts = new Map<string, number>()
let totalTokens = 0
let totalBytes = 0
for (const file of files) {
  const text = readFileSync(file, 'utf8')
  totalBytes += text.length
  const tokens = modelTokens(text)
  totalTokens += tokens.length
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1)
  for (const t of new Set(tokens)) fileCounts.set(t, (fileCounts.get(t) ?? 0) + 1)
}
const words = [...counts.entries()]
  .filter(([w, n]) => n >= 5 && w.length <= 24)
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  .slice(0, VOCAB)
  .map(([w]) => w)
const V = words.length
const C = Math.min(CONTEXTS, V)
const idOf = new Map(words.map((w, i) => [w, i]))
log(`${(totalBytes / 1e6).toFixed(0)} MB, ${totalTokens} tokens, ${counts.size} distinct; vocabulary ${V}`)

// Pass 2: co-occurrences of every word with the C context words.
const cooc = new Float32Array(V * C)
for (const file of files) {
  const ids = modelTokens(readFileSync(file, 'utf8'))
    .map((t) => idOf.get(t))
    .filter((id): id is number => id !== undefined)
  for (let i = 0; i < ids.length; i++) {
    const row = ids[i] * C
    for (let j = Math.max(0, i - WINDOW); j < Math.min(ids.length, i + WINDOW + 1); j++)
      if (j !== i && ids[j] < C) cooc[row + ids[j]]++
  }
}
log('co-occurrences counted')

// PPMI, kept sparse (CSR): most pairs never meet.
const rowSums = new Float64Array(V)
const colSums = new Float64Array(C)
for (let i = 0; i < V; i++)
  for (let c = 0; c < C; c++) {
    const n = cooc[i * C + c]
    rowSums[i] += n
    colSums[c] += n
  }
const smoothed = colSums.map((n) => n ** 0.75)
const smoothedTotal = smoothed.reduce((a, b) => a + b, 0)
const rowStart = new Int32Array(V + 1)
const cols: number[] = []
const vals: number[] = []
for (let i = 0; i < V; i++) {
  rowStart[i] = cols.length
  for (let c = 0; c < C; c++) {
    const n = cooc[i * C + c]
    if (!n) continue
    const value = Math.log((n * smoothedTotal) / (rowSums[i] * smoothed[c]))
    if (value > 0) {
      cols.push(c)
      vals.push(value)
    }
  }
}
rowStart[V] = cols.length
const colIdx = Int32Array.from(cols)
const values32 = Float32Array.from(vals)
log(`PPMI: ${colIdx.length} non-zero (${((100 * colIdx.length) / (V * C)).toFixed(1)}%)`)

// Randomized SVD (Halko, Martinsson, Tropp): range of M by M·Ω, power iterations, then the small SVD.
const L = DIMS + OVERSAMPLE
let seed = 42
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed / 0x7fffffff
}
const gaussian = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random())

/** M (V×C) times X (C×L) → V×L. */
function times(x: Float64Array): Float64Array {
  const y = new Float64Array(V * L)
  for (let i = 0; i < V; i++)
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) {
      const m = values32[k]
      const from = colIdx[k] * L
      for (let l = 0; l < L; l++) y[i * L + l] += m * x[from + l]
    }
  return y
}
/** Mᵀ (C×V) times Y (V×L) → C×L. */
function timesTransposed(y: Float64Array): Float64Array {
  const z = new Float64Array(C * L)
  for (let i = 0; i < V; i++)
    for (let k = rowStart[i]; k < rowStart[i + 1]; k++) {
      const m = values32[k]
      const to = colIdx[k] * L
      for (let l = 0; l < L; l++) z[to + l] += m * y[i * L + l]
    }
  return z
}
/** Orthonormal columns (modified Gram–Schmidt) of an n×L matrix, in place. */
function orthonormalize(a: Float64Array, n: number): Float64Array {
  for (let j = 0; j < L; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0
      for (let i = 0; i < n; i++) dot += a[i * L + j] * a[i * L + p]
      for (let i = 0; i < n; i++) a[i * L + j] -= dot * a[i * L + p]
    }
    let norm = 0
    for (let i = 0; i < n; i++) norm += a[i * L + j] ** 2
    norm = Math.sqrt(norm) || 1
    for (let i = 0; i < n; i++) a[i * L + j] /= norm
  }
  return a
}

const omega = new Float64Array(C * L).map(() => gaussian())
let q = orthonormalize(times(omega), V)
for (let it = 0; it < POWER_ITERATIONS; it++) {
  q = orthonormalize(times(orthonormalize(timesTransposed(q), C)), V)
  log(`power iteration ${it + 1}`)
}
// B = Qᵀ M; its singular vectors from the eigenvectors of B·Bᵀ (L×L), by Jacobi rotations.
const bt = timesTransposed(q)
const g = new Float64Array(L * L)
for (let c = 0; c < C; c++)
  for (let a = 0; a < L; a++) {
    const x = bt[c * L + a]
    if (x) for (let b = 0; b < L; b++) g[a * L + b] += x * bt[c * L + b]
  }
const { eigenvalues, eigenvectors } = jacobi(g, L)
const order = [...eigenvalues.keys()].sort((a, b) => eigenvalues[b] - eigenvalues[a]).slice(0, DIMS)
log(`SVD: top singular values ${order.slice(0, 4).map((k) => Math.sqrt(eigenvalues[k]).toFixed(1))}`)

// Word vectors: U·√Σ with U = Q·W.
const vectors = new Float64Array(V * DIMS)
order.forEach((k, d) => {
  const weight = Math.sqrt(Math.sqrt(Math.max(eigenvalues[k], 0)))
  for (let i = 0; i < V; i++) {
    let u = 0
    for (let l = 0; l < L; l++) u += q[i * L + l] * eigenvectors[l * L + k]
    vectors[i * DIMS + d] = u * weight
  }
})
// Unit rows, the common direction removed (every mean of word vectors would otherwise lean on it).
const normalizeRows = () => {
  for (let i = 0; i < V; i++) {
    let norm = 0
    for (let d = 0; d < DIMS; d++) norm += vectors[i * DIMS + d] ** 2
    norm = Math.sqrt(norm) || 1
    for (let d = 0; d < DIMS; d++) vectors[i * DIMS + d] /= norm
  }
}
normalizeRows()
const mean = new Float64Array(DIMS)
for (let i = 0; i < V; i++) for (let d = 0; d < DIMS; d++) mean[d] += vectors[i * DIMS + d] / V
for (let i = 0; i < V; i++) for (let d = 0; d < DIMS; d++) vectors[i * DIMS + d] -= mean[d]
normalizeRows()

const idf = words.map((w) => Math.log(files.length / (fileCounts.get(w) ?? 1)))
const bytes = encodeModel({
  words,
  idf,
  vectors,
  dims: DIMS,
  corpus: `${files.length} files, ${(totalBytes / 1e6).toFixed(0)} MB of node_modules/ (eslint held out)`,
})
writeFileSync(values.out, bytes)
log(
  `${relative(ROOT, values.out)}: ${V} words × ${DIMS} dimensions, ${(bytes.byteLength / 1e6).toFixed(2)} MB`,
)

/** Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations. */
function jacobi(matrix: Float64Array, n: number): { eigenvalues: number[]; eigenvectors: Float64Array } {
  const a = Float64Array.from(matrix)
  const v = new Float64Array(n * n)
  for (let i = 0; i < n; i++) v[i * n + i] = 1
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) for (let r = p + 1; r < n; r++) off += a[p * n + r] ** 2
    if (off < 1e-18) break
    for (let p = 0; p < n; p++)
      for (let r = p + 1; r < n; r++) {
        const apr = a[p * n + r]
        if (Math.abs(apr) < 1e-15) continue
        const theta = (a[r * n + r] - a[p * n + p]) / (2 * apr)
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const cos = 1 / Math.sqrt(t * t + 1)
        const sin = t * cos
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akr = a[k * n + r]
          a[k * n + p] = cos * akp - sin * akr
          a[k * n + r] = sin * akp + cos * akr
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const ark = a[r * n + k]
          a[p * n + k] = cos * apk - sin * ark
          a[r * n + k] = sin * apk + cos * ark
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]
          const vkr = v[k * n + r]
          v[k * n + p] = cos * vkp - sin * vkr
          v[k * n + r] = sin * vkp + cos * vkr
        }
      }
  }
  return { eigenvalues: [...Array(n).keys()].map((i) => a[i * n + i]), eigenvectors: v }
}
