import '@automerge/automerge-repo'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { AutomergeUrl, DocHandle } from '@automerge/automerge-repo'
import { relayClient, whenConfirmed } from '../../bench/lib/relayClient.ts'
import { RelayChild } from './relayChild.ts'

const children: RelayChild[] = []
afterEach(async () => {
  for (const child of children.splice(0)) await child.stop('SIGKILL')
})

function relayChild(): RelayChild {
  const child = new RelayChild()
  children.push(child)
  return child
}

interface Log {
  values: number[]
}

describe('relay durability', () => {
  it('keeps every change it confirmed when SIGKILLed right after confirming', async () => {
    const relay = relayChild()
    await relay.start()
    // Storage that acknowledged before fsync lost every confirmed change (the first one and its whole
    // document); `npm run bench:durability` kills it 50 times and more.
    const rounds = 12
    const confirmedValues: number[] = []
    let url = ''
    let lost: number[] = []
    for (let round = 0; round <= rounds; round++) {
      const { repo, close } = relayClient(relay.syncUrl)
      let handle: DocHandle<Log>
      try {
        handle = round === 0 ? repo.create<Log>({ values: [] }) : await repo.find<Log>(url as AutomergeUrl)
      } catch {
        // The relay lost the whole document (it confirmed its creation, then kept nothing).
        lost = [...confirmedValues]
        close()
        break
      }
      url = handle.url
      await whenConfirmed(repo, handle)
      // What the restarted relay gave a fresh client must hold every value confirmed before.
      lost = confirmedValues.filter((value) => !handle.doc().values.includes(value))
      if (lost.length > 0 || round === rounds) {
        close()
        break
      }
      handle.change((doc) => {
        doc.values.push(round)
      })
      await whenConfirmed(repo, handle)
      confirmedValues.push(round)
      // Killed in the same tick as the confirmation arrived; the client lets go of its socket meanwhile.
      const killed = relay.stop('SIGKILL')
      close()
      await killed
      await relay.start()
    }
    expect(lost, `lost ${lost.length} of ${confirmedValues.length} confirmed changes`).toEqual([])
    expect(confirmedValues).toHaveLength(rounds)
    // About 10 s on an idle machine (a relay start per round); the bound leaves room for a loaded one.
  }, 60_000)
})

/** The chunk files the relay stores for `url`'s document, by kind. */
function chunkFiles(dataDir: string, url: string): { snapshot: string[]; incremental: string[] } {
  const id = url.replace('automerge:', '')
  const dir = join(dataDir, id.slice(0, 2), id.slice(2))
  const list = (kind: string) =>
    existsSync(join(dir, kind)) ? readdirSync(join(dir, kind)).map((name) => join(dir, kind, name)) : []
  return { snapshot: list('snapshot'), incremental: list('incremental') }
}

describe('relay storage damage', () => {
  it('skips a truncated or bit-flipped chunk file, names it in the log and /health, and loads the rest', async () => {
    const relay = relayChild()
    await relay.start()
    const writer = relayClient(relay.syncUrl)
    // Over 1 KiB compressed, so later saves are incremental files next to one snapshot.
    const text = randomBytes(3000).toString('base64')
    const handle = writer.repo.create<Log & { text: string }>({ values: [], text })
    await whenConfirmed(writer.repo, handle)
    const saved: string[][] = []
    for (let value = 0; value < 4; value++) {
      const before = chunkFiles(relay.dataDir, handle.url).incremental
      handle.change((doc) => {
        doc.values.push(value)
      })
      await whenConfirmed(writer.repo, handle)
      const added = () =>
        chunkFiles(relay.dataDir, handle.url).incremental.filter((file) => !before.includes(file))
      await expect.poll(() => added().length).toBe(1)
      saved.push(added())
    }
    writer.close()
    await relay.stop('SIGTERM')
    expect(chunkFiles(relay.dataDir, handle.url).snapshot).toHaveLength(1)
    // Each change got a file of its own: damage the last one's (cut in half) and flip a bit in the third's.
    const truncated = saved[3][0]
    const flipped = saved[2][0]
    const bytes = readFileSync(truncated)
    writeFileSync(truncated, bytes.subarray(0, bytes.length >> 1))
    const other = readFileSync(flipped)
    other[other.length - 3] ^= 0x10
    writeFileSync(flipped, other)

    const from = relay.output.length
    await relay.start()
    await expect.poll(() => relay.output.slice(from)).toContain(truncated)
    await expect.poll(() => relay.output.slice(from)).toContain(flipped)
    const lines = relay.output.slice(from).split('\n')
    expect(lines.filter((line) => line.includes(truncated))).toEqual([expect.stringContaining('truncated')])
    expect(lines.filter((line) => line.includes(flipped))).toEqual([expect.stringContaining('checksum')])
    const health = await (await fetch(`${relay.url}/health`)).json()
    expect(health).toMatchObject({ ok: false, status: 'degraded' })
    // Named within the data folder (the log has the full path).
    expect(health.damaged.map((d: { file: string }) => join(relay.dataDir, d.file)).sort()).toEqual(
      [truncated, flipped].sort(),
    )

    // A fresh client gets the document from the snapshot and the sound chunks before the damage.
    const reader = relayClient(relay.syncUrl)
    const read = await reader.repo.find<Log & { text: string }>(handle.url)
    await expect.poll(() => read.doc().values).toEqual([0, 1])
    expect(read.doc().text).toBe(text)
    reader.close()
    // The damaged files are reported once, not again on each load.
    expect(relay.output.slice(from).split(truncated).length - 1).toBe(1)
  })
})
