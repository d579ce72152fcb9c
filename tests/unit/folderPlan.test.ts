import { describe, expect, it } from 'vitest'
import { planFiles, planFolders, type BranchFile, type FolderSide } from '../../src/cli/folderPlan.ts'
import type { Sha256 } from '../../src/model/types.ts'

const A = 'a'.repeat(64) as Sha256
const B = 'b'.repeat(64) as Sha256
const C = 'c'.repeat(64) as Sha256

/** One path, `f.txt`, as the base, the branch and the folder have it (undefined: absent). */
function plan(was: Sha256 | undefined, branch: Sha256 | undefined, folder: Sha256 | undefined, send = true) {
  const base = new Map(was ? [['f.txt', was]] : [])
  const theirs = new Map<string, BranchFile>(branch ? [['f.txt', { sha: branch, id: 'entry-1' }]] : [])
  const disk: FolderSide = {
    files: new Map(folder ? [['f.txt', { sha: folder }]] : []),
    refused: new Map(),
    links: new Set(),
  }
  return planFiles(base, theirs, disk, send)
}

describe('planFiles: the three-way table, one path', () => {
  it('does nothing when neither side changed', () => {
    expect(plan(A, A, A)).toEqual([])
  })

  it('sends a change made only in the folder: an edit, a new file, a deletion', () => {
    expect(plan(A, A, B)).toEqual([{ kind: 'import-to-branch', path: 'f.txt', added: false }])
    expect(plan(undefined, undefined, B)).toEqual([{ kind: 'import-to-branch', path: 'f.txt', added: true }])
    expect(plan(A, A, undefined)).toEqual([{ kind: 'remove-from-branch', path: 'f.txt' }])
  })

  it('only lists the folder changes on a checkout, which never changes the branch', () => {
    expect(plan(A, A, B, false)).toEqual([{ kind: 'unsent', path: 'f.txt' }])
    expect(plan(undefined, undefined, B, false)).toEqual([{ kind: 'unsent', path: 'f.txt' }])
    expect(plan(A, A, undefined, false)).toEqual([{ kind: 'unsent', path: 'f.txt' }])
  })

  it('takes a change made only on the branch: an edit, a new file, a deletion (checkout too)', () => {
    for (const send of [true, false]) {
      expect(plan(A, B, A, send)).toEqual([{ kind: 'write-to-folder', path: 'f.txt', id: 'entry-1' }])
      expect(plan(undefined, B, undefined, send)).toEqual([
        { kind: 'write-to-folder', path: 'f.txt', id: 'entry-1' },
      ])
      expect(plan(A, undefined, A, send)).toEqual([{ kind: 'delete-from-folder', path: 'f.txt' }])
    }
  })

  it('records that both sides made the same change, moving nothing', () => {
    expect(plan(A, B, B)).toEqual([{ kind: 'agree', path: 'f.txt', sha: B }])
    expect(plan(undefined, B, B)).toEqual([{ kind: 'agree', path: 'f.txt', sha: B }])
    expect(plan(A, undefined, undefined)).toEqual([{ kind: 'agree', path: 'f.txt', sha: undefined }])
  })

  it('calls different changes on both sides a conflict, including an edit against a deletion', () => {
    expect(plan(A, B, C)).toEqual([{ kind: 'conflict', path: 'f.txt' }])
    expect(plan(undefined, B, C)).toEqual([{ kind: 'conflict', path: 'f.txt' }])
    expect(plan(A, undefined, B)).toEqual([{ kind: 'conflict', path: 'f.txt' }])
    expect(plan(A, B, undefined)).toEqual([{ kind: 'conflict', path: 'f.txt' }])
  })
})

describe('planFiles: what the folder refuses', () => {
  it('reports a refused path and leaves it and everything under it alone on both sides', () => {
    const actions = planFiles(
      new Map([['docs/a.md', A]]),
      new Map([
        ['docs/a.md', { sha: B, id: 'e1' }],
        ['bad', { sha: B, id: 'e2' }],
      ]),
      {
        files: new Map([['bad', { sha: C }]]),
        refused: new Map([
          ['docs', 'is not a regular file.'],
          ['bad', 'is too big.'],
        ]),
        links: new Set(),
      },
      true,
    )
    expect(actions).toEqual([
      { kind: 'refuse', path: 'docs', reason: 'is not a regular file.' },
      { kind: 'refuse', path: 'bad', reason: 'is too big.' },
    ])
  })

  it('says a branch change beyond a symbolic link in the folder was not written, and not an unchanged one', () => {
    const folder: FolderSide = {
      files: new Map(),
      refused: new Map([['lib', 'is a symbolic link; links are not followed.']]),
      links: new Set(['lib']),
    }
    const base = new Map([
      ['lib/changed.ts', A],
      ['lib/same.ts', A],
    ])
    const branch = new Map<string, BranchFile>([
      ['lib/changed.ts', { sha: B, id: 'e1' }],
      ['lib/same.ts', { sha: A, id: 'e2' }],
    ])
    expect(planFiles(base, branch, folder, true)).toEqual([
      { kind: 'refuse', path: 'lib', reason: 'is a symbolic link; links are not followed.' },
      {
        kind: 'refuse',
        path: 'lib/changed.ts',
        reason: `is beyond a symbolic link ("lib") in the folder, so the branch's file was not written.`,
      },
    ])
  })

  it('decides each path of a tree on its own', () => {
    const actions = planFiles(
      new Map([
        ['kept.txt', A],
        ['edited-here.txt', A],
        ['edited-there.txt', A],
      ]),
      new Map<string, BranchFile>([
        ['kept.txt', { sha: A, id: 'e1' }],
        ['edited-here.txt', { sha: A, id: 'e2' }],
        ['edited-there.txt', { sha: B, id: 'e3' }],
        ['new-there.txt', { sha: C, id: 'e4' }],
      ]),
      {
        files: new Map([
          ['kept.txt', { sha: A }],
          ['edited-here.txt', { sha: B }],
          ['edited-there.txt', { sha: A }],
        ]),
        refused: new Map(),
        links: new Set(),
      },
      true,
    )
    expect(actions).toEqual([
      { kind: 'import-to-branch', path: 'edited-here.txt', added: false },
      { kind: 'write-to-folder', path: 'edited-there.txt', id: 'e3' },
      { kind: 'write-to-folder', path: 'new-there.txt', id: 'e4' },
    ])
  })
})

describe('planFolders', () => {
  const none = () => false
  const dir = (path: string) => ({ type: 'dir' as const, path })
  const file = (path: string) => ({ type: 'file' as const, path })

  it('sends an empty folder made here, unless the branch has something at it or it was known', () => {
    const folder = { dirs: new Set(['new', 'taken', 'old']), empty: new Set(['new', 'taken', 'old']) }
    expect(planFolders(['old'], folder, [file('taken/x.ts'), dir('old')], none)).toEqual({
      made: ['new'],
      gone: [],
    })
  })

  it('removes from the branch an explicit folder deleted here, unless the branch put something in it', () => {
    const folder = { dirs: new Set<string>(), empty: new Set<string>() }
    expect(
      planFolders(['gone', 'filled'], folder, [dir('gone'), dir('filled'), file('filled/a')], none),
    ).toEqual({ made: [], gone: ['gone'] })
  })

  it('leaves folders at or under a refused path alone', () => {
    const folder = { dirs: new Set(['link/new']), empty: new Set(['link/new']) }
    expect(planFolders(['old'], folder, [dir('old')], (p) => p === 'link/new' || p === 'old')).toEqual({
      made: [],
      gone: [],
    })
  })
})
