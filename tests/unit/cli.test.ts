import '@automerge/automerge-repo'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { createRepoService, type RepoService } from '../../src/services/RepoService.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { shareLink } from '../../src/sync/links.ts'
import type { RepositoryDoc } from '../../src/model/types.ts'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'

describe('weft CLI against a relay', () => {
  let relay: Relay
  let app: { repo: Repo; service: RepoService; doc: () => RepositoryDoc }
  let link: string
  const home = tempDir('weft-cli-')

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
    // The browser side, as the app's worker runs it: a profile syncing through the relay.
    const dir = tempDir()
    const storage = new NodeFSStorageAdapter(dir)
    const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
    const relays = new Relays(repo, storage)
    await relays.start([relay.url])
    const service = createRepoService(repo, storage, relays)
    const created = await service.createRepository('shared')
    const info = await service.openRepository(created.id)
    await service.importFiles(created.id, info.defaultBranch, [
      { path: 'README.md', bytes: new TextEncoder().encode('# Shared\n') },
    ])
    await vi.waitFor(() => expect(relays.statuses()[0]?.pending).toBe(0), { timeout: 10_000 })
    app = {
      repo,
      service,
      doc: () => repo.handles[created.url.slice('automerge:'.length) as never].doc() as RepositoryDoc,
    }
    link = shareLink(`${relay.url}/`, created.url, info.defaultBranch, relays.statuses()[0].url)
  })

  afterAll(async () => {
    await shutdownRepo(app.repo)
    await relay.close()
  })

  it('clones a shared link and reads files', async () => {
    expect(await weft(home, ['clone', link, '--add-relay'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('Cloned shared'),
    })
    expect(await weft(home, ['ls'])).toMatchObject({ code: 0, out: 'README.md\n' })
    expect(await weft(home, ['cat', 'README.md'])).toMatchObject({ code: 0, out: '# Shared\n' })
    const listed = JSON.parse((await weft(home, ['ls', '--json'])).out)
    expect(listed).toEqual([expect.objectContaining({ path: 'README.md', type: 'file' })])
  })

  it('writes, commits, and the app sees the commit through the relay', async () => {
    const asAgent = ['--author', 'agent-7']
    expect(
      await weft(home, ['write', 'src/agent.ts', ...asAgent], 'export const fromAgent = true\n'),
    ).toMatchObject({ code: 0, errors: [] })
    // Nothing was committed yet in this repository: both files are new, and README.md is the app's person's.
    expect(
      JSON.parse((await weft(home, ['status', '--json', ...asAgent])).out).map(
        (c: { kind: string; path: string; owner: string }) => `${c.kind} ${c.path} ${c.owner}`,
      ),
    ).toEqual(['added README.md others', 'added src/agent.ts yours'])
    // Another agent on the same profile commits nothing of agent-7's by accident.
    expect(await weft(home, ['commit', '-m', 'not mine', '--author', 'agent-8'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('Nothing of yours to commit')],
    })
    const committed = await weft(home, ['commit', '-m', 'agent work', ...asAgent, '--include', 'README.md'])
    expect(committed).toMatchObject({ code: 0, errors: [] })
    await expect
      .poll(() => Object.values(app.doc().commits).map((c) => `${c.author}: ${c.message}`))
      .toEqual(['agent-7: agent work'])
    expect((await weft(home, ['log'])).out).toContain('agent work')
  })

  it('branches, merges (fast-forward and with conflicts) with the documented exit codes', async () => {
    expect((await weft(home, ['branch', 'create', 'feature'])).code).toBe(0)
    await weft(home, ['write', 'README.md'], '# Shared, from feature\n')
    await weft(home, ['commit', '-m', 'feature readme'])
    expect((await weft(home, ['branch', 'switch', 'main'])).code).toBe(0)
    expect((await weft(home, ['merge', 'feature'])).out).toMatch(/^Fast-forwarded to/)
    expect((await weft(home, ['cat', 'README.md'])).out).toBe('# Shared, from feature\n')

    await weft(home, ['branch', 'create', 'other'])
    await weft(home, ['write', 'README.md'], '# other\n')
    await weft(home, ['commit', '-m', 'other'])
    await weft(home, ['branch', 'switch', 'main'])
    await weft(home, ['write', 'README.md'], '# main\n')
    await weft(home, ['commit', '-m', 'main'])
    const conflicted = await weft(home, ['merge', 'other', '--json'])
    expect(conflicted.code).toBe(1)
    expect(JSON.parse(conflicted.out)).toMatchObject({
      kind: 'conflicts',
      conflicts: [{ kind: 'content', path: 'README.md' }],
    })
    const branches = JSON.parse((await weft(home, ['branch', '--json'])).out) as {
      name: string
      current: boolean
    }[]
    expect(branches.find((b) => b.current)?.name).toBe('main')
  })

  it('refuses bad input with exit 2 and one clear line', async () => {
    expect(await weft(home, ['cat', 'missing.txt'])).toMatchObject({
      code: 2,
      errors: ['weft cat: No file "missing.txt" on this branch.'],
    })
    expect(await weft(home, ['write', '../escape'], 'x')).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('cannot point outside')],
    })
    expect(await weft(home, ['clone', 'not-a-link'])).toMatchObject({ code: 2 })
    expect(await weft(home, ['frobnicate'])).toMatchObject({ code: 2 })
    expect(await weft(home, ['commit'])).toMatchObject({
      code: 2,
      errors: ['weft commit: A commit needs a message.'],
    })
  })
})

describe('weft revert and restore', () => {
  it('reverts by commit prefix and restores a file from an earlier commit', async () => {
    const home = tempDir('weft-cli-offline-')
    const relayless = async (args: string[], stdin = '') => weft(home, args, stdin)
    // A profile with no relay works alone; its one repository is made through the catalog.
    const profile = await Profile.open(home)
    profile.catalog.create('solo')
    await profile.close()
    expect((await relayless(['write', 'notes.txt'], 'v1\n')).code).toBe(0)
    await relayless(['commit', '-m', 'v1'])
    await relayless(['write', 'notes.txt'], 'v2\n')
    await relayless(['commit', '-m', 'v2'])
    const log = JSON.parse((await relayless(['log', '--json'])).out) as { id: string; message: string }[]
    const [v2, v1] = log
    expect((await relayless(['revert', v2.id.slice(0, 8)])).out).toMatch(/^Reverted as/)
    expect((await relayless(['cat', 'notes.txt'])).out).toBe('v1\n')
    await relayless(['write', 'notes.txt'], 'v3\n')
    await relayless(['commit', '-m', 'v3'])
    expect((await relayless(['restore', 'notes.txt', '--from', v1.id])).code).toBe(0)
    expect((await relayless(['cat', 'notes.txt'])).out).toBe('v1\n')
    expect(await relayless(['restore', 'notes.txt'])).toMatchObject({
      code: 2,
      errors: ['weft restore: Say which commit with --from COMMIT.'],
    })
  })
})
