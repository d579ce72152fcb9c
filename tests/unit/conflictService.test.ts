import { describe, expect, it } from 'vitest'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { conflictRegions } from '../../src/merge/conflictMarkers.ts'
import { diskRepo } from './helpers.ts'

const BASE = 'export function a() {\n  return 1\n}\n'
const text = (s: string) => new TextEncoder().encode(s)

/** A service whose main and feature both add a function at the end of lib.ts (the line merge conflicts). */
async function divergent() {
  const disk = diskRepo()
  const service = createRepoService(disk.repo, disk.storage)
  const { id, url } = await service.createRepository('conflicts')
  const ws = await Workspace.open(disk.repo, url)
  const vc = new VersionControl(ws)
  const main = ws.branches()[0].id
  await ws.importFiles(main, [{ path: 'lib.ts', bytes: text(BASE) }])
  const feature = vc.createBranch('feature', await vc.commit(main, 'base', 'ada'))
  await ws.importFiles(main, [{ path: 'lib.ts', bytes: text(`${BASE}export const b = 2\n`) }])
  await vc.commit(main, 'b', 'ada')
  await ws.importFiles(feature, [{ path: 'lib.ts', bytes: text(`${BASE}export const c = 3\n`) }])
  await vc.commit(feature, 'c', 'bob')
  const read = async () =>
    new TextDecoder().decode(await ws.readBytes(main, ws.entries(main).find((e) => e.path === 'lib.ts')!.id))
  return { service, id, main, feature, read }
}

describe('ConflictService: recorded conflicts for the app', () => {
  it('shows the open conflicts to the resolver with markers, settles its answer, and the commit completes the merge', async () => {
    const r = await divergent()
    const merged = await r.service.merge(r.id, r.main, r.feature, 'ada', { keepConflicts: true })
    expect(merged.kind).toBe('conflicted')
    expect(await r.read()).toBe(`${BASE}export const b = 2\n`)

    const [recorded] = await r.service.recordedConflicts(r.id, r.main)
    expect(recorded).toMatchObject({ path: 'lib.ts', kind: 'content' })
    const shown = await r.service.resolverConflicts(r.id, r.main)
    expect(shown).toHaveLength(1)
    expect(shown[0].id).toBe(recorded.id)
    const regions = conflictRegions(shown[0].merged!)
    expect(regions).toHaveLength(1)
    expect(regions[0]).toMatchObject({ ours: 'export const b = 2\n', theirs: 'export const c = 3\n' })
    expect(await r.service.readBlobText(r.id, shown[0].sides.theirs!.blob)).toBe(
      `${BASE}export const c = 3\n`,
    )

    // An answer that still holds markers settles nothing.
    await expect(
      r.service.settleConflicts(r.id, r.main, { [recorded.id]: { text: shown[0].merged! } }),
    ).rejects.toThrow('still has conflict markers')
    expect((await r.service.recordedConflicts(r.id, r.main))[0].settled).toBeUndefined()
    await expect(r.service.commit(r.id, r.main, '', 'bob')).rejects.toThrow('Conflicts are not settled')

    const answer = `${BASE}export const b = 2\nexport const c = 3\n`
    await r.service.settleConflicts(r.id, r.main, { [recorded.id]: { text: answer } })
    expect((await r.service.recordedConflicts(r.id, r.main))[0].settled).toBe('text')
    expect(await r.service.resolverConflicts(r.id, r.main)).toEqual([])
    await r.service.commit(r.id, r.main, '', 'bob')
    expect(await r.service.recordedConflicts(r.id, r.main)).toEqual([])
    expect(await r.read()).toBe(answer)
    const [settling, merge] = await r.service.log(r.id, r.main)
    expect(settling.message).toBe('Settle the conflicts of "Merge feature into main"')
    expect(merge.parents).toHaveLength(2)
  })
})
