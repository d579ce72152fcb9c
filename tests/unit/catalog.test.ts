import '@automerge/automerge-repo'
import { describe, expect, it, vi } from 'vitest'
import { Catalog } from '../../src/repo/Catalog.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { diskRepo } from './helpers.ts'

describe('Catalog', () => {
  it('creates, renames and removes repositories, and survives a restart', async () => {
    const disk = diskRepo()
    const catalog = await Catalog.load(disk.repo, disk.storage)
    const a = catalog.create('alpha')
    const b = catalog.create('beta')
    await catalog.rename(a.id, '  gamma ')
    expect(catalog.list().map((r) => r.name)).toEqual(['beta', 'gamma'])
    expect((await catalog.workspace(a.id)).name).toBe('gamma')
    await expect(catalog.rename(b.id, '   ')).rejects.toThrow('needs a name')
    await catalog.remove(b.id)
    expect(catalog.list().map((r) => r.name)).toEqual(['gamma'])
    await disk.repo.flush()
    await disk.repo.shutdown()

    const again = disk.reopen()
    const reloaded = await Catalog.load(again.repo, again.storage)
    expect(reloaded.list().map((r) => [r.name, r.url])).toEqual([['gamma', a.url]])
    expect((await reloaded.workspace(a.id)).name).toBe('gamma')
    await again.repo.shutdown()
  })

  it('adds a shared repository once', async () => {
    const disk = diskRepo()
    const catalog = await Catalog.load(disk.repo, disk.storage)
    const a = catalog.create('alpha')
    const other = await Catalog.load(disk.repo, disk.storage)
    expect(other.handle.url).toBe(catalog.handle.url)
    expect((await catalog.add(a.url)).id).toBe(a.id)
    await disk.repo.shutdown()
  })
})

describe('RepoService watchers', () => {
  it('a window callback that rejects is reported, not left as an unhandled rejection', async () => {
    const disk = diskRepo()
    const service = createRepoService(disk.repo, disk.storage)
    const created = await service.createRepository('watched')
    const info = await service.openRepository(created.id)
    const seen: number[] = []
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    await service.watchTree(created.id, info.defaultBranch, (entries) => {
      seen.push(entries.length)
      return Promise.reject(new Error('Unserializable return value'))
    })
    await service.createFile(created.id, info.defaultBranch, 'a.txt')
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2))
    expect(seen).toEqual([0, 1])
    warn.mockRestore()
  })
})
