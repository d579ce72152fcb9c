import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import {
  aheadBehind,
  CHECKPOINT_INTERVAL,
  diffSnapshots,
  log,
  lowestCommonAncestors,
  snapshotAt,
  type Snapshot,
} from '../../src/repo/history.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import type { Commit, LiveFileDoc, RepositoryDoc } from '../../src/model/types.ts'

/** A commit graph from `child: [parents]`, times in insertion order. */
function graph(edges: Record<string, string[]>): RepositoryDoc['commits'] {
  const commits: RepositoryDoc['commits'] = {}
  Object.entries(edges).forEach(([id, parents], time) => {
    commits[id] = { parents, message: id, author: 't', time, tree: {}, depth: 0 } as unknown as Commit
  })
  return commits
}

const file = (path: string, blob: string) => ({ path, blob, size: 1, binary: false })

describe('commit graph', () => {
  it('finds the merge base of diverged branches', () => {
    const commits = graph({ a: [], b: ['a'], c: ['b'], d: ['b'], e: ['d'] })
    expect(lowestCommonAncestors(commits, 'c', 'e')).toEqual(['b'])
    expect(lowestCommonAncestors(commits, 'e', 'b')).toEqual(['b']) // fast-forward
    expect(lowestCommonAncestors(commits, 'c', 'c')).toEqual(['c'])
  })

  it('returns every lowest common ancestor of a criss-cross, nearest first, stably', () => {
    // x and y each merge the other's first commit: both p and q are lowest common ancestors.
    const commits = graph({ o: [], p: ['o'], q: ['o'], x: ['p', 'q'], y: ['q', 'p'] })
    expect(lowestCommonAncestors(commits, 'x', 'y')).toEqual(['p', 'q'])
    expect(lowestCommonAncestors(commits, 'y', 'x')).toEqual(['p', 'q'])
  })

  it('has no merge base between unrelated histories', () => {
    expect(lowestCommonAncestors(graph({ a: [], b: [] }), 'a', 'b')).toEqual([])
  })

  it('logs every reachable commit once, newest first, and counts ahead/behind', () => {
    const commits = graph({ a: [], b: ['a'], c: ['a'], m: ['b', 'c'], d: ['m'] })
    expect(log(commits, 'd').map((e) => e.id)).toEqual(['d', 'm', 'c', 'b', 'a'])
    expect(log(commits, 'd', 2).map((e) => e.id)).toEqual(['d', 'm'])
    expect(aheadBehind(commits, 'd', 'c')).toEqual({ ahead: 3, behind: 0 })
    expect(aheadBehind(commits, 'b', 'c')).toEqual({ ahead: 1, behind: 1 })
  })
})

describe('diffSnapshots', () => {
  it('reports added, modified, deleted and renamed files, renames by id or by identical content', () => {
    const before: Snapshot = {
      1: file('a.ts', 'h1'),
      2: file('b.ts', 'h2'),
      3: file('c.ts', 'h3'),
      4: file('old/d.ts', 'h4'),
      5: file('e.ts', 'h5'),
    }
    const after: Snapshot = {
      1: file('a.ts', 'h1'), // unchanged
      2: file('b.ts', 'h2x'), // modified
      3: file('src/c.ts', 'h3x'), // renamed and edited (same id)
      6: file('new/d.ts', 'h4'), // deleted and re-added with the same bytes: a move
      7: file('f.ts', 'h7'), // added
    }
    expect(diffSnapshots(before, after)).toEqual(
      [
        { kind: 'deleted', id: '5', path: 'e.ts', oldPath: 'e.ts', oldBlob: 'h5' },
        { kind: 'added', id: '7', path: 'f.ts', blob: 'h7' },
        { kind: 'modified', id: '2', path: 'b.ts', blob: 'h2x', oldBlob: 'h2' },
        // The deleted entry's id goes with it: a commit of the move takes both.
        {
          kind: 'renamed',
          id: '6',
          path: 'new/d.ts',
          oldPath: 'old/d.ts',
          blob: 'h4',
          oldBlob: 'h4',
          oldId: '4',
        },
        { kind: 'renamed', id: '3', path: 'src/c.ts', oldPath: 'c.ts', blob: 'h3x', oldBlob: 'h3' },
      ].sort((x, y) => (x.path < y.path ? -1 : 1)),
    )
  })
})

