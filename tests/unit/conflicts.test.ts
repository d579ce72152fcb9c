import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { hasConflictMarkers } from '../../src/merge/conflictMarkers.ts'
import { scalar } from '../../src/model/scalar.ts'
import {
  branchConflicts,
  readConflicts,
  withMarkers,
  withoutMarkers,
  type RecordedConflict,
} from '../../src/repo/conflicts.ts'
import { markedFiles, resolveConflict } from '../../src/repo/resolveConflicts.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'

const text = (s: string) => new TextEncoder().encode(s)
const BASE = 'one\ntwo\nthree\nfour\nfive\nsix\n'

/** A repository with `files` committed on main and a branch `feature` from that commit. */
async function forked(files: Record<string, string | Uint8Array>) {
  const ws = Workspace.create(new Repo({ network: [] }), 'conflicts')
  const vc = new VersionControl(ws)
  const main = ws.branches()[0].id
  const write = (branch: string, path: string, content: string | Uint8Array) =>
    ws.importFiles(branch, [{ path, bytes: typeof content === 'string' ? text(content) : content }])
  for (const [path, content] of Object.entries(files)) await write(main, path, content)
  const base = await vc.commit(main, 'base', 'ada')
  const feature = vc.createBranch('feature', base)
  const id = (branch: string, path: string) => ws.entries(branch).find((e) => e.path === path)!.id
  const read = async (branch: string, path: string) =>
    new TextDecoder().decode(await ws.readBytes(branch, id(branch, path)))
  /** Every text file of the branch, working and at its head. */
  const allTexts = async (branch: string) =>
    Promise.all(ws.entries(branch).flatMap((e) => (e.type === 'file' ? [read(branch, e.path)] : [])))
  return { ws, vc, main, feature, base, id, write, read, allTexts }
}

/** main and feature both change lines two and five of f.txt; feature also changes line four alone. */
async function conflictedMerge() {
  const r = await forked({ 'f.txt': BASE, 'other.txt': 'o\n' })
  await r.write(r.main, 'f.txt', 'one\nTWO main\nthree\nfour\nFIVE main\nsix\n')
  const ours = await r.vc.commit(r.main, 'main work', 'ada')
  await r.write(r.feature, 'f.txt', 'one\nTWO feature\nthree\nfour\nFIVE feature\nsix\n')
  await r.write(r.feature, 'other.txt', 'o on feature\n')
  const theirs = await r.vc.commit(r.feature, 'feature work', 'bob')
  const outcome = await r.vc.merge(r.main, r.feature, 'ada', { keepConflicts: true })
  if (outcome.kind !== 'conflicted') throw new Error(`expected a conflicted merge, got ${outcome.kind}`)
  return { ...r, ours, theirs, outcome }
}

