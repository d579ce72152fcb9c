import { describe, expect, it } from 'vitest'
import * as Comlink from 'comlink'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { engineFileMerger } from '../../src/merge/fileMerger.ts'
import { loadMergeEngine } from '../../src/merge/nodeEngine.ts'
import type { MergeWorkerApi } from '../../src/merge/workerApi.ts'
import { diskRepo } from './helpers.ts'

const BASE = 'export function a() {\n  return 1\n}\n'
const text = (s: string) => new TextEncoder().encode(s)

/** A service with one repository whose branches both add a function at the end of one file. */
async function divergent() {
  const disk = diskRepo()
  const service = createRepoService(disk.repo, disk.storage)
  const { id, url } = await service.createRepository('engine')
  const ws = await Workspace.open(disk.repo, url)
  const vc = new VersionControl(ws)
  const main = ws.branches()[0].id
  await ws.importFiles(main, [{ path: 'lib.ts', bytes: text(BASE) }])
  const feature = vc.createBranch('feature', await vc.commit(main, 'base', 'ada'))
  await ws.importFiles(main, [
    { path: 'lib.ts', bytes: text(`${BASE}\nexport function b() {\n  return 2\n}\n`) },
  ])
  await vc.commit(main, 'b', 'ada')
  await ws.importFiles(feature, [
    { path: 'lib.ts', bytes: text(`${BASE}\nexport function c() {\n  return 3\n}\n`) },
  ])
  await vc.commit(feature, 'c', 'bob')
  const read = async () =>
    new TextDecoder().decode(await ws.readBytes(main, ws.entries(main).find((e) => e.path === 'lib.ts')!.id))
  return { service, id, main, feature, read }
}

/** A merge worker's port, served in-process as workers/merge.worker.ts serves it. */
function enginePort(api: MergeWorkerApi): MessagePort {
  const channel = new MessageChannel()
  Comlink.expose(api, channel.port1)
  return channel.port2
}

describe('branch merges through a merge engine', () => {
  it('merges with the engine behind a port: both added functions kept, where the line merge conflicts', async () => {
    const r = await divergent()
    const engine = await loadMergeEngine()
    const outcome = await r.service.merge(r.id, r.main, r.feature, 'ada', {
      engine: enginePort({ merge: (input) => engine.mergeAsync(input) }),
    })
    expect(outcome.kind).toBe('merged')
    const merged = await r.read()
    expect(merged).toContain('export function b()')
    expect(merged).toContain('export function c()')
    expect(merged.indexOf('function b')).toBeLessThan(merged.indexOf('function c'))

    const lineOnly = await divergent()
    expect((await lineOnly.service.merge(lineOnly.id, lineOnly.main, lineOnly.feature, 'ada')).kind).toBe(
      'conflicts',
    )
  })

  it('a cancelled merge writes nothing and says so', async () => {
    const r = await divergent()
    const before = await r.read()
    let started!: () => void
    const asked = new Promise<void>((resolve) => {
      started = resolve
    })
    const stuck: MergeWorkerApi = {
      merge: () => {
        started()
        return new Promise(() => {})
      },
    }
    const merging = r.service.merge(r.id, r.main, r.feature, 'ada', {
      engine: enginePort(stuck),
      request: 'm1',
    })
    await asked
    await r.service.cancelMerge('m1')
    await expect(merging).rejects.toThrow('The merge was cancelled.')
    expect(await r.read()).toBe(before)
  })

  it('falls back to the line merge for a file the engine does not answer in time, or fails on', async () => {
    const late = engineFileMerger(() => new Promise(() => {}), { timeoutMs: 50 })
    expect(await late('a\n', 'b\n', 'a\n', 'x.ts')).toEqual({ text: 'b\n', clean: true })
    const crashed = engineFileMerger(() => Promise.reject(new Error('worker crashed')))
    expect(await crashed('a\n', 'b\n', 'c\n', 'x.ts')).toMatchObject({
      clean: false,
      text: expect.stringContaining('<<<<<<< LEFT'),
    })
  })
})
