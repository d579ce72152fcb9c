import { createServer } from 'node:http'
import { Repo, type StorageAdapterInterface, type StorageKey, type Chunk } from '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { syncEndpoint } from '../../relay/syncEndpoint.ts'

/** Storage whose every read takes `delayMs`, as a data folder on a busy disk does. */
class SlowStorage implements StorageAdapterInterface {
  readonly #data = new Map<string, Uint8Array>()
  constructor(readonly delayMs: number) {}
  async #wait(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs))
  }
  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    await this.#wait()
    return this.#data.get(key.join('/'))
  }
  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    this.#data.set(key.join('/'), data)
  }
  async remove(key: StorageKey): Promise<void> {
    this.#data.delete(key.join('/'))
  }
  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    await this.#wait()
    const start = prefix.join('/')
    return [...this.#data]
      .filter(([key]) => key.startsWith(start))
      .map(([key, data]) => ({ key: key.split('/'), data }))
  }
  async removeRange(prefix: StorageKey): Promise<void> {
    for (const key of [...this.#data.keys()]) if (key.startsWith(prefix.join('/'))) this.#data.delete(key)
  }
}

describe('relay start', () => {
  // CI saw "the sync adapter did not start": the wait counted event-loop turns, which run out in
  // well under a second while the storage id is still being read from a busy disk.
  it('waits for the Repo to connect the sync adapter however long its storage takes to load', async () => {
    const server = createServer()
    const { adapter, connected } = syncEndpoint(server, {
      maxMessageBytes: 1 << 20,
      messagesPerSecond: 100,
      log: () => {},
    })
    const repo = new Repo({
      network: [adapter],
      storage: new SlowStorage(1500),
      sharePolicy: async () => false,
    })
    const started = Date.now()
    await connected
    expect(adapter.peerId).toBe(repo.peerId)
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400)
    await repo.shutdown()
  })
})