describe('conflicts as data', () => {
  it('stores ours in each region and finds the regions again, lines and all', () => {
    const merged =
      'a\n<<<<<<< LEFT\nours 1\n||||||| BASE\nbase 1\n=======\ntheirs 1\n>>>>>>> RIGHT\nb\n' +
      '<<<<<<< LEFT\nours 2a\nours 2b\n||||||| BASE\n=======\n>>>>>>> RIGHT\nc\n'
    const { text: stored, regions } = withoutMarkers(merged, [
      { kind: 'method', path: 'class Cart › method total' },
      { kind: 'line', path: '' },
    ])
    expect(stored).toBe('a\nours 1\nb\nours 2a\nours 2b\nc\n')
    expect(regions).toEqual([
      {
        line: 2,
        lines: 1,
        base: 'base 1\n',
        ours: 'ours 1\n',
        theirs: 'theirs 1\n',
        place: 'class Cart › method total',
      },
      { line: 4, lines: 2, base: '', ours: 'ours 2a\nours 2b\n', theirs: '' },
    ])
    const marked = withMarkers(stored, regions)
    expect(marked).toBe(
      'a\n<<<<<<< ours\nours 1\n||||||| base\nbase 1\n=======\ntheirs 1\n>>>>>>> theirs\nb\n' +
        '<<<<<<< ours\nours 2a\nours 2b\n||||||| base\n=======\n>>>>>>> theirs\nc\n',
    )
    // A region someone edited by hand is theirs now: no markers are put around other text.
    expect(withMarkers('a\nedited\nb\nours 2a\nours 2b\nc\n', regions)).toBe(
      'a\nedited\nb\n<<<<<<< ours\nours 2a\nours 2b\n||||||| base\n=======\n>>>>>>> theirs\nc\n',
    )
  })

  it('records a conflicted merge: two parents, the conflicts on the commit and the branch, no markers stored', async () => {
    const r = await conflictedMerge()
    const doc = r.ws.handle.doc()
    const commit = doc.commits[r.outcome.commit]
    expect([...commit.parents]).toEqual([r.ours, r.theirs])
    expect(doc.branches[r.main].head).toBe(r.outcome.commit)
    const [conflict] = r.outcome.conflicts
    expect(conflict).toMatchObject({ path: 'f.txt', kind: 'content', commit: r.outcome.commit })
    expect(conflict.regions.map((g) => [g.line, g.lines, g.ours, g.theirs, g.base])).toEqual([
      [2, 1, 'TWO main\n', 'TWO feature\n', 'two\n'],
      [5, 1, 'FIVE main\n', 'FIVE feature\n', 'five\n'],
    ])
    expect(readConflicts(commit.conflicts, 'the commit')).toEqual(r.outcome.conflicts)
    expect(branchConflicts(doc, r.main)).toEqual(r.outcome.conflicts)
    // The stored file is ours in each region, the clean side changes merged in; the branch stays usable.
    expect(await r.read(r.main, 'f.txt')).toBe('one\nTWO main\nthree\nfour\nFIVE main\nsix\n')
    expect(await r.read(r.main, 'other.txt')).toBe('o on feature\n')
    expect(await r.vc.status(r.main)).toEqual([])
    // People reading it see the markers.
    const marked = (await markedFiles(r.ws, r.main)).get(r.id(r.main, 'f.txt'))!
    expect(marked).toContain(
      '<<<<<<< ours\nTWO main\n||||||| base\ntwo\n=======\nTWO feature\n>>>>>>> theirs\n',
    )
    expect(hasConflictMarkers(marked)).toBe(true)
  })

  it('refuses to commit until every conflict is settled, then completes the merge', async () => {
    const r = await conflictedMerge()
    await expect(r.vc.commit(r.main, 'too early', 'ada')).rejects.toThrow(
      /Conflicts are not settled in f\.txt.*weft resolve/,
    )
    // Region by region: theirs in the first, both in the second.
    const first = await resolveConflict(r.ws, r.main, { path: 'f.txt', how: 'theirs', region: 1 })
    expect(first.settled).toBeUndefined()
    await expect(r.vc.commit(r.main, 'still early', 'ada')).rejects.toThrow('f.txt')
    const second = await resolveConflict(r.ws, r.main, { path: 'f.txt', how: 'both', region: 2 })
    expect(second.settled).toBe('text')
    expect(await r.read(r.main, 'f.txt')).toBe(
      'one\nTWO feature\nthree\nfour\nFIVE main\nFIVE feature\nsix\n',
    )
    await expect(resolveConflict(r.ws, r.main, { path: 'f.txt', how: 'ours' })).rejects.toThrow(
      'already settled',
    )

    const settle = await r.vc.commit(r.main, '', 'ada')
    const doc = r.ws.handle.doc()
    expect(doc.commits[settle].message).toBe('Settle the conflicts of "Merge feature into main"')
    expect([...doc.commits[settle].parents]).toEqual([r.outcome.commit])
    expect(doc.branches[r.main].conflicts).toBeUndefined()
    expect(r.vc.log(r.main).map((e) => e.parents.length)).toEqual([1, 2, 1, 1, 0])
    expect(await r.vc.merge(r.main, r.feature, 'ada')).toEqual({ kind: 'up-to-date' })
  })

  it('settles a whole file with ours (nothing to change: the commit still completes the merge), base, or a text', async () => {
    const ours = await conflictedMerge()
    await resolveConflict(ours.ws, ours.main, { path: 'f.txt', how: 'ours' })
    const settle = await ours.vc.commit(ours.main, 'keep ours', 'ada')
    expect(ours.ws.handle.doc().commits[settle].changes).toEqual({})

    const base = await conflictedMerge()
    await resolveConflict(base.ws, base.main, { path: 'f.txt', how: 'base' })
    expect(await base.read(base.main, 'f.txt')).toBe(BASE)

    const own = await conflictedMerge()
    await expect(
      resolveConflict(own.ws, own.main, { path: 'f.txt', how: 'text', text: '<<<<<<< x\nhalf\n' }),
    ).rejects.toThrow('still has conflict markers')
    await resolveConflict(own.ws, own.main, { path: 'f.txt', how: 'text', text: 'mine\n' })
    expect(await own.read(own.main, 'f.txt')).toBe('mine\n')
    expect(branchConflicts(own.ws.handle.doc(), own.main)[0].settled).toBe('text')
    await expect(resolveConflict(own.ws, own.main, { path: 'nope.txt', how: 'ours' })).rejects.toThrow(
      'No conflict is recorded at "nope.txt"',
    )
  })

  it('keeps whole-file conflicts too: binary and delete/modify, settled by taking a side', async () => {
    const png = (n: number) => new Uint8Array([0x89, 0x50, 0, n])
    const r = await forked({ 'img.png': png(1), 'gone.txt': 'keep me\n' })
    await r.write(r.main, 'img.png', png(2))
    await r.ws.remove(r.main, 'gone.txt')
    await r.vc.commit(r.main, 'm', 'ada')
    await r.write(r.feature, 'img.png', png(3))
    await r.write(r.feature, 'gone.txt', 'changed\n')
    await r.vc.commit(r.feature, 'f', 'bob')
    const outcome = await r.vc.merge(r.main, r.feature, 'ada', { keepConflicts: true })
    expect(outcome.kind === 'conflicted' && outcome.conflicts.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'delete/modify gone.txt',
      'binary img.png',
    ])
    await expect(resolveConflict(r.ws, r.main, { path: 'img.png', how: 'both' })).rejects.toThrow(
      'binary conflict',
    )
    await resolveConflict(r.ws, r.main, { path: 'img.png', how: 'theirs' })
    await resolveConflict(r.ws, r.main, { path: 'gone.txt', how: 'ours' })
    await r.vc.commit(r.main, 'settled', 'ada')
    expect(r.ws.entries(r.main).map((e) => e.path)).toEqual(['img.png'])
    expect(await r.ws.readBytes(r.main, r.id(r.main, 'img.png'))).toEqual(png(3))
  })

  it('never nests markers: merging a conflicted-then-settled history, a branch made at the conflicted merge, and reverting', async () => {
    const r = await conflictedMerge()
    // A branch made at the conflicted merge carries its conflicts, unsettled.
    const side = r.vc.createBranch('side', r.outcome.commit)
    expect(branchConflicts(r.ws.handle.doc(), side).map((c) => [c.path, c.settled])).toEqual([
      ['f.txt', undefined],
    ])
    await expect(r.vc.merge(r.feature, side, 'bob')).rejects.toThrow(
      /"side" has unsettled conflicts \(f\.txt\)/,
    )
    await expect(r.vc.merge(side, r.feature, 'ada')).rejects.toThrow('unsettled conflicts')
    await resolveConflict(r.ws, side, { path: 'f.txt', how: 'theirs' })
    await r.write(side, 'f.txt', (await r.read(side, 'f.txt')).replace('six', 'SIX side'))
    await r.vc.commit(side, 'side settles', 'cy')

    // main settles differently, then takes side in: an ordinary conflict, with no marker from before.
    await resolveConflict(r.ws, r.main, { path: 'f.txt', how: 'both' })
    await r.vc.commit(r.main, 'main settles', 'ada')
    const again = await r.vc.merge(r.main, side, 'ada', { keepConflicts: true })
    expect(again.kind).toBe('conflicted')
    for (const t of await r.allTexts(r.main)) expect(hasConflictMarkers(t)).toBe(false)
    const head = r.ws.handle.doc().branches[r.main].head!
    expect(r.ws.handle.doc().commits[head].conflicts).toBeDefined()
    await resolveConflict(r.ws, r.main, { path: 'f.txt', how: 'theirs' })
    const settled = await r.vc.commit(r.main, 'settle again', 'ada')

    // A third branch from before it all takes the whole conflicted-then-settled history in.
    const third = r.vc.createBranch('third', r.base)
    await r.write(third, 'g.txt', 'third\n')
    await r.vc.commit(third, 'third', 'dee')
    expect((await r.vc.merge(third, r.main, 'dee')).kind).toBe('merged')
    expect(await r.read(third, 'f.txt')).toBe('one\nTWO feature\nthree\nfour\nFIVE feature\nSIX side\n')
    for (const t of await r.allTexts(third)) expect(hasConflictMarkers(t)).toBe(false)

    // Reverting the settling commit brings back the stored version: ours, without markers.
    expect((await r.vc.revert(r.main, settled, 'ada')).kind).toBe('merged')
    for (const t of await r.allTexts(r.main)) expect(hasConflictMarkers(t)).toBe(false)
  })
})

