import '@automerge/automerge-repo'
import { afterEach, describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { tempDir } from './helpers.ts'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f()
})

async function guardedRelay(token: string): Promise<Relay> {
  const relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDir('weft-relay-'),
    token,
    maxMessageBytes: 1024 * 1024,
    messagesPerSecond: 500,
    log: () => {},
  })
  cleanups.push(() => relay.close())
  return relay
}

/** A profile's relays on storage in `dir` (a second call on the same dir is the profile reopened). */
function profile(dir: string) {
  const storage = new NodeFSStorageAdapter(dir)
  const repo = new Repo({ storage, network: [] })
  const relays = new Relays(repo, storage)
  cleanups.push(async () => {
    for (const status of relays.statuses()) await relays.remove(status.url).catch(() => {})
    await shutdownRepo(repo)
  })
  return relays
}

describe('relay tokens', () => {
  it('a wrong token is refused and not kept; the right one connects, is remembered apart from the address, and goes in links only while accepted and chosen', async () => {
    const relay = await guardedRelay('the-sync-token')
    const address = `${relay.url.replace('http', 'ws')}/sync`
    const dir = tempDir('weft-profile-')
    const relays = profile(dir)
    await relays.start([relay.url])
    await expect.poll(() => relays.statuses()[0].state).toEqual({ kind: 'refused', tokenSent: false })

    expect(await relays.setToken(address, 'the-runner-token')).toBe('refused')
    expect(relays.statuses()[0].token.saved).toBe(false)
    expect(relays.linkAddress(address)).toBe(address)

    expect(await relays.setToken(address, 'the-sync-token')).toBe('connected')
    expect(relays.statuses()).toMatchObject([{ url: address, token: { saved: true, shared: true } }])
    expect(relays.linkAddress(address)).toBe(`${address}?token=the-sync-token`)
    await relays.shareToken(address, false)
    expect(relays.linkAddress(address)).toBe(address)
    await relays.shareToken(address, true)

    // Reopened: the token is remembered for this relay and used at once.
    const again = profile(dir)
    await again.start([relay.url])
    await expect.poll(() => again.statuses()[0].state.kind).toBe('connected')
    expect(again.linkAddress(address)).toBe(`${address}?token=the-sync-token`)
  })

  it('an address typed with ?token= is the same relay, its token kept apart', async () => {
    const relay = await guardedRelay('typed')
    const address = `${relay.url.replace('http', 'ws')}/sync`
    const relays = profile(tempDir('weft-profile-'))
    await relays.start([relay.url])
    await relays.add(`${address}?token=typed`, { own: true })
    expect(relays.statuses().map((s) => s.url)).toEqual([address])
    await expect.poll(() => relays.statuses()[0].state.kind).toBe('connected')
  })
})