describe('VersionControl', () => {
  const text = (s: string) => new TextEncoder().encode(s)
  const fresh = () => {
    const ws = Workspace.create(new Repo({ network: [] }), 'vc')
    return { ws, vc: new VersionControl(ws), main: ws.branches()[0].id }
  }

  it('commits the working files, live edits included, and reports status against the head', async () => {
    const { ws, vc, main } = fresh()
    const a = await ws.createFile(main, 'a.txt', text('one'))
    await ws.createFile(main, 'b.txt', text('two'))
    expect((await vc.status(main)).map((c) => `${c.kind} ${c.path}`)).toEqual(['added a.txt', 'added b.txt'])
    const first = await vc.commit(main, 'first', 'ada')
    expect(await vc.status(main)).toEqual([])
    await expect(vc.commit(main, 'again', 'ada')).rejects.toThrow('Nothing to commit')

    const live = await ws.repo.find<LiveFileDoc>(await ws.openLive(main, a))
    live.change((d) => {
      d.content = 'one, edited'
    })
    ws.move(main, 'b.txt', 'docs/b.txt')
    expect((await vc.status(main)).map((c) => `${c.kind} ${c.path}`)).toEqual([
      'modified a.txt',
      'renamed docs/b.txt',
    ])
    const second = await vc.commit(main, 'second', 'ada')
    expect(vc.log(main).map((e) => [e.message, e.parents])).toEqual([
      ['second', [first]],
      ['first', []],
    ])
    expect(vc.diffCommits(first, second).map((c) => c.kind)).toEqual(['modified', 'renamed'])
    const committed = snapshotAt(ws.handle.doc().commits, second)[a]
    expect(new TextDecoder().decode(await ws.blobs.read(committed.blob))).toBe('one, edited')
  })

  it('branches from a commit, tracks ahead/behind and finds the merge base', async () => {
    const { ws, vc, main } = fresh()
    await ws.createFile(main, 'a.txt', text('base'))
    const base = await vc.commit(main, 'base', 'ada')
    const feature = vc.createBranch('feature/x', base)
    expect(ws.entries(feature).map((e) => e.path)).toEqual(['a.txt'])
    await ws.createFile(feature, 'b.txt', text('feature'))
    await vc.commit(feature, 'on feature', 'bob')
    await ws.createFile(main, 'c.txt', text('main'))
    await vc.commit(main, 'on main', 'ada')
    expect(vc.aheadBehind(feature, main)).toEqual({ ahead: 1, behind: 1 })
    expect(vc.mergeBase(feature, main)).toBe(base)
    // Uncommitted work stays on its own branch.
    await ws.createFile(feature, 'wip.txt')
    expect(ws.entries(main).map((e) => e.path)).toEqual(['a.txt', 'c.txt'])
  })

  it('refuses bad, taken or default branch operations', async () => {
    const { vc, main } = fresh()
    expect(() => vc.createBranch('main', null)).toThrow('already exists')
    expect(() => vc.createBranch('../x', null)).toThrow('is not a branch name')
    expect(() => vc.createBranch('x', 'nope')).toThrow('no commit')
    const other = vc.createBranch('other', null)
    vc.renameBranch(other, 'renamed')
    expect(() => vc.renameBranch(other, 'main')).toThrow('already exists')
    expect(() => vc.deleteBranch(main)).toThrow('default branch')
    vc.deleteBranch(other)
    expect(() => vc.log(other)).toThrow('no branch')
  })

  it('stores each commit as the change against its parent, with a full tree every checkpoint', async () => {
    const { ws, vc, main } = fresh()
    await ws.importFiles(
      main,
      Array.from({ length: 200 }, (_, i) => ({ path: `f${i}.txt`, bytes: text(`${i}`) })),
    )
    const commits: string[] = [await vc.commit(main, 'all', 'ada')]
    for (let round = 1; round <= CHECKPOINT_INTERVAL + 5; round++) {
      await ws.importFiles(main, [{ path: `f${round % 200}.txt`, bytes: text(`round ${round}`) }])
      if (round % 10 === 0) ws.remove(main, `f${199 - round}.txt`)
      commits.push(await vc.commit(main, `round ${round}`, 'ada'))
    }
    const stored = ws.handle.doc().commits
    expect(Object.keys(stored[commits[0]].tree!)).toHaveLength(200)
    expect(Object.keys(stored[commits[1]].changes!)).toHaveLength(1) // one file changed: one entry stored
    expect(stored[commits[1]].tree).toBeUndefined()
    expect(stored[commits[CHECKPOINT_INTERVAL]].tree).toBeDefined()
    // Every snapshot rebuilt from deltas matches the files as they were at that commit.
    const last = snapshotAt(stored, commits.at(-1)!)
    const current = Object.fromEntries(
      ws
        .entries(main)
        .filter((e) => e.type === 'file')
        .map((e) => [e.id, e.type === 'file' ? e.blob : '']),
    )
    expect(Object.fromEntries(Object.entries(last).map(([id, f]) => [id, f.blob]))).toEqual(current)
    expect(Object.keys(snapshotAt(stored, commits[10]))).toHaveLength(199)
  })
})
