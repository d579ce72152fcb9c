import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { Catalog } from '../../src/repo/Catalog.ts'
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
