import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'

const text = (s: string) => new TextEncoder().encode(s)

/** A repository with `files` committed on main and a branch `feature` from that commit. */
async function forked(files: Record<string, string | Uint8Array>) {
  const ws = Workspace.create(new Repo({ network: [] }), 'merge')
  const vc = new VersionControl(ws)
  const main = ws.branches()[0].id
  await ws.importFiles(
    main,
    Object.entries(files).map(([path, c]) => ({ path, bytes: typeof c === 'string' ? text(c) : c })),
  )
  const base = await vc.commit(main, 'base', 'ada')
  const feature = vc.createBranch('feature', base)
  const id = (branch: string, path: string) => ws.entries(branch).find((e) => e.path === path)!.id
  /** Replaces a file's content on a branch (as an import would). */
  const write = (branch: string, path: string, content: string | Uint8Array) =>
    ws.importFiles(branch, [{ path, bytes: typeof content === 'string' ? text(content) : content }])
  const read = async (branch: string, path: string) =>
    new TextDecoder().decode(await ws.readBytes(branch, id(branch, path)))
  return { ws, vc, main, feature, base, id, write, read }
}

describe('merging branches', () => {
  it("takes each side's changes to different files and records a commit with two parents", async () => {
    const r = await forked({ 'a.txt': 'a\n', 'b.txt': 'b\n' })
    await r.write(r.main, 'a.txt', 'a on main\n')
    const mainHead = await r.vc.commit(r.main, 'main work', 'ada')
    await r.write(r.feature, 'b.txt', 'b on feature\n')
    await r.write(r.feature, 'c.txt', 'new on feature\n')
    const featureHead = await r.vc.commit(r.feature, 'feature work', 'bob')

    const outcome = await r.vc.merge(r.main, r.feature, 'ada')
    expect(outcome.kind).toBe('merged')
    const commit = r.ws.handle.doc().commits[(outcome as { commit: string }).commit]
    expect([...commit.parents]).toEqual([mainHead, featureHead])
    expect(await r.read(r.main, 'a.txt')).toBe('a on main\n')
    expect(await r.read(r.main, 'b.txt')).toBe('b on feature\n')
    expect(await r.read(r.main, 'c.txt')).toBe('new on feature\n')
    expect(await r.vc.status(r.main)).toEqual([])
    expect(await r.vc.merge(r.main, r.feature, 'ada')).toEqual({ kind: 'up-to-date' })
  })

  it('merges one file changed on both sides in different places', async () => {
    const r = await forked({ 'f.ts': 'one\ntwo\nthree\nfour\n' })
    await r.write(r.main, 'f.ts', 'ONE\ntwo\nthree\nfour\n')
    await r.vc.commit(r.main, 'm', 'ada')
    await r.write(r.feature, 'f.ts', 'one\ntwo\nthree\nFOUR\n')
    await r.vc.commit(r.feature, 'f', 'bob')
    expect((await r.vc.merge(r.main, r.feature, 'ada')).kind).toBe('merged')
    expect(await r.read(r.main, 'f.ts')).toBe('ONE\ntwo\nthree\nFOUR\n')
  })

  it('reports conflicts and writes nothing: content, delete/modify, binary', async () => {
    const png = (n: number) => new Uint8Array([0x89, 0x50, 0, n])
    const r = await forked({ 'c.txt': 'x\n', 'gone.txt': 'keep me\n', 'img.png': png(1) })
    await r.write(r.main, 'c.txt', 'main\n')
    r.ws.remove(r.main, 'gone.txt')
    await r.write(r.main, 'img.png', png(2))
    const mainHead = await r.vc.commit(r.main, 'm', 'ada')
    await r.write(r.feature, 'c.txt', 'feature\n')
    await r.write(r.feature, 'gone.txt', 'changed\n')
    await r.write(r.feature, 'img.png', png(3))
    await r.vc.commit(r.feature, 'f', 'bob')

    const outcome = await r.vc.merge(r.main, r.feature, 'ada')
    expect(outcome.kind).toBe('conflicts')
    const conflicts = (outcome as { conflicts: { kind: string; path: string }[] }).conflicts
    expect(conflicts.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'content c.txt',
      'delete/modify gone.txt',
      'binary img.png',
    ])
    expect(r.ws.handle.doc().branches[r.main].head).toBe(mainHead)
    expect(await r.read(r.main, 'c.txt')).toBe('main\n')
  })

  it("applies a rename on one side to the other side's edit of the same file", async () => {
    const r = await forked({ 'old.ts': 'export const x = 1\n' })
    r.ws.move(r.main, 'old.ts', 'src/new.ts')
    await r.vc.commit(r.main, 'rename', 'ada')
    await r.write(r.feature, 'old.ts', 'export const x = 2\n')
    await r.vc.commit(r.feature, 'edit', 'bob')
    expect((await r.vc.merge(r.main, r.feature, 'ada')).kind).toBe('merged')
    expect(r.ws.entries(r.main).map((e) => e.path)).toEqual(['src/new.ts'])
    expect(await r.read(r.main, 'src/new.ts')).toBe('export const x = 2\n')
  })

  it('reports files added at the same path with different content', async () => {
    const r = await forked({ 'keep.txt': 'k\n' })
    await r.write(r.main, 'config.json', '{"a":1}\n')
    await r.vc.commit(r.main, 'm', 'ada')
    await r.write(r.feature, 'config.json', '{"b":2}\n')
    await r.vc.commit(r.feature, 'f', 'bob')
    const outcome = await r.vc.merge(r.main, r.feature, 'ada')
    expect(outcome.kind === 'conflicts' && outcome.conflicts.map((c) => `${c.kind} ${c.path}`)).toEqual([
      'add/add config.json',
    ])
  })

  it('fast-forwards a branch with nothing of its own, and refuses to merge over uncommitted changes', async () => {
    const r = await forked({ 'a.txt': 'a\n' })
    await r.write(r.feature, 'a.txt', 'ahead\n')
    const ahead = await r.vc.commit(r.feature, 'ahead', 'bob')
    expect(await r.vc.merge(r.main, r.feature, 'ada')).toEqual({ kind: 'fast-forward', commit: ahead })
    expect(await r.read(r.main, 'a.txt')).toBe('ahead\n')
    await r.write(r.main, 'a.txt', 'dirty\n')
    await expect(r.vc.merge(r.main, r.feature, 'ada')).rejects.toThrow('uncommitted changes')
  })
})

