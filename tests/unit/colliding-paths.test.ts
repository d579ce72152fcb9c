/**
 * Entries are keyed by random id, so two peers that each create `src/util.ts` while apart end with two
 * entries on one path: a normal outcome, not an attack. The branch must stay usable and lose nothing:
 * every reader shows the same view, in which one keeps the path and the other is shown at a
 * disambiguated name that the person can open, edit, rename or delete.
 */
import '@automerge/automerge-repo'
import * as A from '@automerge/automerge'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Repo, type DocumentId } from '@automerge/automerge-repo'
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { startRelay } from '../../relay/server.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { snapshotAt } from '../../src/repo/history.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import type { RepositoryDoc } from '../../src/model/types.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { diskRepo, tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'

const enc = (text: string) => new TextEncoder().encode(text)
const dec = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/**
 * Two real automerge-repo peers holding one repository, not connected yet: B holds a replica of A's
 * document as it was when they parted. `connect` joins them over a MessageChannel.
 */
async function twoPeers() {
  const a = new Repo({ network: [], sharePolicy: async () => true })
  const wsA = Workspace.create(a, 'shared')
  const main = wsA.branches()[0].id
  await wsA.createFile(main, 'README.md', enc('# shared\n'))
  const b = new Repo({ network: [], sharePolicy: async () => true })
  const wsB = new Workspace(
    b,
    b.import<RepositoryDoc>(A.save(wsA.handle.doc()), { docId: wsA.handle.documentId }),
  )
  const connect = async (entries: number) => {
    const channel = new MessageChannel()
    a.networkSubsystem.addNetworkAdapter(new MessageChannelNetworkAdapter(channel.port1))
    b.networkSubsystem.addNetworkAdapter(new MessageChannelNetworkAdapter(channel.port2))
    for (const ws of [wsA, wsB])
      await expect
        .poll(() => Object.keys(ws.handle.doc().branches[main].tree).length, { timeout: 10_000 })
        .toBe(entries)
  }
  return { a, b, wsA, wsB, main, connect }
}

/** Path → content of every file of the branch, as a reader sees it. */
async function files(ws: Workspace, branch: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of ws.entries(branch))
    if (e.type === 'file') out[e.path] = dec(await ws.readBytes(branch, e.id))
  return out
}

const cases = [
  { name: 'the same path, src/util.ts', mine: 'src/util.ts', theirs: 'src/util.ts' },
  { name: 'names equal in another case, A.txt and a.txt', mine: 'A.txt', theirs: 'a.txt' },
  { name: 'a file where the other needs a folder, Docs and docs/x.md', mine: 'Docs', theirs: 'docs/x.md' },
]

