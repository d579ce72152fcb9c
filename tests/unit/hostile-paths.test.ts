/**
 * A peer (anyone with the repository link) writes the repository document directly, through the same
 * Automerge API every peer syncs with, and plants tree entries whose paths escape or poison a folder.
 * Checkout, sync, export, the app's tree and merges must refuse the whole tree, name the entry, and
 * write nothing. Paths valid alone that merely collide (what two peers creating one file at once give)
 * are not an attack: every entry is kept, one at a disambiguated name.
 */
import '@automerge/automerge-repo'
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Repo } from '@automerge/automerge-repo'
import { zipSync } from 'fflate'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import type { DocumentId } from '@automerge/automerge-repo'
import { beforeEach, describe, expect, it } from 'vitest'
import { startRelay } from '../../relay/server.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { readZip, writeZip } from '../../src/repo/archive.ts'
import { snapshotAt } from '../../src/repo/history.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import type { RepositoryDoc } from '../../src/model/types.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { diskRepo, tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'

/** Tree entries a peer adds, by entry id; each uses the blob of an existing file so the content is readable. */
type Planted = Record<string, string>

/** As a peer would: a raw change to the repository document, no Weft API in between. */
function plant(doc: RepositoryDoc, branch: string, planted: Planted): void {
  const tree = doc.branches[branch].tree
  const donor = Object.values(tree).find((e) => e.type === 'file')!
  if (donor.type !== 'file') throw new Error('no file to borrow a blob from')
  for (const [id, path] of Object.entries(planted))
    (tree as Record<string, unknown>)[id] = {
      type: 'file',
      path,
      blob: String(donor.blob),
      size: donor.size,
      binary: false,
    }
}

/** The paths the branch holds, read raw from the document (no checks), to see what a command sent. */
async function rawPaths(home: string): Promise<string[]> {
  const profile = await Profile.open(home)
  const summary = profile.pick()
  const { ws } = await profile.open(summary)
  const paths = Object.values(ws.handle.doc().branches[profile.currentBranch(ws, summary.id)].tree)
    .map((e) => String(e.path))
    .sort()
  await profile.close()
  return paths
}

async function asPeer(home: string, planted: Planted) {
  const profile = await Profile.open(home)
  const summary = profile.pick()
  const { ws } = await profile.open(summary)
  const branch = profile.currentBranch(ws, summary.id)
  ws.handle.change((d) => plant(d, branch, planted))
  await profile.close()
}

/** Every file under `dir` with its content, for "nothing changed" checks. */
function contents(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {}
  const out: Record<string, string> = {}
  const walk = (rel: string) => {
    for (const e of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (e.isDirectory()) walk(path)
      else out[path] = readFileSync(join(dir, path), 'utf8')
    }
  }
  walk('')
  return out
}

const attacks: { name: string; planted: (outside: string) => Planted; message: RegExp }[] = [
  {
    name: 'a parent path ../x',
    planted: () => ({ 'evil-parent': '../x' }),
    message: /entry "evil-parent" at "\.\.\/x": .*"\.\."/,
  },
  {
    name: 'an absolute path',
    planted: (outside) => ({ 'evil-absolute': join(outside, 'abs') }),
    message: /entry "evil-absolute" at "\/.*\/abs": .*starts with "\/"/,
  },
  {
    name: 'a path climbing out from a folder, a/../../x',
    planted: () => ({ 'evil-climb': 'a/../../x' }),
    message: /entry "evil-climb" at "a\/\.\.\/\.\.\/x"/,
  },
  {
    name: 'a git hook, .git/hooks/post-checkout',
    planted: () => ({ 'evil-hook': '.git/hooks/post-checkout' }),
    message: /entry "evil-hook" at "\.git\/hooks\/post-checkout": .*treat as "\.git"/,
  },
  {
    name: 'a git hook spelled for Windows, .GIT./hooks/x',
    planted: () => ({ 'evil-ntfs': '.GIT./hooks/x' }),
    message: /entry "evil-ntfs" at "\.GIT\.\/hooks\/x"/,
  },
  {
    name: 'a git hook spelled for HFS+, .g\u200cit/config',
    planted: () => ({ 'evil-hfs': '.g\u200cit/config' }),
    message: /entry "evil-hfs" at "\.g\\u\{200c\}it\/config"/,
  },
  {
    name: 'a control character',
    planted: () => ({ 'evil-bell': 'bell\u0007\u001b[2J.txt' }),
    message: /entry "evil-bell" at "bell\\u\{7\}\\u\{1b\}\[2J\.txt": .*control characters/,
  },
]

/**
 * Paths each valid alone that collide with another entry: two peers creating one file at once gives
 * these, so they are not refused; every entry is written, one at a disambiguated name, and said so.
 */
const collisions: { name: string; planted: Planted; shown: string[]; notice: RegExp }[] = [
  {
    name: 'two entries on one path, README.md',
    planted: { 'peer-dup': 'README.md' },
    shown: ['README (conflict peerdu).md', 'README.md'],
    notice:
      /"README\.md" \(entry "peer-dup"\) is shown as "README \(conflict peerdu\)\.md": entry ".+" has the same path\./,
  },
  {
    name: 'names that differ only in case, A.txt and a.txt',
    planted: { 'peer-upper': 'A.txt', 'peer-lower': 'a.txt' },
    shown: ['A (conflict peerup).txt', 'README.md', 'a.txt'],
    notice:
      /"A\.txt" \(entry "peer-upper"\) is shown as "A \(conflict peerup\)\.txt": "a\.txt" \(entry "peer-lower"\) is the same name on a case-insensitive file system\./,
  },
  {
    name: 'a file where another entry needs a folder, in another case',
    planted: { 'peer-file': 'Docs', 'peer-inside': 'docs/x.md' },
    shown: ['Docs (conflict peerfi)', 'README.md', 'docs/x.md'],
    notice:
      /"Docs" \(entry "peer-file"\) is shown as "Docs \(conflict peerfi\)": "Docs" is a file, but another entry needs a folder there\./,
  },
]

describe('a peer plants bad paths in the branch; the CLI refuses the whole tree', () => {
  let home: string
  let dir: string
  let outside: string

  beforeEach(async () => {
    home = tempDir('weft-hostile-home-')
    outside = tempDir('weft-hostile-outside-')
    dir = join(outside, 'work')
    const profile = await Profile.open(home)
    profile.catalog.create('victim')
    await profile.close()
    await weft(home, ['write', 'README.md'], '# Victim\n')
  })

  it.each(attacks)(
    'checkout DIR with $name exits 2, names the entry, and creates nothing',
    async ({ planted, message }) => {
      await asPeer(home, planted(outside))
      const result = await weft(home, ['checkout', dir])
      expect(result.code).toBe(2)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(
        /^weft checkout: Branch "main" has an entry that cannot be used, so nothing was written: /,
      )
      expect(result.errors[0]).toMatch(message)
      expect(existsSync(dir)).toBe(false)
      expect(readdirSync(outside)).toEqual([])
      expect(existsSync(join(outside, '..', 'x'))).toBe(false)
    },
  )

  it.each(attacks)(
    'sync DIR with $name exits 2 and writes nothing inside or outside DIR',
    async ({ planted, message }) => {
      expect((await weft(home, ['checkout', dir])).code).toBe(0)
      writeFileSync(join(outside, 'x'), "the victim's own file\n")
      writeFileSync(join(dir, 'local.txt'), 'made in the folder, not yet sent\n')
      const before = { inside: contents(dir), outside: contents(outside) }
      await asPeer(home, planted(outside))
      const result = await weft(home, ['sync', dir])
      expect(result.code).toBe(2)
      expect(result.errors[0]).toMatch(message)
      expect({ inside: contents(dir), outside: contents(outside) }).toEqual(before)
      expect(existsSync(join(outside, '..', 'x'))).toBe(false)
      // The folder's own change was not sent to the branch either: the command stopped before any work.
      expect(await rawPaths(home)).not.toContain('local.txt')
      expect((await weft(home, ['ls'])).code).toBe(2)
    },
  )

  it('a branch entry .WEFT/checkout.json (the manifest, on a case-insensitive file system) is left out of the folder', async () => {
    expect((await weft(home, ['checkout', dir])).code).toBe(0)
    const manifest = readFileSync(join(dir, '.weft/checkout.json'), 'utf8')
    await asPeer(home, { 'evil-manifest': '.WEFT/checkout.json', 'evil-modules': 'Node_Modules/x.js' })
    const result = await weft(home, ['checkout', dir, '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.out).changes).toEqual([
      {
        kind: 'refused',
        path: '.WEFT/checkout.json',
        reason: 'lies in a .weft or node_modules folder, which checkouts leave out.',
      },
      {
        kind: 'refused',
        path: 'Node_Modules/x.js',
        reason: 'lies in a .weft or node_modules folder, which checkouts leave out.',
      },
    ])
    expect(readdirSync(dir).sort()).toEqual(['.weft', 'README.md'])
    expect(JSON.parse(readFileSync(join(dir, '.weft/checkout.json'), 'utf8'))).toEqual(JSON.parse(manifest))
  })

  it('a link in the folder is never written through: sub -> outside, and the peer adds sub/x', async () => {
    expect((await weft(home, ['checkout', dir])).code).toBe(0)
    const target = tempDir('weft-hostile-link-target-')
    symlinkSync(target, join(dir, 'sub'))
    await asPeer(home, { 'peer-sub': 'sub/x' })
    const result = await weft(home, ['sync', dir])
    expect(result.out).toContain('✗ sub: is a symbolic link; links are not followed.')
    expect(result.out).toContain(
      '✗ sub/x: is beyond a symbolic link ("sub") in the folder, so the branch\'s file was not written.',
    )
    expect(readdirSync(target)).toEqual([])
    expect(statSync(join(dir, 'sub'), { throwIfNoEntry: false })).toBeDefined()
  })

  // These were refused whole (exit 2) before: a normal concurrent outcome bricked the branch for everyone.
  it.each(collisions)(
    'checkout DIR with $name exits 0, writes every entry (one disambiguated) and names it on stderr',
    async ({ planted, shown, notice }) => {
      await asPeer(home, planted)
      const result = await weft(home, ['checkout', dir])
      expect(result.code).toBe(0)
      expect(result.errors).toHaveLength(1)
      expect(result.errors[0]).toMatch(/^weft checkout: /)
      expect(result.errors[0]).toMatch(notice)
      const written = Object.entries(contents(dir)).filter(([path]) => !path.startsWith('.weft/'))
      expect(written.map(([path]) => path).sort()).toEqual(shown.sort())
      expect(new Set(written.map(([, text]) => text))).toEqual(new Set(['# Victim\n']))
    },
  )

  it.each(collisions)(
    "sync DIR with $name exits 0, writes every entry and sends the folder's own change",
    async ({ planted, shown, notice }) => {
      expect((await weft(home, ['checkout', dir])).code).toBe(0)
      writeFileSync(join(dir, 'local.txt'), 'made in the folder\n')
      await asPeer(home, planted)
      const result = await weft(home, ['sync', dir])
      expect(result.code).toBe(0)
      expect(result.errors[0]).toMatch(notice)
      expect(
        Object.keys(contents(dir))
          .filter((path) => !path.startsWith('.weft/'))
          .sort(),
      ).toEqual([...shown, 'local.txt'].sort())
      expect(await rawPaths(home)).toContain('local.txt')
    },
  )
})

describe('through a real relay: a second peer with only the link plants ../x', () => {
  it("the victim's `weft checkout DIR` exits 2 naming the entry, and nothing is written", async () => {
    const relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
    const home = tempDir('weft-hostile-relay-home-')
    const outside = tempDir('weft-hostile-relay-outside-')
    const dir = join(outside, 'work')
    const victim = (args: string[], stdin = '') => weft(home, [...args, '--relay', relay.url], stdin)
    const profile = await Profile.open(home, [relay.url])
    const { url } = profile.catalog.create('victim')
    await profile.close()
    expect((await victim(['write', 'README.md'], '# Victim\n')).code).toBe(0)

    // The attacker: a plain automerge-repo client on the relay, holding nothing but the repository URL.
    const attacker = new Repo({
      network: [new WebSocketClientAdapter(`${relay.url.replace('http', 'ws')}/sync`)],
    })
    try {
      const handle = await attacker.find<RepositoryDoc>(url)
      await expect
        .poll(() => Object.keys(handle.doc().branches[handle.doc().defaultBranch].tree).length, {
          timeout: 10_000,
        })
        .toBe(1)
      handle.change((d) => plant(d, d.defaultBranch, { 'evil-relayed': '../x' }))
      const onRelay = () =>
        relay.repo.handles[url.slice('automerge:'.length) as DocumentId]?.doc() as RepositoryDoc | undefined
      await expect
        .poll(
          () =>
            Object.keys(onRelay()?.branches[onRelay()!.defaultBranch].tree ?? {}).includes('evil-relayed'),
          { timeout: 10_000 },
        )
        .toBe(true)

      const result = await victim(['checkout', dir])
      expect(result.code).toBe(2)
      expect(result.errors[0]).toMatch(/entry "evil-relayed" at "\.\.\/x"/)
      expect(readdirSync(outside)).toEqual([])
    } finally {
      await shutdownRepo(attacker)
      await relay.close()
    }
  }, 30_000)
})

/** A repository in memory, one file committed, as the app's worker holds it. */
async function repository() {
  const disk = diskRepo()
  const service = createRepoService(disk.repo, disk.storage)
  const created = await service.createRepository('victim')
  const info = await service.openRepository(created.id)
  await service.importFiles(created.id, info.defaultBranch, [
    { path: 'README.md', bytes: new TextEncoder().encode('# Victim\n') },
  ])
  const handle = await disk.repo.find<RepositoryDoc>(created.url)
  return { service, id: created.id, branch: info.defaultBranch, handle }
}

describe("the app refuses a peer's bad paths", () => {
  it('zip export of a branch carrying ../ and /etc/ entries throws naming the entry; no archive is made (no zip slip)', async () => {
    const r = await repository()
    r.handle.change((d) => plant(d, r.branch, { 'evil-slip': '../../.bashrc', 'evil-etc': '/etc/cron.d/x' }))
    await expect(r.service.exportZip(r.id, r.branch)).rejects.toThrow(
      /entry "evil-(slip|etc)" at "(\.\.\/\.\.\/\.bashrc|\/etc\/cron\.d\/x)"/,
    )
  })

  it('writeZip itself refuses a bad or colliding path', () => {
    const bytes = new Uint8Array([1])
    expect(() => writeZip([{ path: '../x', bytes }])).toThrow(
      /The export has an entry that cannot be used.*"\.\.\/x"/,
    )
    expect(() =>
      writeZip([
        { path: 'A.txt', bytes },
        { path: 'a.txt', bytes },
      ]),
    ).toThrow(/collides with "A\.txt"/)
    expect(writeZip([{ path: 'ok/a.txt', bytes }]).length).toBeGreaterThan(0)
  })

  it('zip import refuses ../, absolute and .git-like entries by name, leaves a .git folder out and keeps the rest', () => {
    const zip = zipSync({
      '../evil.sh': new Uint8Array([1]),
      '/etc/x': new Uint8Array([2]),
      // A checkout's own git folder (as in a download as git) is git's, not working files: left out.
      '.git/config': new Uint8Array([3]),
      // Other spellings file systems take for .git are refused by name.
      '.GIT/hooks/post-checkout': new Uint8Array([5]),
      'ok.txt': new Uint8Array([4]),
    })
    const { files, refused } = readZip(zip)
    expect(files.map((f) => f.path)).toEqual(['ok.txt'])
    expect(refused.map((r) => r.path).sort()).toEqual(['../evil.sh', '.GIT/hooks/post-checkout', '/etc/x'])
  })

  it('the explorer gets no entries and a message naming the bad entry, rather than a crash', async () => {
    const r = await repository()
    const updates: { paths: string[]; problem?: string }[] = []
    await r.service.watchTree(r.id, r.branch, (entries, problem) => {
      updates.push({ paths: entries.map((e) => e.path), problem })
    })
    r.handle.change((d) => plant(d, r.branch, { 'evil-parent': '../x' }))
    expect(updates[0]).toEqual({ paths: ['README.md'], problem: undefined })
    expect(updates.at(-1)!.paths).toEqual([])
    expect(updates.at(-1)!.problem).toMatch(/entry "evil-parent" at "\.\.\/x"/)
  })
})

describe('paths read from commits and merges', () => {
  it('a commit a peer wrote with ../x is refused when its snapshot is read', async () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'victim')
    const vc = new VersionControl(ws)
    const main = ws.branches()[0].id
    await ws.importFiles(main, [{ path: 'a.txt', bytes: new TextEncoder().encode('a\n') }])
    const head = await vc.commit(main, 'start', 'ada')
    ws.handle.change((d) => {
      const file = d.commits[head].tree!
      const id = Object.keys(file)[0]
      ;(d.commits as Record<string, unknown>)['evil-commit'] = {
        parents: [head],
        message: 'x',
        author: 'mallory',
        time: Date.now(),
        depth: 1,
        changes: { [id]: { path: '../x', blob: String(file[id].blob), size: 2, binary: false } },
      }
      d.branches[main].head = 'evil-commit'
    })
    expect(() => snapshotAt(ws.handle.doc().commits, 'evil-commit')).toThrow(
      /Commit "evil-com" has an entry that cannot be used.*"\.\.\/x"/,
    )
    expect(() => vc.createBranch('copy', 'evil-commit')).toThrow(/"\.\.\/x"/)
    expect(ws.branches().map((b) => b.name)).toEqual(['main'])
  })

  it('a merge whose sides add A.txt and a.txt reports an add/add conflict instead of a tree macOS cannot hold', async () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'm')
    const vc = new VersionControl(ws)
    const main = ws.branches()[0].id
    await ws.importFiles(main, [{ path: 'base.txt', bytes: new TextEncoder().encode('b\n') }])
    const base = await vc.commit(main, 'base', 'ada')
    const feature = vc.createBranch('feature', base)
    await ws.importFiles(main, [{ path: 'A.txt', bytes: new TextEncoder().encode('ours\n') }])
    await vc.commit(main, 'ours', 'ada')
    await ws.importFiles(feature, [{ path: 'a.txt', bytes: new TextEncoder().encode('theirs\n') }])
    await vc.commit(feature, 'theirs', 'bob')
    const outcome = await vc.merge(main, feature, 'ada')
    expect(outcome.kind).toBe('conflicts')
    if (outcome.kind === 'conflicts')
      expect(outcome.conflicts.map((c) => `${c.kind} ${c.path}`)).toEqual(['add/add A.txt'])
  })

  it('restoring A.txt from a commit while the branch now has a.txt is refused, the branch unchanged', async () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'r')
    const vc = new VersionControl(ws)
    const main = ws.branches()[0].id
    await ws.importFiles(main, [{ path: 'A.txt', bytes: new TextEncoder().encode('old\n') }])
    const first = await vc.commit(main, 'A', 'ada')
    ws.remove(main, 'A.txt')
    await ws.importFiles(main, [{ path: 'a.txt', bytes: new TextEncoder().encode('new\n') }])
    expect(() => vc.restoreFile(main, first, 'A.txt')).toThrow(
      /Restoring it has an entry that cannot be used.*collides with "a\.txt"/,
    )
    expect(ws.entries(main).map((e) => e.path)).toEqual(['a.txt'])
  })

  it('the workspace itself refuses to create a name that differs only in case from an existing one', async () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'w')
    const main = ws.branches()[0].id
    await ws.createFile(main, 'src/A.txt')
    await expect(ws.createFile(main, 'src/a.txt')).rejects.toThrow(/differ only in case/)
    await expect(ws.createFile(main, 'SRC/b.txt')).rejects.toThrow(/differs only in case/)
    const report = await ws.importFiles(main, [
      { path: 'Src/c.txt', bytes: new Uint8Array() },
      { path: 'src/a.TXT', bytes: new Uint8Array() },
    ])
    expect(report.refused.map((r) => r.path)).toEqual(['Src/c.txt', 'src/a.TXT'])
    ws.move(main, 'src/A.txt', 'src/a.txt')
    expect(ws.entries(main).map((e) => e.path)).toEqual(['src/a.txt'])
  })
})