describe('resolving merge conflicts', () => {
  it('records the merge with two parents once every conflict is answered, with each answer applied', async () => {
    const png = (n: number) => new Uint8Array([0x89, 0x50, 0, n])
    const r = await forked({ 'c.txt': 'x\n', 'gone.txt': 'keep me\n', 'img.png': png(1), 'other.txt': 'o\n' })
    await r.write(r.main, 'c.txt', 'main\n')
    r.ws.remove(r.main, 'gone.txt')
    await r.write(r.main, 'img.png', png(2))
    const ours = await r.vc.commit(r.main, 'm', 'ada')
    await r.write(r.feature, 'c.txt', 'feature\n')
    await r.write(r.feature, 'gone.txt', 'changed\n')
    await r.write(r.feature, 'img.png', png(3))
    await r.write(r.feature, 'other.txt', 'o on feature\n')
    const theirs = await r.vc.commit(r.feature, 'f', 'bob')

    const first = await r.vc.merge(r.main, r.feature, 'ada')
    if (first.kind !== 'conflicts') throw new Error('expected conflicts')
    expect(first.heads).toEqual({ ours, theirs })
    const content = first.conflicts.find((c) => c.kind === 'content')!
    expect(content.merged).toContain('<<<<<<< LEFT\nmain\n')
    expect(content.sides.ours?.path).toBe('c.txt')
    expect(content.sides.base && (await r.ws.blobs.read(content.sides.base.blob))).toEqual(text('x\n'))
    const byKind = (kind: string) => first.conflicts.find((c) => c.kind === kind)!.id

    // Half answered: still conflicts, nothing written.
    const partial = await r.vc.merge(r.main, r.feature, 'ada', {
      resolution: { heads: first.heads, files: { [content.id]: { text: 'both\n' } } },
    })
    expect(partial.kind).toBe('conflicts')
    expect(r.ws.handle.doc().branches[r.main].head).toBe(ours)

    const done = await r.vc.merge(r.main, r.feature, 'ada', {
      resolution: {
        heads: first.heads,
        files: {
          [content.id]: { text: 'both\n' },
          [byKind('delete/modify')]: { take: 'ours' },
          [byKind('binary')]: { take: 'theirs' },
        },
      },
    })
    if (done.kind !== 'merged') throw new Error(`expected a merge, got ${done.kind}`)
    expect([...r.ws.handle.doc().commits[done.commit].parents]).toEqual([ours, theirs])
    expect(await r.read(r.main, 'c.txt')).toBe('both\n')
    expect(r.ws.entries(r.main).some((e) => e.path === 'gone.txt')).toBe(false)
    expect(await r.ws.readBytes(r.main, r.id(r.main, 'img.png'))).toEqual(png(3))
    expect(await r.read(r.main, 'other.txt')).toBe('o on feature\n')
    expect(await r.vc.status(r.main)).toEqual([])
  })

  it('refuses answers that leave markers, name no conflict, or were made before a branch moved', async () => {
    const r = await forked({ 'c.txt': 'x\n' })
    await r.write(r.main, 'c.txt', 'main\n')
    await r.vc.commit(r.main, 'm', 'ada')
    await r.write(r.feature, 'c.txt', 'feature\n')
    await r.vc.commit(r.feature, 'f', 'bob')
    const first = await r.vc.merge(r.main, r.feature, 'ada')
    if (first.kind !== 'conflicts') throw new Error('expected conflicts')
    const id = first.conflicts[0].id
    await expect(
      r.vc.merge(r.main, r.feature, 'ada', {
        resolution: { heads: first.heads, files: { [id]: { text: first.conflicts[0].merged! } } },
      }),
    ).rejects.toThrow(/still has conflict markers/)
    await expect(
      r.vc.merge(r.main, r.feature, 'ada', {
        resolution: { heads: first.heads, files: { nope: { take: 'ours' } } },
      }),
    ).rejects.toThrow(/has no conflict in this merge/)
    await r.write(r.feature, 'c.txt', 'feature again\n')
    await r.vc.commit(r.feature, 'f2', 'bob')
    await expect(
      r.vc.merge(r.main, r.feature, 'ada', {
        resolution: { heads: first.heads, files: { [id]: { take: 'theirs' } } },
      }),
    ).rejects.toThrow(/moved while the conflicts were being resolved/)
  })
})