describe('two peers create colliding paths at once; after sync both keep everything', () => {
  it.each(cases)(
    '$name: both contents are in entries() on both peers, at the same paths, none overwritten',
    async ({ mine, theirs }) => {
      const { a, b, wsA, wsB, main, connect } = await twoPeers()
      const [idA, idB] = await Promise.all([
        wsA.createFile(main, mine, enc('from A\n')),
        wsB.createFile(main, theirs, enc('from B\n')),
      ])
      await connect(3)
      const viewA = wsA.view(main)
      expect(wsB.view(main)).toEqual(viewA)
      const shown = await files(wsA, main)
      expect(Object.values(shown).sort()).toEqual(['# shared\n', 'from A\n', 'from B\n'])
      expect(await files(wsB, main)).toEqual(shown)
      // One of the two keeps its path (the smaller id, so every peer agrees); the other is shown at a name derived from its id.
      expect(viewA.renamed).toHaveLength(1)
      const [renamed] = viewA.renamed
      if (mine === 'Docs') expect(renamed.id).toBe(idA)
      else expect(renamed.id).toBe(idA < idB ? idB : idA)
      expect(renamed.to).toMatch(new RegExp(`\\(conflict ${renamed.id.replace(/-/g, '').slice(0, 6)}\\)`))
      expect(new Set(Object.keys(shown).map((p) => p.toLowerCase())).size).toBe(3)
      await Promise.all([shutdownRepo(a), shutdownRepo(b)])
    },
    30_000,
  )

  it('the disambiguated file can be edited and renamed by the name shown; the rename resolves it for everyone', async () => {
    const { a, b, wsA, wsB, main, connect } = await twoPeers()
    const [idA, idB] = await Promise.all([
      wsA.createFile(main, 'src/util.ts', enc('from A\n')),
      wsB.createFile(main, 'src/util.ts', enc('from B\n')),
    ])
    await connect(3)
    const [renamed] = wsA.view(main).renamed
    const keeper = renamed.id === idA ? idB : idA
    const keeperText = dec(await wsA.readBytes(main, keeper))

    const report = await wsA.importFiles(main, [{ path: renamed.to, bytes: enc('edited by A\n') }])
    expect(report).toEqual({ added: 0, replaced: 1, refused: [] })
    expect(dec(await wsA.readBytes(main, renamed.id))).toBe('edited by A\n')
    expect(dec(await wsA.readBytes(main, keeper))).toBe(keeperText)

    await expect
      .poll(async () => (await files(wsB, main))[renamed.to], { timeout: 10_000 })
      .toBe('edited by A\n')
    wsB.move(main, renamed.to, 'src/helpers.ts')
    await expect
      .poll(() => wsA.entries(main).map((e) => e.path), { timeout: 10_000 })
      .toEqual(['README.md', 'src/helpers.ts', 'src/util.ts'])
    expect(wsA.view(main).renamed).toEqual([])
    expect(await files(wsA, main)).toEqual({
      'README.md': '# shared\n',
      'src/helpers.ts': 'edited by A\n',
      'src/util.ts': keeperText,
    })
    await Promise.all([shutdownRepo(a), shutdownRepo(b)])
  }, 30_000)

  it('moving or deleting by the shown path acts on that one entry, never on the other at the same path', async () => {
    const { a, b, wsA, wsB, main, connect } = await twoPeers()
    await Promise.all([
      wsA.createFile(main, 'src/util.ts', enc('from A\n')),
      wsB.createFile(main, 'src/util.ts', enc('from B\n')),
    ])
    await connect(3)
    const [renamed] = wsA.view(main).renamed
    const renamedText = dec(await wsA.readBytes(main, renamed.id))
    // The folder moves with both, each to its shown name: the collision is resolved by the move.
    wsA.move(main, 'src', 'lib')
    expect(wsA.entries(main).map((e) => e.path)).toEqual([
      'README.md',
      renamed.to.replace('src/', 'lib/'),
      'lib/util.ts',
    ])
    expect(wsA.view(main).renamed).toEqual([])
    wsA.move(main, 'lib/util.ts', 'lib/kept.ts')
    wsA.remove(main, renamed.to.replace('src/', 'lib/'))
    expect(Object.keys(await files(wsA, main))).toEqual(['README.md', 'lib/kept.ts'])
    expect(Object.values(await files(wsA, main))).not.toContain(renamedText)
    await Promise.all([shutdownRepo(a), shutdownRepo(b)])
  }, 30_000)

  it('moving the file that keeps the path moves only it: the other then shows at that path', async () => {
    const { a, b, wsA, wsB, main, connect } = await twoPeers()
    const [idA, idB] = await Promise.all([
      wsA.createFile(main, 'src/util.ts', enc('from A\n')),
      wsB.createFile(main, 'src/util.ts', enc('from B\n')),
    ])
    await connect(3)
    const keeper = idA < idB ? idA : idB
    const other = keeper === idA ? idB : idA
    wsA.move(main, 'src/util.ts', 'src/old.ts')
    expect(wsA.entries(main).map((e) => [e.path, e.id])).toEqual([
      ['README.md', expect.any(String)],
      ['src/old.ts', keeper],
      ['src/util.ts', other],
    ])
    await Promise.all([shutdownRepo(a), shutdownRepo(b)])
  }, 30_000)
})

