import { Repo, type AutomergeUrl, type DocHandle } from '@automerge/automerge-repo'
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel'
import { ChangeSet, Text } from '@codemirror/state'
import { getHeads } from '@automerge/automerge'
import { describe, expect, it } from 'vitest'
import { LiveFileServer } from '../../src/live/LiveFileServer.ts'
import { TextClient, toText } from '../../src/live/TextClient.ts'
import type { ChangesJSON, Heads, LiveMessage } from '../../src/live/protocol.ts'
import { CONTENT, spliceChanges } from '../../src/live/liveText.ts'
import type { LiveFileDoc } from '../../src/model/types.ts'
import { random, randomChanges } from './randomEdits.ts'

const me = { name: 'Ada', colour: '#f38ba8' }

/**
 * A window as the worker sees it, with both directions queued so a test decides when each message
 * is delivered (in order per direction, as over a MessagePort).
 */
class Window {
  shown: Text
  readonly client: TextClient
  readonly toWorker: (() => void)[] = []
  readonly toWindow: LiveMessage[] = []
  refusals: string[] = []
  session = 0

  constructor(
    readonly server: LiveFileServer,
    text: string,
  ) {
    this.shown = toText(text)
    this.client = new TextClient(text, {
      show: (changes) => {
        this.shown = changes.apply(this.shown)
      },
      send: (seq, base, changes) =>
        new Promise((resolve, reject) => {
          this.toWorker.push(() => {
            try {
              this.server.edit(this.session, seq, base, changes)
              resolve()
            } catch (error) {
              reject(error)
            }
          })
        }),
      resync: () => this.toWorker.push(() => this.server.resync(this.session)),
      accepted: () => {},
      refused: (message) => this.refusals.push(message),
    })
  }

  async open(url: AutomergeUrl) {
    this.session = await this.server.open(url, me, (message) => this.toWindow.push(message))
  }

  type(changes: ChangeSet) {
    this.shown = changes.apply(this.shown)
    this.client.local(changes)
  }

  /** Delivers one queued message in either direction; false when both queues are empty. */
  async step(rand: () => number): Promise<boolean> {
    const toWorker = this.toWorker.length > 0 && (this.toWindow.length === 0 || rand() < 0.5)
    if (toWorker) this.toWorker.shift()!()
    else if (this.toWindow.length) this.client.receive(this.toWindow.shift()!)
    else return false
    // Rejections and resolutions run as microtasks.
    await Promise.resolve()
    return true
  }

  async drain(rand: () => number) {
    while (await this.step(rand));
  }
}

function pair() {
  const channel = new MessageChannel()
  const a = new Repo({
    network: [new MessageChannelNetworkAdapter(channel.port1)],
    sharePolicy: async () => true,
  })
  const b = new Repo({
    network: [new MessageChannelNetworkAdapter(channel.port2)],
    sharePolicy: async () => true,
  })
  return {
    a,
    b,
    close: () => {
      channel.port1.close()
      channel.port2.close()
    },
  }
}