describe('revert and restore', () => {
  it('reverts a commit while keeping later changes to the same file', async () => {
    const r = await forked({ 'f.txt': 'one\ntwo\nthree\nfour\n' })
    await r.write(r.main, 'f.txt', 'ONE\ntwo\nthree\nfour\n')
    const bad = await r.vc.commit(r.main, 'shout one', 'ada')
    await r.write(r.main, 'f.txt', 'ONE\ntwo\nthree\nfour!\n')
    await r.vc.commit(r.main, 'excite four', 'ada')
    const outcome = await r.vc.revert(r.main, bad, 'ada')
    expect(outcome.kind).toBe('merged')
    expect(await r.read(r.main, 'f.txt')).toBe('one\ntwo\nthree\nfour!\n')
    expect(r.vc.log(r.main)[0].message).toBe('Revert "shout one"')
  })

  it('restores a file, deleted or changed since, from any commit', async () => {
    const r = await forked({ 'a.txt': 'original\n', 'b.txt': 'b\n' })
    await r.write(r.main, 'a.txt', 'changed\n')
    r.ws.remove(r.main, 'b.txt')
    await r.vc.commit(r.main, 'change and delete', 'ada')
    r.vc.restoreFile(r.main, r.base, 'a.txt')
    r.vc.restoreFile(r.main, r.base, 'b.txt')
    expect(await r.read(r.main, 'a.txt')).toBe('original\n')
    expect(await r.read(r.main, 'b.txt')).toBe('b\n')
    expect((await r.vc.status(r.main)).map((c) => `${c.kind} ${c.path}`)).toEqual([
      'modified a.txt',
      'added b.txt',
    ])
    expect(() => r.vc.restoreFile(r.main, r.base, 'nope.txt')).toThrow('is not in commit')
  })
})