describe('every reader sees the same view', () => {
  async function collided() {
    const { a, b, wsA, wsB, main, connect } = await twoPeers()
    await Promise.all([
      wsA.createFile(main, 'src/util.ts', enc('from A\n')),
      wsB.createFile(main, 'src/util.ts', enc('from B\n')),
    ])
    await connect(3)
    return { a, b, ws: wsA, main, shown: wsA.view(main).renamed[0].to }
  }

  it('a commit records the shown paths, status is then clean, and the commit reads back the same', async () => {
    const { a, b, ws, main, shown } = await collided()
    const vc = new VersionControl(ws)
    const head = await vc.commit(main, 'both utils', 'ada')
    expect(await vc.status(main)).toEqual([])
    expect(
      Object.values(snapshotAt(ws.handle.doc().commits, head))
        .map((f) => f.path)
        .sort(),
    ).toEqual(['README.md', shown, 'src/util.ts'].sort())
    // A branch made from it holds both, each at its own path now.
    const copy = vc.createBranch('copy', head)
    expect(ws.view(copy)).toEqual({ entries: ws.entries(copy), renamed: [] })
    expect(ws.entries(copy).map((e) => e.path)).toEqual(ws.entries(main).map((e) => e.path))
    await Promise.all([shutdownRepo(a), shutdownRepo(b)])
  }, 30_000)

  it('a commit a peer wrote with two files on one path reads back with both', () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'c')
    ws.handle.change((d) => {
      const file = {
        path: 'x.txt',
        blob: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        size: 0,
        binary: false,
      }
      ;(d.commits as Record<string, unknown>)['peer-commit'] = {
        parents: [],
        message: 'x',
        author: 'bob',
        time: 1,
        depth: 0,
        tree: { 'id-b': file, 'id-a': file },
      }
    })
    expect(
      Object.fromEntries(
        Object.entries(snapshotAt(ws.handle.doc().commits, 'peer-commit')).map(([id, f]) => [id, f.path]),
      ),
    ).toEqual({ 'id-a': 'x.txt', 'id-b': 'x (conflict idb).txt' })
  })

  it('a merge whose sides make a file and a folder of one name keeps both, the file renamed', async () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'm')
    const vc = new VersionControl(ws)
    const main = ws.branches()[0].id
    await ws.importFiles(main, [{ path: 'base.txt', bytes: enc('b\n') }])
    const base = await vc.commit(main, 'base', 'ada')
    const feature = vc.createBranch('feature', base)
    await ws.importFiles(main, [{ path: 'Docs', bytes: enc('a file\n') }])
    await vc.commit(main, 'ours', 'ada')
    await ws.importFiles(feature, [{ path: 'docs/x.md', bytes: enc('in a folder\n') }])
    await vc.commit(feature, 'theirs', 'bob')
    expect((await vc.merge(main, feature, 'ada')).kind).toBe('merged')
    const docsFile = ws.entries(main).find((e) => e.path.startsWith('Docs'))!
    expect(docsFile.path).toBe(`Docs (conflict ${docsFile.id.replace(/-/g, '').slice(0, 6)})`)
    expect(await files(ws, main)).toEqual({
      [docsFile.path]: 'a file\n',
      'base.txt': 'b\n',
      'docs/x.md': 'in a folder\n',
    })
  })

  it('the explorer lists both with a notice naming the renamed one, zip export holds both, runs and the index get both', async () => {
    const disk = diskRepo()
    const service = createRepoService(disk.repo, disk.storage)
    const created = await service.createRepository('app')
    const { defaultBranch: branch } = await service.openRepository(created.id)
    await service.importFiles(created.id, branch, [
      { path: 'src/util.ts', bytes: enc('first\n') },
      { path: 'other.ts', bytes: enc('second\n') },
    ])
    const handle = await disk.repo.find<RepositoryDoc>(created.url)
    const updates: { paths: string[]; problem?: string; renamed?: string[] }[] = []
    await service.watchTree(created.id, branch, (entries, problem, renamed) => {
      updates.push({
        paths: entries.map((e) => e.path),
        problem,
        renamed: renamed?.map((r) => `${r.from} -> ${r.to}`),
      })
    })
    // As a concurrent peer's change arrives: the other file's entry now at src/util.ts.
    handle.change((d) => {
      const tree = d.branches[branch].tree
      const [id] = Object.entries(tree).find(([, e]) => String(e.path) === 'other.ts')!
      ;(tree[id] as { path: unknown }).path = 'src/util.ts'
    })
    const last = updates.at(-1)!
    expect(last.problem).toBeUndefined()
    expect(last.paths).toHaveLength(2)
    expect(last.renamed).toHaveLength(1)
    expect(last.renamed![0]).toMatch(/^src\/util\.ts -> src\/util \(conflict [0-9a-f]{6}\)\.ts$/)
    const zip = unzipSync(await service.exportZip(created.id, branch))
    expect(Object.values(zip).map(dec).sort()).toEqual(['first\n', 'second\n'])
    expect((await service.runFiles(created.id, branch)).map((f) => f.path)).toEqual(last.paths)
    expect((await service.indexManifest(created.id, branch)).map((f) => f.path)).toEqual(last.paths)
  })
})

