/**
 * The word-vector model of semantic search: its file format and the embedding of a text. The
 * model is static (one vector per word, trained by build/trainEmbeddings.ts and shipped as
 * models/weft-words.bin), so embedding is a table lookup and a weighted mean: microseconds per
 * chunk, no network, the same numbers in Node and in the index worker.
 *
 * File format (little-endian): "WEFTWV01", u32 header length, the header as JSON
 * ({ dims, words, corpus }), the words joined by "\n" (UTF-8, length in the header), one u8 IDF per
 * word (×16), then the int8 vectors (words × dims, unit rows scaled by 127).
 */
import { modelTokens } from './tokens.ts'

const MAGIC = 'WEFTWV01'
const IDF_SCALE = 16

export interface ModelHeader {
  dims: number
  words: number
  wordBytes: number
  corpus: string
}

/** A loaded model: a word's vector and weight by lookup. */
export interface WordModel {
  readonly dims: number
  readonly corpus: string
  /** Row of each word. */
  readonly rows: Map<string, number>
  /** IDF of each row's word. */
  readonly idf: Float32Array
  /** words × dims, unit rows. */
  readonly vectors: Float32Array
}

/** The model file for `words` (their IDF and float vectors, unit rows, words × dims). */
export function encodeModel(model: {
  words: string[]
  idf: number[]
  vectors: Float64Array
  dims: number
  corpus: string
}): Uint8Array {
  const wordBytes = new TextEncoder().encode(model.words.join('\n'))
  const header: ModelHeader = {
    dims: model.dims,
    words: model.words.length,
    wordBytes: wordBytes.byteLength,
    corpus: model.corpus,
  }
  const headerBytes = new TextEncoder().encode(JSON.stringify(header))
  const size = 12 + headerBytes.byteLength + wordBytes.byteLength + model.words.length * (1 + model.dims)
  const out = new Uint8Array(size)
  out.set(new TextEncoder().encode(MAGIC), 0)
  new DataView(out.buffer).setUint32(8, headerBytes.byteLength, true)
  let at = 12
  out.set(headerBytes, at)
  at += headerBytes.byteLength
  out.set(wordBytes, at)
  at += wordBytes.byteLength
  model.idf.forEach((v, i) => (out[at + i] = Math.max(0, Math.min(255, Math.round(v * IDF_SCALE)))))
  at += model.words.length
  const vectors = new Int8Array(out.buffer, at, model.words.length * model.dims)
  model.vectors.forEach((v, i) => (vectors[i] = Math.max(-127, Math.min(127, Math.round(v * 127)))))
  return out
}

/** Reads a model file; throws with what is wrong when it is not one. */
export function decodeModel(bytes: Uint8Array): WordModel {
  const text = new TextDecoder()
  if (bytes.byteLength < 12 || text.decode(bytes.subarray(0, 8)) !== MAGIC)
    throw new Error('not a Weft word-vector model (bad magic)')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const headerLength = view.getUint32(8, true)
  const header = JSON.parse(text.decode(bytes.subarray(12, 12 + headerLength))) as ModelHeader
  let at = 12 + headerLength
  const words = text.decode(bytes.subarray(at, at + header.wordBytes)).split('\n')
  at += header.wordBytes
  if (words.length !== header.words || bytes.byteLength !== at + header.words * (1 + header.dims))
    throw new Error('Weft word-vector model is truncated or its header does not match it')
  const idf = Float32Array.from(bytes.subarray(at, at + header.words), (v) => v / IDF_SCALE)
  at += header.words
  const raw = new Int8Array(bytes.buffer, bytes.byteOffset + at, header.words * header.dims)
  const vectors = new Float32Array(raw.length)
  // Quantization moved the rows off unit length a little: renormalize.
  for (let r = 0; r < header.words; r++) {
    let norm = 0
    for (let d = 0; d < header.dims; d++) norm += raw[r * header.dims + d] ** 2
    norm = Math.sqrt(norm) || 1
    for (let d = 0; d < header.dims; d++) vectors[r * header.dims + d] = raw[r * header.dims + d] / norm
  }
  return {
    dims: header.dims,
    corpus: header.corpus,
    rows: new Map(words.map((w, i) => [w, i])),
    idf,
    vectors,
  }
}

/**
 * The unit vector of `text`: the mean of its words' vectors, each weighted by its IDF and by the
 * log of how often it occurs (a word said ten times is not ten times the topic). Null when no word
 * of the text is in the model.
 */
export function embed(model: WordModel, text: string): Float32Array | null {
  const tf = new Map<number, number>()
  for (const token of modelTokens(text)) {
    const row = model.rows.get(token)
    if (row !== undefined) tf.set(row, (tf.get(row) ?? 0) + 1)
  }
  if (!tf.size) return null
  const out = new Float32Array(model.dims)
  for (const [row, count] of tf) {
    const weight = model.idf[row] * (1 + Math.log(count))
    const base = row * model.dims
    for (let d = 0; d < model.dims; d++) out[d] += weight * model.vectors[base + d]
  }
  let norm = 0
  for (let d = 0; d < model.dims; d++) norm += out[d] ** 2
  norm = Math.sqrt(norm)
  if (!norm) return null
  for (let d = 0; d < model.dims; d++) out[d] /= norm
  return out
}

/** A unit vector as stored in the index: int8, scaled by 127. */
export function quantize(vector: Float32Array): Int8Array {
  return Int8Array.from(vector, (v) => Math.max(-127, Math.min(127, Math.round(v * 127))))
}
