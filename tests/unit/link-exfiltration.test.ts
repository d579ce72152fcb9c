import '@automerge/automerge-repo'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { interpretAsDocumentId, Repo, type AutomergeUrl, type DocumentId } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { shareLink } from '../../src/sync/links.ts'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'

/**
 * The attack: a stranger sends the victim a Share link whose relay is the stranger's own. Before
 * sharing by capability, cloning it saved that relay (even when the clone failed) and the next
 * plain `weft status` offered it the victim's catalog, which lists every repository's URL, and
 * the victim's private repository.
 */

const relayAt = (dataDir: string) =>
  startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    maxMessageBytes: 64 << 20,
    messagesPerSecond: 1000,
    log: () => {},
  })

/** True when the relay has heard of the document at all: in memory or in its storage folder. */
function relayHas(relay: Relay, dataDir: string, id: DocumentId): boolean {
  return relay.repo.handles[id] !== undefined || existsSync(join(dataDir, id.slice(0, 2), id.slice(2)))
}

describe('a Share link through an attacker relay', () => {
  let own: Relay
  let attacker: Relay
  const attackerData = tempDir('weft-attacker-relay-')
  const victim = tempDir('weft-victim-')
  let attackerPeer: { repo: Repo }
  let bait: { url: AutomergeUrl; link: string }
  /** The victim's documents no stranger may receive: the catalog, the private repository and its blob pack. */
  let secrets: Record<string, DocumentId>

  beforeAll(async () => {
    own = await relayAt(tempDir())
    attacker = await relayAt(attackerData)

    // The victim: a private repository, synced to the victim's own relay.
    const profile = await Profile.open(victim)
    profile.catalog.create('private')
    await profile.close()
    // A relay named on the command line is the victim's own (for that command).
    expect(
      await weft(
        victim,
        ['write', 'secret.txt', '--repo', 'private', '--relay', own.url],
        "the victim's secret\n",
      ),
    ).toMatchObject({ code: 0, errors: [] })
    expect(own.repo.handles[interpretAsDocumentId(profile.catalog.list()[0].url)]).toBeDefined()

    const storage = new NodeFSStorageAdapter(join(victim, 'data'))
    const catalogUrl = new TextDecoder().decode(
      (await storage.load(['weft', 'catalog-url']))!,
    ) as AutomergeUrl
    const inspect = await Profile.open(victim, [], { connect: false })
    const privateUrl = inspect.catalog.list()[0].url
    const ws = await Workspace.open(inspect.repo, privateUrl)
    const [pack] = ws.documentUrls()
    await inspect.close()
    secrets = {
      catalog: interpretAsDocumentId(catalogUrl),
      private: interpretAsDocumentId(privateUrl),
      privatePack: interpretAsDocumentId(pack),
    }

    // The attacker: a bait repository on the attacker's relay, and its Share link.
    const dir = tempDir()
    const attackerStorage = new NodeFSStorageAdapter(dir)
    const repo = new Repo({ storage: attackerStorage, network: [] })
    const relays = new Relays(repo, attackerStorage)
    await relays.start([attacker.url])
    const service = createRepoService(repo, attackerStorage, relays)
    const created = await service.createRepository('bait')
    const info = await service.openRepository(created.id)
    await service.importFiles(created.id, info.defaultBranch, [
      { path: 'README.md', bytes: new TextEncoder().encode('# Click me\n') },
    ])
    await vi.waitFor(() => expect(relays.statuses()[0]?.pending).toBe(0), { timeout: 10_000 })
    attackerPeer = { repo }
    bait = {
      url: created.url,
      link: shareLink(`${attacker.url}/`, created.url, info.defaultBranch, relays.statuses()[0].url),
    }
  })

  afterAll(async () => {
    await shutdownRepo(attackerPeer.repo)
    await attacker.close()
    await own.close()
  })

  /** The victim's remembered relays, as stored on the device. */
  const savedRelays = async () => {
    const bytes = await new NodeFSStorageAdapter(join(victim, 'data')).load(['weft', 'relays'])
    return bytes ? new TextDecoder().decode(bytes) : ''
  }
  const attackerHost = () => new URL(attacker.url).host

  const nothingLeaked = () => {
    for (const [name, id] of Object.entries(secrets))
      expect(relayHas(attacker, attackerData, id), `${name} reached the attacker's relay`).toBe(false)
  }

  it("refuses to add the link's relay without --add-relay, in one line, and keeps nothing", async () => {
    const refused = await weft(victim, ['clone', bait.link])
    expect(await weft(victim, ['status', '--repo', 'private'])).toMatchObject({ code: 0 })
    nothingLeaked()
    expect(refused.code).toBe(2)
    expect(refused.errors).toHaveLength(1)
    expect(refused.errors[0]).toMatch(/not one of your relays; add --add-relay/)
    expect(await savedRelays()).not.toContain(attackerHost())
  })

  it('does not keep a relay added for a clone that fails', async () => {
    const missing = shareLink(
      `${attacker.url}/`,
      'automerge:2fLCE3xxo8rnmi4NDnDFyHkzfhuk' as AutomergeUrl,
      'main',
      `${attacker.url.replace('http', 'ws')}/sync`,
    )
    const failed = await weft(victim, ['clone', missing, '--add-relay'])
    expect(await weft(victim, ['status', '--repo', 'private'])).toMatchObject({ code: 0 })
    nothingLeaked()
    expect(failed.code).toBe(2)
    expect(failed.errors).toHaveLength(1)
    expect(await savedRelays()).not.toContain(attackerHost())
  })

  it("with --add-relay the attacker's relay receives the cloned repository and nothing else", async () => {
    expect(await weft(victim, ['clone', bait.link, '--add-relay'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('Cloned bait'),
    })
    const listed = JSON.parse((await weft(victim, ['relay', 'list', '--json'])).out) as {
      url: string
      own: boolean
      repositories: string[]
    }[]
    expect(listed).toContainEqual({
      url: `${attacker.url.replace('http', 'ws')}/sync`,
      own: false,
      repositories: ['bait'],
    })

    // Everything the old code needed to leak: a plain status, work on the private repository, work on the bait.
    expect(await weft(victim, ['status', '--repo', 'private'])).toMatchObject({ code: 0 })
    expect(await weft(victim, ['write', 'more.txt', '--repo', 'private'], 'more secrets\n')).toMatchObject({
      code: 0,
    })
    expect(
      await weft(victim, ['write', 'reply.txt', '--repo', 'bait'], "the victim's reply\n"),
    ).toMatchObject({ code: 0, errors: [] })

    // The channel works: the victim's write to the bait repository reaches the attacker's relay…
    const bait2 = await Workspace.open(attackerPeer.repo, bait.url)
    await vi.waitFor(
      () => expect(bait2.entries(bait2.branches()[0].id).map((e) => e.path)).toContain('reply.txt'),
      { timeout: 15_000 },
    )
    const replyPack = bait2.handle.doc().blobs
    for (const pack of Object.values(replyPack))
      await vi.waitFor(
        () =>
          expect(relayHas(attacker, attackerData, interpretAsDocumentId(String(pack) as AutomergeUrl))).toBe(
            true,
          ),
        { timeout: 15_000 },
      )
    // …and everything the victim sent before it (the catalog, the private repository) would be there by now.
    nothingLeaked()
    const profile = await Profile.open(victim, [], { connect: false })
    const privateUrl = profile.catalog.list().find((r) => r.name === 'private')!.url
    const ws = await Workspace.open(profile.repo, privateUrl)
    for (const url of ws.documentUrls())
      expect(relayHas(attacker, attackerData, interpretAsDocumentId(url))).toBe(false)
    await profile.close()
  })

  it('a link naming a repository the victim already has, through a relay the victim uses, does not send it there', async () => {
    // The attacker learnt the private repository's URL somehow; the victim already uses the attacker's relay for the bait.
    const link = shareLink(
      `${attacker.url}/`,
      `automerge:${secrets.private}` as AutomergeUrl,
      'main',
      `${attacker.url.replace('http', 'ws')}/sync`,
    )
    expect(await weft(victim, ['clone', link])).toMatchObject({
      code: 0,
      out: expect.stringContaining('Cloned private'),
    })
    expect(
      await weft(victim, ['write', 'even-more.txt', '--repo', 'private'], 'still secret\n'),
    ).toMatchObject({ code: 0 })
    expect(await weft(victim, ['write', 'again.txt', '--repo', 'bait'], 'hello again\n')).toMatchObject({
      code: 0,
      errors: [],
    })
    const bait2 = await Workspace.open(attackerPeer.repo, bait.url)
    await vi.waitFor(
      () => expect(bait2.entries(bait2.branches()[0].id).map((e) => e.path)).toContain('again.txt'),
      { timeout: 15_000 },
    )
    nothingLeaked()
    const listed = JSON.parse((await weft(victim, ['relay', 'list', '--json'])).out) as {
      url: string
      repositories: string[]
    }[]
    expect(listed.find((r) => r.url.includes(attackerHost()))?.repositories).toEqual(['bait'])
  })

  it('a bad relay address is one clear line and exit 2, not a stack trace', async () => {
    const link = shareLink('http://127.0.0.1:1/', bait.url, 'main', 'file:///etc/passwd')
    const result = await weft(victim, ['clone', link])
    expect(result).toMatchObject({
      code: 2,
      errors: [expect.stringMatching(/^weft clone: the link's relay is not usable: .*ws:\/\//)],
    })
    expect(await weft(victim, ['status', '--relay', 'garbage'])).toMatchObject({
      code: 2,
      errors: [expect.stringMatching(/^weft status: "garbage" is not a relay address/)],
    })
    expect(await weft(victim, ['relay', 'add', 'file:///x', '--own'])).toMatchObject({
      code: 2,
      errors: [expect.stringMatching(/^weft relay: /)],
    })
  })
})

describe('weft relay list|add|remove', () => {
  it('adds a relay only saying what it receives, lists it, and removes it, without contacting it', async () => {
    const home = tempDir('weft-relays-')
    const profile = await Profile.open(home)
    profile.catalog.create('notes')
    await profile.close()
    // Port 9 (discard) on loopback: nothing answers, and nothing needs to.
    expect(await weft(home, ['relay', 'add', 'ws://127.0.0.1:9'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('--own')],
    })
    expect(await weft(home, ['relay', 'add', 'ws://127.0.0.1:9', '--repo', 'notes'])).toMatchObject({
      code: 0,
      out: 'Added ws://127.0.0.1:9/sync\n',
    })
    expect(await weft(home, ['relay', 'add', 'http://127.0.0.1:10', '--own'])).toMatchObject({ code: 0 })
    expect(JSON.parse((await weft(home, ['relay', 'list', '--json'])).out)).toEqual([
      { url: 'ws://127.0.0.1:9/sync', own: false, repositories: ['notes'] },
      { url: 'ws://127.0.0.1:10/sync', own: true, repositories: [] },
    ])
    expect(await weft(home, ['relay', 'remove', 'ws://127.0.0.1:9/sync', '--repo', 'notes'])).toMatchObject({
      code: 0,
    })
    expect((await weft(home, ['relay', 'list'])).out).toBe(
      'ws://127.0.0.1:9/sync\tnothing\nws://127.0.0.1:10/sync\town: your repository list and every repository\n',
    )
    expect(await weft(home, ['relay', 'remove', 'ws://127.0.0.1:9'])).toMatchObject({ code: 0 })
    expect(await weft(home, ['relay', 'remove', 'ws://127.0.0.1:11'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('not one of your relays')],
    })
    expect(
      JSON.parse((await weft(home, ['relay', 'list', '--json'])).out).map((r: { url: string }) => r.url),
    ).toEqual(['ws://127.0.0.1:10/sync'])
  })
})
