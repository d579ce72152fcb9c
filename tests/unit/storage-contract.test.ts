// automerge-repo's own acceptance suite, run against the storage adapter the relay and the CLI use.
// The suite needs the wasm initialised by the full entry point first.
import '@automerge/automerge-repo'
import { next as A } from '@automerge/automerge'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runStorageAdapterTests } from '@automerge/automerge-repo/helpers/tests/storage-adapter-tests.js'
import { describe, expect, it } from 'vitest'
import { chunkProblem } from '../../src/storage/chunkCheck.ts'
import { DurableFileStorage } from '../../src/storage/DurableFileStorage.ts'

runStorageAdapterTests(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-storage-'))
  return {
    adapter: new DurableFileStorage(dir),
    teardown: () => rmSync(dir, { recursive: true, force: true }),
  }
}, 'DurableFileStorage')

describe('chunk check against Automerge output', () => {
  let doc = A.from<{ text: string; n: number }>({ text: randomBytes(2000).toString('base64'), n: 0 })
  const base = doc
  const first = A.getHeads(doc)
  for (let n = 1; n <= 3; n++)
    doc = A.change(doc, (d) => {
      d.n = n
    })
  const snapshot = A.save(doc)
  const incremental = A.saveSince(doc, first) // three change chunks, concatenated
  const changes = A.getChanges(base, doc)
  /** Where one change chunk ends and the next begins: a cut there leaves whole chunks, which no per-chunk check can tell. */
  const boundaries = new Set(
    changes.map((_, i) => changes.slice(0, i + 1).reduce((sum, c) => sum + c.length, 0)),
  )

  it('accepts whole snapshots and concatenated change chunks', () => {
    expect(chunkProblem(snapshot)).toBeNull()
    expect(chunkProblem(incremental)).toBeNull()
    expect(chunkProblem(new Uint8Array([...snapshot, ...incremental]))).toBeNull()
  })

  it('refuses every truncation within a chunk and every flipped bit', () => {
    expect(Buffer.concat(changes)).toEqual(Buffer.from(incremental))
    for (const bytes of [snapshot, incremental]) {
      for (let length = 0; length < bytes.length; length++) {
        if (bytes === incremental && boundaries.has(length))
          expect(chunkProblem(bytes.subarray(0, length))).toBeNull()
        else expect(chunkProblem(bytes.subarray(0, length)), `cut at ${length}`).not.toBeNull()
      }
      for (let at = 0; at < bytes.length; at += 7) {
        const flipped = bytes.slice()
        flipped[at] ^= 1 << (at % 8)
        expect(chunkProblem(flipped), `bit flipped at ${at}`).not.toBeNull()
      }
    }
  })
})

describe('DurableFileStorage beyond the suite', () => {
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-storage-'))
    return { dir, storage: new DurableFileStorage(dir) }
  }

  it('refuses key parts that would leave its folder (a peer names its storage id)', async () => {
    const { dir, storage } = fresh()
    for (const bad of ['../../../tmp/owned', '..', '.hidden', 'a/b', 'a\\b', 'nul\0', '']) {
      await expect(
        storage.save(['2NvUrLkKLT1L7V2qShwXhXYzUBbj', 'sync-state', bad], new Uint8Array([1])),
        JSON.stringify(bad),
      ).rejects.toThrow('Refusing storage key')
    }
    expect(await storage.keys()).toEqual([])
    rmSync(dir, { recursive: true, force: true })
  })

  it('saves again under a prefix it removed, and never reads a leftover temporary file', async () => {
    const { dir, storage } = fresh()
    const key = ['2NvUrLkKLT1L7V2qShwXhXYzUBbj', 'incremental', 'abc']
    await storage.save(key, new Uint8Array([1]))
    await storage.removeRange(['2NvUrLkKLT1L7V2qShwXhXYzUBbj'])
    await storage.save(key, new Uint8Array([2]))
    expect(await storage.load(key)).toEqual(new Uint8Array([2]))
    // What a crash between write and rename leaves behind.
    writeFileSync(join(dirname(storage.filePath(key)), '.0123456789ab.tmp'), 'torn')
    expect(await storage.loadRange(['2NvUrLkKLT1L7V2qShwXhXYzUBbj'])).toEqual([
      { key, data: new Uint8Array([2]) },
    ])
    rmSync(dir, { recursive: true, force: true })
  })
})
