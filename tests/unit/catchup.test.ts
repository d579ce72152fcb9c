import '@automerge/automerge-repo'
import { afterEach, expect, it } from 'vitest'
import { Repo, type AutomergeUrl, type DocumentId } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { flushReady, shutdownRepo } from '../../src/repo/flush.ts'
import { tempDir } from './helpers.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f()
})

async function relay(): Promise<Relay> {
  const r = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: tempDir(),
    maxMessageBytes: 64 << 20,
    messagesPerSecond: 1000,
    log: () => {},
  })
  cleanups.push(() => r.close())
  return r
}

it('after a restart, loadEverything hands a relay the documents it never received', async () => {
  const profile = tempDir()
  // Offline: a repository with files is created and stored locally only.
  const offline = new Repo({ storage: new NodeFSStorageAdapter(profile), network: [] })
  const service = createRepoService(offline, new NodeFSStorageAdapter(profile))
  const created = await service.createRepository('offline-work')
  const ws = await Workspace.open(offline, created.url)
  await ws.importFiles(ws.branches()[0].id, [
    { path: 'a.txt', bytes: new TextEncoder().encode('made offline') },
  ])
  await flushReady(offline)
  await shutdownRepo(offline)

  // Back online, nothing loaded yet: the relay learns of nothing until the documents are loaded.
  const r = await relay()
  const storage = new NodeFSStorageAdapter(profile)
  const online = new Repo({
    storage,
    network: [new WebSocketClientAdapter(`${r.url.replace('http', 'ws')}/sync`)],
  })
  cleanups.push(() => shutdownRepo(online))
  const visited = await createRepoService(online, storage).loadEverything()
  expect(visited).toBe(1) // the one blob pack

  // A stranger with only the link reads the file through the relay.
  const stranger = new Repo({ network: [new WebSocketClientAdapter(`${r.url.replace('http', 'ws')}/sync`)] })
  cleanups.push(() => shutdownRepo(stranger))
  const pack = ws.documentUrls()[0]
  await expect
    .poll(() => r.repo.handles[pack.slice('automerge:'.length) as DocumentId]?.isReady() ?? false)
    .toBe(true)
  const theirs = await Workspace.open(stranger, created.url)
  const main = theirs.branches()[0].id
  expect(new TextDecoder().decode(await theirs.readBytes(main, theirs.entries(main)[0].id))).toBe(
    'made offline',
  )
})

it('flushReady and shutdownRepo skip documents that are still being looked for', async () => {
  const repo = new Repo({ storage: new NodeFSStorageAdapter(tempDir()), network: [] })
  cleanups.push(() => shutdownRepo(repo))
  const doc = repo.create({ a: 1 })
  void repo.find('automerge:2fLCE3xxo8rnmi4NDnDFyHkzfhuk' as AutomergeUrl).catch(() => undefined)
  await expect(flushReady(repo)).resolves.toBeUndefined()
  await expect(repo.flush()).rejects.toThrow('not ready') // what flushReady protects against
  expect(doc.isReady()).toBe(true)
})