describe('weft checkout and sync: two peers on a relay created one path at once', () => {
  it('checkout writes both files (exit 0, one stderr line naming the renamed entry); an edit to it syncs back', async () => {
    const relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
    const home = tempDir('weft-collide-home-')
    const dir = join(tempDir('weft-collide-out-'), 'work')
    const me = (args: string[], stdin = '') => weft(home, [...args, '--relay', relay.url], stdin)
    const profile = await Profile.open(home, [relay.url])
    const { url } = profile.catalog.create('shared')
    await profile.close()
    expect((await me(['write', 'README.md'], '# shared\n')).code).toBe(0)
    const onRelay = (docId: string) =>
      relay.repo.handles[docId as DocumentId]?.doc() as RepositoryDoc | undefined
    const docId = url.slice('automerge:'.length)

    // The peer parts with the document as it is on the relay; each side then creates src/util.ts.
    const peer = new Repo({ network: [], sharePolicy: async () => true })
    try {
      const ws = new Workspace(
        peer,
        peer.import<RepositoryDoc>(A.save(onRelay(docId)!), { docId: docId as DocumentId }),
      )
      const branch = ws.handle.doc().defaultBranch
      await ws.createFile(branch, 'src/util.ts', enc('from the peer\n'))
      expect((await me(['write', 'src/util.ts'], 'from the CLI\n')).code).toBe(0)
      peer.networkSubsystem.addNetworkAdapter(
        new WebSocketClientAdapter(`${relay.url.replace('http', 'ws')}/sync`),
      )
      const packs = Object.values(ws.handle.doc().blobs).map((u) => String(u).slice('automerge:'.length))
      await expect
        .poll(() => Object.keys(onRelay(docId)?.branches[branch].tree ?? {}).length, { timeout: 15_000 })
        .toBe(3)
      await expect.poll(() => packs.every((p) => onRelay(p) !== undefined), { timeout: 15_000 }).toBe(true)

      const result = await me(['checkout', dir])
      expect(result.code).toBe(0)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(
        /^weft checkout: "src\/util\.ts" \(entry "[0-9a-f-]+"\) is shown as "src\/util \(conflict [0-9a-f]{6}\)\.ts": entry "[0-9a-f-]+" has the same path\.$/,
      )
      const names = readdirSync(join(dir, 'src')).sort()
      expect(names).toHaveLength(2)
      expect(names.map((n) => readFileSync(join(dir, 'src', n), 'utf8')).sort()).toEqual([
        'from the CLI\n',
        'from the peer\n',
      ])

      // The person edits the renamed copy in the folder and syncs: it lands on that entry, at the name they saw.
      const shownName = names.find((n) => n.includes('(conflict'))!
      writeFileSync(join(dir, 'src', shownName), 'edited in the folder\n')
      const synced = await me(['sync', dir])
      expect(synced.code).toBe(0)
      expect(synced.errors[0]).toMatch(/^weft sync: "src\/util\.ts" .* is shown as /)
      await expect
        .poll(async () => (await files(ws, branch))[`src/${shownName}`], { timeout: 15_000 })
        .toBe('edited in the folder\n')
      expect(Object.keys(await files(ws, branch)).sort()).toEqual([
        'README.md',
        `src/${shownName}`,
        'src/util.ts',
      ])
      expect(ws.view(branch).renamed).toEqual([])
    } finally {
      await shutdownRepo(peer)
      await relay.close()
    }
  }, 60_000)
})