describe('hostile conflict records', () => {
  const good = (): Record<string, unknown> => ({
    path: scalar('f.txt'),
    kind: scalar('content'),
    message: scalar('m'),
    commit: scalar('c1'),
    sides: { base: null, ours: null, theirs: null },
    regions: [{ line: 1, lines: 1, base: null, ours: scalar('a\n'), theirs: scalar('b\n') }],
  })
  const cases: [string, (r: Record<string, unknown>) => unknown, RegExp][] = [
    ['not a record', () => 'oops', /not a record/],
    [
      'a path that leaves the folder',
      (r) => ({ ...r, path: scalar('../../etc/passwd') }),
      /path "..\/..\/etc\/passwd" is refused/,
    ],
    ['an unknown kind', (r) => ({ ...r, kind: scalar('evil') }), /kind "evil" is unknown/],
    ['regions that are not a list', (r) => ({ ...r, regions: { 0: 1 } }), /regions is not a list/],
    [
      'a negative line',
      (r) => ({ ...r, regions: [{ ...(r.regions as object[])[0], line: -3 }] }),
      /region 1\.line/,
    ],
    [
      'a line count that lies',
      (r) => ({ ...r, regions: [{ ...(r.regions as object[])[0], lines: 99 }] }),
      /does not match/,
    ],
    [
      'text that is a number',
      (r) => ({ ...r, regions: [{ ...(r.regions as object[])[0], ours: 7 }] }),
      /region 1\.ours is not text/,
    ],
    ['an unknown settlement', (r) => ({ ...r, settled: scalar('whatever') }), /settled is not one of/],
    [
      'a side with a bad hash',
      (r) => ({
        ...r,
        sides: { base: null, ours: { path: scalar('f.txt'), blob: scalar('x') }, theirs: null },
      }),
      /sides\.ours\.blob/,
    ],
    ['missing sides', (r) => ({ ...r, sides: undefined }), /sides is not a record/],
    [
      'overlapping regions',
      (r) => ({ ...r, regions: [(r.regions as object[])[0], (r.regions as object[])[0]] }),
      /overlap/,
    ],
  ]
  for (const [name, make, message] of cases)
    it(`refuses ${name} with a clear error`, () => {
      expect(() => readConflicts({ e1: make(good()) }, 'Branch "main"')).toThrow(message)
      expect(() => readConflicts({ e1: make(good()) }, 'Branch "main"')).toThrow(
        /Branch "main" has a malformed conflict record/,
      )
    })

  it('reads a good record, and refuses records that are not a map', () => {
    expect(readConflicts({ e1: good() }, 'x')).toEqual<RecordedConflict[]>([
      {
        id: 'e1',
        path: 'f.txt',
        kind: 'content',
        message: 'm',
        commit: 'c1',
        sides: { base: null, ours: null, theirs: null },
        regions: [{ line: 1, lines: 1, base: null, ours: 'a\n', theirs: 'b\n' }],
      },
    ])
    expect(() => readConflicts([1, 2], 'Commit 1234')).toThrow('Commit 1234 has malformed conflict records')
  })

  it("a peer's malformed record on a branch stops commit, merge and resolve with the error, and nothing is written", async () => {
    const r = await forked({ 'f.txt': 'x\n' })
    r.ws.handle.change((d) => {
      ;(d.branches[r.main] as unknown as Record<string, unknown>).conflicts = {
        e1: { ...good(), path: scalar('/etc/shadow') },
      }
    })
    await r.write(r.main, 'f.txt', 'y\n')
    const head = r.ws.handle.doc().branches[r.main].head
    await expect(r.vc.commit(r.main, 'c', 'ada')).rejects.toThrow(/malformed conflict record.*\/etc\/shadow/)
    await expect(r.vc.merge(r.main, r.feature, 'ada')).rejects.toThrow('malformed conflict record')
    await expect(resolveConflict(r.ws, r.main, { path: 'f.txt', how: 'ours' })).rejects.toThrow('malformed')
    expect(r.ws.handle.doc().branches[r.main].head).toBe(head)
  })
})
