/**
 * Writes git objects as pack files (`objects/pack/pack-*.pack` with its version 2 `.idx`) rather
 * than one loose file each: an export of thousands of commits is then a few file writes instead of
 * a file, a folder check and a compression stream per object. Objects are stored whole (no deltas;
 * `git gc` can delta them later); a pack is written once it holds `maxBytes`, and at `flush()`.
 * Plain JavaScript (fflate for zlib unless the repository brings a native one, Web Crypto for the
 * packs' SHA-1), so it runs in the browser as in Node.
 * Git uses a pack only once its `.idx` exists, so the `.pack` is written first: a pack cut short
 * by a crash is never read.
 */
import { sha1 } from '@noble/hashes/legacy'
import { bytesToHex, concatBytes } from '@noble/hashes/utils'
import { zlibSync } from 'fflate'
import { joinFsPath, type GitRepository } from './gitRepository.ts'

export type GitObjectType = 'blob' | 'tree' | 'commit' | 'tag'

/** The type numbers of a pack entry's header. */
const TYPE_NUMBER: Record<GitObjectType, number> = { commit: 1, tree: 2, blob: 3, tag: 4 }

/** Offsets in a version 2 index are 31 bits unless a large-offset table follows; packs stay below. */
const MAX_PACK_BYTES = 0x7fff_ffff

interface PackEntry {
  oid: string
  offset: number
  crc: number
}

export class GitPackWriter {
  readonly #repo: GitRepository
  readonly #maxBytes: number
  #chunks: Uint8Array[] = []
  #entries: PackEntry[] = []
  #bytes = 0

  /** `maxBytes`: a pack is written once its entries reach this size (default 64 MiB). */
  constructor(repo: GitRepository, { maxBytes = 64 * 1024 * 1024 }: { maxBytes?: number } = {}) {
    this.#repo = repo
    this.#maxBytes = Math.min(maxBytes, MAX_PACK_BYTES / 2)
  }

  /** Objects added since the last pack was written. */
  get pending(): number {
    return this.#entries.length
  }

  /** Adds an object (its id already computed by the caller); writes the pack when it is full. */
  async add(type: GitObjectType, content: Uint8Array, oid: string): Promise<void> {
    const header = entryHeader(TYPE_NUMBER[type], content.length)
    const deflated = this.#repo.deflate?.(content) ?? zlibSync(content)
    this.#entries.push({ oid, offset: 12 + this.#bytes, crc: crc32(deflated, crc32(header)) })
    this.#chunks.push(header, deflated)
    this.#bytes += header.length + deflated.length
    if (this.#bytes >= this.#maxBytes) await this.flush()
  }

  /** Writes the objects added so far as one pack and its index (nothing when there are none). */
  async flush(): Promise<void> {
    if (this.#entries.length === 0) return
    const entries = this.#entries
    const head = new Uint8Array(12)
    head.set([0x50, 0x41, 0x43, 0x4b]) // "PACK"
    const view = new DataView(head.buffer)
    view.setUint32(4, 2)
    view.setUint32(8, entries.length)
    const body = concatBytes(head, ...this.#chunks)
    this.#chunks = []
    this.#entries = []
    this.#bytes = 0
    const packSum = sha1(body)
    const pack = concatBytes(body, packSum)
    const name = `pack-${bytesToHex(packSum)}`
    const { fs, gitdir } = this.#repo
    const folder = joinFsPath(gitdir, 'objects/pack')
    await fs.promises.mkdir(folder).catch((error: { code?: string }) => {
      if (error.code !== 'EEXIST') throw error
    })
    await fs.promises.writeFile(joinFsPath(folder, `${name}.pack`), pack)
    await fs.promises.writeFile(joinFsPath(folder, `${name}.idx`), packIndex(entries, packSum))
  }
}

/** A pack entry's header: type and size, the size in little-endian groups of 7 bits. */
function entryHeader(type: number, size: number): Uint8Array {
  const bytes = [(type << 4) | (size & 0x0f)]
  let rest = Math.floor(size / 16)
  while (rest > 0) {
    bytes[bytes.length - 1] |= 0x80
    bytes.push(rest & 0x7f)
    rest = Math.floor(rest / 128)
  }
  return Uint8Array.from(bytes)
}

/** A version 2 pack index: fan-out table, sorted ids, CRC-32s, offsets, the pack's and its own checksum. */
function packIndex(entries: PackEntry[], packSum: Uint8Array): Uint8Array {
  const sorted = [...entries].sort((a, b) => (a.oid < b.oid ? -1 : a.oid > b.oid ? 1 : 0))
  const n = sorted.length
  const out = new Uint8Array(8 + 256 * 4 + n * (20 + 4 + 4) + 20)
  const view = new DataView(out.buffer)
  out.set([0xff, 0x74, 0x4f, 0x63]) // "\377tOc"
  view.setUint32(4, 2)
  const fanout = new Uint32Array(256)
  for (const { oid } of sorted) fanout[parseInt(oid.slice(0, 2), 16)]++
  let total = 0
  for (let i = 0; i < 256; i++) view.setUint32(8 + i * 4, (total += fanout[i]))
  let at = 8 + 256 * 4
  for (const { oid } of sorted) {
    for (let i = 0; i < 20; i++) out[at + i] = parseInt(oid.slice(i * 2, i * 2 + 2), 16)
    at += 20
  }
  for (const { crc } of sorted) {
    view.setUint32(at, crc)
    at += 4
  }
  for (const { offset } of sorted) {
    view.setUint32(at, offset)
    at += 4
  }
  out.set(packSum, at)
  return concatBytes(out, sha1(out))
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

/** CRC-32 (the zlib polynomial) of `bytes`, continuing from `previous`: the index checks each entry with it. */
function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}
