import { createHash } from 'node:crypto'

/** Every Automerge chunk starts with these bytes. */
const MAGIC = [0x85, 0x6f, 0x4a, 0x83]
/** Chunk types whose checksum covers the bytes as stored: a whole document (0) and a change (1). */
const CHECKSUMMED_TYPES = new Set([0, 1])

/**
 * Why the bytes of a stored document chunk file are damaged, or null when every chunk in them is
 * whole. A file holds one or more concatenated chunks: magic (4 bytes), checksum (4), type (1),
 * length (ULEB128), data. The checksum is the first 4 bytes of SHA-256 over type, length and data;
 * it is checked for documents and changes (other types, such as compressed changes, checksum their
 * uncompressed form and are only checked for framing). This catches truncation and bit flips
 * without loading the document.
 */
export function chunkProblem(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'empty file'
  let at = 0
  for (let index = 0; at < bytes.length; index++) {
    const where = index === 0 ? 'chunk' : `chunk ${index + 1} (at byte ${at})`
    if (bytes.length - at < 10) return `${where} truncated in its header`
    for (let i = 0; i < MAGIC.length; i++)
      if (bytes[at + i] !== MAGIC[i]) return `${where} lacks the Automerge magic bytes`
    const type = bytes[at + 8]
    const length = readUleb(bytes, at + 9)
    if (!length) return `${where} has a malformed length`
    const end = length.next + length.value
    if (end > bytes.length)
      return `${where} truncated: ${length.value} bytes declared, ${bytes.length - length.next} present`
    if (CHECKSUMMED_TYPES.has(type)) {
      const digest = createHash('sha256')
        .update(bytes.subarray(at + 8, end))
        .digest()
      for (let i = 0; i < 4; i++) if (digest[i] !== bytes[at + 4 + i]) return `${where} fails its checksum`
    }
    at = end
  }
  return null
}

/** An unsigned LEB128 at `at` (at most 8 bytes, within the buffer), or null. */
function readUleb(bytes: Uint8Array, at: number): { value: number; next: number } | null {
  let value = 0
  for (let shift = 0, i = at; i < bytes.length && shift < 56; shift += 7, i++) {
    value += (bytes[i] & 0x7f) * 2 ** shift
    if ((bytes[i] & 0x80) === 0) return { value, next: i + 1 }
  }
  return null
}