const until = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('live editing through the worker', () => {
  it('keeps edits typed before the first snapshot, and converges with a second tab', async () => {
    const repo = new Repo({ network: [] })
    const handle = repo.create<LiveFileDoc>({ content: 'hello\nworld\n' })
    const server = new LiveFileServer(repo)
    const rand = random(3)
    const one = new Window(server, 'hello\nworld\n')
    // Typed before the live document answered.
    one.type(randomChanges(one.shown.toString(), rand))
    await one.open(handle.url)
    const two = new Window(server, 'hello\nworld\n')
    await two.open(handle.url)
    await one.drain(rand)
    await two.drain(rand)
    expect(handle.doc().content).toBe(one.shown.toString())
    expect(two.shown.toString()).toBe(one.shown.toString())
    expect(one.client.settled).toBe(true)
  })

  it('converges under random interleavings of two tabs and a remote peer', async () => {
    for (const seed of [1, 2, 5, 8, 13]) {
      const rand = random(seed)
      const { a, b, close } = pair()
      const handle = a.create<LiveFileDoc>({ content: 'function total(cart) {\n  return 0\n}\n' })
      const remote: DocHandle<LiveFileDoc> = await b.find<LiveFileDoc>(handle.url)
      const server = new LiveFileServer(a)
      const tabs = [new Window(server, handle.doc().content), new Window(server, handle.doc().content)]
      for (const tab of tabs) await tab.open(handle.url)
      for (let round = 0; round < 150; round++) {
        const dice = rand()
        const tab = tabs[Math.floor(rand() * 2)]
        if (dice < 0.35) tab.type(randomChanges(tab.shown.toString(), rand))
        else if (dice < 0.45)
          remote.change((d) => spliceChanges(d, CONTENT, randomChanges(remote.doc().content, rand)))
        else if (dice < 0.5) await new Promise((r) => setTimeout(r, 5))
        else await tab.step(rand)
      }
      // Let everything settle: every queue drained and both repositories in sync.
      const settled = () =>
        tabs.every((t) => t.client.settled && !t.toWorker.length && !t.toWindow.length) &&
        remote.doc().content === handle.doc().content
      await until(() => {
        for (const t of tabs) void t.drain(rand)
        return settled()
      }, `seed ${seed} to settle`)
      for (const tab of tabs) expect(tab.shown.toString(), `seed ${seed}`).toBe(handle.doc().content)
      expect(tabs.flatMap((t) => t.refusals)).toEqual([])
      close()
    }
  })

  it('refuses a malformed edit with a clear message, and the tab resends its text after a snapshot', async () => {
    const repo = new Repo({ network: [] })
    const handle = repo.create<LiveFileDoc>({ content: 'abc' })
    const server = new LiveFileServer(repo)
    const session = await server.open(handle.url, me, () => {})
    const heads: Heads = getHeads(handle.doc())
    expect(() => server.edit(session, 1, heads, [99, [0, 'x']] as ChangesJSON)).toThrow(
      /spans 99 characters, the file has 3/,
    )
    expect(() => server.edit(session, 1, heads, ['nonsense'] as unknown as ChangesJSON)).toThrow(
      /Malformed edit/,
    )
    expect(() => server.edit(session, 1, ['00'.repeat(32)], [3] as ChangesJSON)).toThrow(
      /version of the file this worker does not have/,
    )
    expect(() => server.edit(session, 2, heads, [3] as ChangesJSON)).toThrow(/must come in order/)
    expect(() => server.edit(999, 1, heads, [3] as ChangesJSON)).toThrow(/no longer open/)
    expect(handle.doc().content).toBe('abc')

    // A tab whose edit is refused once (here: its session is gone) keeps its text and sends it again.
    const rand = random(4)
    const tab = new Window(server, 'abc')
    await tab.open(handle.url)
    await tab.drain(rand)
    const real = tab.session
    tab.session = 999
    tab.type(randomChanges('abc', rand))
    const typed = tab.shown.toString()
    tab.toWorker.shift()!()
    await Promise.resolve()
    await Promise.resolve()
    expect(tab.refusals).toEqual(['This file is no longer open for editing; reopen it.'])
    tab.session = real
    await tab.drain(rand)
    expect(handle.doc().content).toBe(typed)
    expect(tab.shown.toString()).toBe(typed)
  })

  it('closes a session whose window stopped calling, and tells the window to reopen', async () => {
    const repo = new Repo({ network: [] })
    const handle = repo.create<LiveFileDoc>({ content: 'abc' })
    const server = new LiveFileServer(repo, { idleMs: 300 })
    const quiet = await server.open(handle.url, me, () => {})
    const busy = await server.open(handle.url, me, () => {})
    // The busy one keeps itself open by calling.
    for (let i = 0; i < 16; i++) {
      server.select(busy, { anchor: 0, head: 1 })
      await new Promise((r) => setTimeout(r, 25))
    }
    expect(server.size).toBe(1)
    expect(() => server.select(quiet, null)).toThrow(/reopen it/)
    server.dispose()
    expect(server.size).toBe(0)
  })

  it('maps positions between the text heard and the text shown', async () => {
    const repo = new Repo({ network: [] })
    const handle = repo.create<LiveFileDoc>({ content: '0123456789' })
    const server = new LiveFileServer(repo)
    const tab = new Window(server, '0123456789')
    await tab.open(handle.url)
    await tab.drain(random(1))
    tab.type(ChangeSet.of({ from: 2, insert: 'ab' }, 10))
    // Position 5 heard is position 7 shown; and back.
    expect(tab.client.toShown(5)).toBe(7)
    expect(tab.client.toHeard(7)).toBe(5)
  })
})
