/**
 * The chunk vectors of an index in memory, for exact nearest-neighbour search: int8 rows in one
 * growing buffer, scored against a float query by dot product. Exact search over 50,000 chunks of
 * 128 dimensions is about 6 million multiply-adds, a few milliseconds, so no approximate index
 * (and none of its build time or corruption modes) is needed at this scale.
 */

export class VectorStore {
  readonly dims: number
  #data: Int8Array
  /** Chunk id and blob id of each row; a removed row has chunk id -1 until compaction. */
  #chunks: Int32Array
  #blobs: Int32Array
  #rows = 0
  #dead = 0
  readonly #rowOf = new Map<number, number>()

  constructor(dims: number, capacity = 1024) {
    if (dims % 4) throw new Error(`vectors of ${dims} dimensions: a multiple of 4 is expected`)
    this.dims = dims
    this.#data = new Int8Array(capacity * dims)
    this.#chunks = new Int32Array(capacity)
    this.#blobs = new Int32Array(capacity)
  }

  get size(): number {
    return this.#rowOf.size
  }

  add(chunkId: number, blobId: number, vector: Int8Array): void {
    if (vector.length !== this.dims)
      throw new Error(`vector of ${vector.length} dimensions, expected ${this.dims}`)
    this.remove(chunkId)
    if (this.#rows === this.#chunks.length) this.#grow()
    this.#data.set(vector, this.#rows * this.dims)
    this.#chunks[this.#rows] = chunkId
    this.#blobs[this.#rows] = blobId
    this.#rowOf.set(chunkId, this.#rows++)
  }

  remove(chunkId: number): void {
    const row = this.#rowOf.get(chunkId)
    if (row === undefined) return
    this.#chunks[row] = -1
    this.#rowOf.delete(chunkId)
    if (++this.#dead > 1024 && this.#dead > this.#rows / 4) this.#compact()
  }

  /**
   * The `limit` chunks most similar to `query` (a unit vector), best first, among rows whose blob
   * `allowed` accepts (all when null). Scores are cosine similarities (rows are unit vectors ×127)
   * plus the row's blob's `bonus`, if any.
   */
  nearest(
    query: Float32Array,
    limit: number,
    allowed: Set<number> | null = null,
    bonus: Map<number, number> | null = null,
  ): { id: number; score: number }[] {
    const dims = this.dims
    // Locals, not fields, in the hot loop: V8 does not hoist private field loads out of it.
    const data = this.#data
    const chunks = this.#chunks
    const blobs = this.#blobs
    const rows = this.#rows
    // Bonus by blob id in an array: a Map lookup per row cost a fifth of the scan.
    let byBlob: Float32Array | null = null
    if (bonus?.size) {
      let maxBlob = 0
      for (const blob of bonus.keys()) if (blob > maxBlob) maxBlob = blob
      byBlob = new Float32Array(maxBlob + 1)
      for (const [blob, value] of bonus) byBlob[blob] = 127 * value
    }
    const bonusBlobs = byBlob?.length ?? 0
    // A bounded min-heap would save little over a sort of the few kept: keep a sorted top list.
    const top: { id: number; score: number }[] = []
    let floor = -Infinity
    for (let row = 0; row < rows; row++) {
      const id = chunks[row]
      if (id < 0 || (allowed && !allowed.has(blobs[row]))) continue
      // Four running sums: independent adds the CPU can overlap (dims is a multiple of 4).
      let d0 = 0
      let d1 = 0
      let d2 = 0
      let d3 = 0
      const base = row * dims
      for (let d = 0; d < dims; d += 4) {
        d0 += data[base + d] * query[d]
        d1 += data[base + d + 1] * query[d + 1]
        d2 += data[base + d + 2] * query[d + 2]
        d3 += data[base + d + 3] * query[d + 3]
      }
      let dot = d0 + d1 + d2 + d3
      const blob = blobs[row]
      if (blob < bonusBlobs) dot += byBlob![blob]
      if (top.length === limit && dot <= floor) continue
      let at = top.length
      while (at > 0 && top[at - 1].score < dot) at--
      top.splice(at, 0, { id, score: dot })
      if (top.length > limit) top.pop()
      floor = top[top.length - 1].score
    }
    return top.map((t) => ({ id: t.id, score: t.score / 127 }))
  }

  #grow(): void {
    const capacity = this.#chunks.length * 2
    const data = new Int8Array(capacity * this.dims)
    data.set(this.#data)
    this.#data = data
    const chunks = new Int32Array(capacity)
    chunks.set(this.#chunks)
    this.#chunks = chunks
    const blobs = new Int32Array(capacity)
    blobs.set(this.#blobs)
    this.#blobs = blobs
  }

  #compact(): void {
    let to = 0
    for (let row = 0; row < this.#rows; row++) {
      const id = this.#chunks[row]
      if (id < 0) continue
      if (to !== row) {
        this.#data.copyWithin(to * this.dims, row * this.dims, (row + 1) * this.dims)
        this.#chunks[to] = id
        this.#blobs[to] = this.#blobs[row]
        this.#rowOf.set(id, to)
      }
      to++
    }
    this.#rows = to
    this.#dead = 0
  }
}
