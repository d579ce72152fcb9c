import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo/slim'
import { sep } from 'node:path'
import { chunkProblem } from './chunkCheck.ts'

export interface DamagedChunk {
  /** The file (or key) that holds the damaged chunk. */
  file: string
  reason: string
}

/** Storage that can list its keys and name the file behind each (DurableFileStorage). */
export interface ListableStorage extends StorageAdapterInterface {
  keys(): Promise<StorageKey[]>
  filePath(key: StorageKey): string
}

/** A document chunk key: `[documentId, 'snapshot' | 'incremental', hash]`. */
function isChunkKey(key: StorageKey): boolean {
  return key.length === 3 && (key[1] === 'snapshot' || key[1] === 'incremental')
}

/**
 * Reads document chunks through a check of their Automerge framing and checksums. A damaged chunk
 * (truncated, bit-flipped) is left out, so the document loads from its other chunks instead of not
 * loading at all, and is reported once by file name through `onDamaged`; `damaged()` lists them
 * all (the relay's /health). The file is left in place for its owner to inspect or remove.
 */
export class CheckedChunks implements StorageAdapterInterface {
  readonly #inner: ListableStorage
  readonly #damaged = new Map<string, string>()
  readonly #onDamaged: (damaged: DamagedChunk) => void

  constructor(inner: ListableStorage, onDamaged: (damaged: DamagedChunk) => void = reportOnStderr) {
    this.#inner = inner
    this.#onDamaged = onDamaged
  }

  damaged(): DamagedChunk[] {
    return [...this.#damaged].map(([file, reason]) => ({ file, reason }))
  }

  /** Checks every stored chunk now (at start), so damage is reported before anyone asks for the document. */
  async checkAll(): Promise<DamagedChunk[]> {
    for (const key of await this.#inner.keys()) if (isChunkKey(key)) await this.load(key)
    return this.damaged()
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    const data = await this.#inner.load(key)
    return data && this.#sound(key, data) ? data : undefined
  }

  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    return (await this.#inner.loadRange(prefix)).filter(
      (chunk) => !chunk.data || this.#sound(chunk.key, chunk.data),
    )
  }

  save(key: StorageKey, data: Uint8Array): Promise<void> {
    return this.#inner.save(key, data)
  }

  async remove(key: StorageKey): Promise<void> {
    await this.#inner.remove(key)
    if (isChunkKey(key)) this.#damaged.delete(this.#inner.filePath(key))
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    await this.#inner.removeRange(prefix)
    const under = this.#inner.filePath(prefix)
    for (const file of this.#damaged.keys())
      if (file === under || file.startsWith(under + sep)) this.#damaged.delete(file)
  }

  #sound(key: StorageKey, data: Uint8Array): boolean {
    if (!isChunkKey(key)) return true
    const problem = chunkProblem(data)
    const file = this.#inner.filePath(key)
    if (!problem) {
      // Rewritten since (a save of the same key replaces the file): whole again.
      this.#damaged.delete(file)
      return true
    }
    if (this.#damaged.get(file) !== problem) {
      this.#damaged.set(file, problem)
      this.#onDamaged({ file, reason: problem })
    }
    return false
  }
}

function reportOnStderr({ file, reason }: DamagedChunk): void {
  console.error(
    `damaged storage chunk skipped: ${file} (${reason}); the document loads from its other chunks`,
  )
}
