import { describe, expect, it } from 'vitest'
import {
  ancestorsOf,
  checkPath,
  checkTree,
  isGitFolderName,
  isWithin,
  MAX_NAME_BYTES,
  MAX_PATH_BYTES,
  pathProblem,
  quotePath,
  resolveCollisions,
  resolveTree,
  treeProblem,
  type PathEntry,
} from '../../src/model/paths.ts'

describe('pathProblem', () => {
  it.each(['a.ts', 'src/index.ts', 'a b/ü.md', '.gitignore', 'x/.y/z'])('accepts %s', (path) => {
    expect(pathProblem(path)).toBeNull()
  })

  it.each([
    ['', /required/],
    ['../x', /"\.\."/],
    ['a/../b', /"\.\."/],
    ['./a', /"\."/],
    ['/etc/passwd', /starts with "\/"/],
    ['a\0b', /NUL/],
    ['a//b', /empty folder name/],
    ['a/', /empty folder name/],
    ['a\\b', /"\\"/],
    ['a\nb', /control characters/],
    ['x'.repeat(MAX_NAME_BYTES + 1), new RegExp(`longer than ${MAX_NAME_BYTES} bytes`)],
    [Array(300).fill('abcd').join('/'), new RegExp(`longer than ${MAX_PATH_BYTES} bytes`)],
  ])('refuses %j with a reason', (path, reason) => {
    expect(pathProblem(path)).toMatch(reason)
    expect(() => checkPath(path)).toThrow(reason)
  })

  it('counts bytes, not characters', () => {
    expect(pathProblem('é'.repeat(128))).toMatch(/longer than 255 bytes/)
    expect(pathProblem('é'.repeat(127))).toBeNull()
  })
})

describe('path helpers', () => {
  it('lists ancestors outermost first', () => {
    expect(ancestorsOf('a/b/c.ts')).toEqual(['a', 'a/b'])
    expect(ancestorsOf('c.ts')).toEqual([])
  })
  it('tells containment by whole names', () => {
    expect(isWithin('src/a.ts', 'src')).toBe(true)
    expect(isWithin('src', 'src')).toBe(true)
    expect(isWithin('srcx/a.ts', 'src')).toBe(false)
  })
})

describe("the .git rule (as git's verify_path)", () => {
  it.each([
    '.git',
    '.GIT',
    '.Git',
    '.git.',
    '.git ',
    '.git. .',
    'git~1',
    'GIT~1',
    '.git::$INDEX_ALLOCATION',
    '.g\u200cit',
    '\ufeff.git',
  ])('treats %j as .git', (name) => {
    expect(isGitFolderName(name)).toBe(true)
    expect(pathProblem(`${name}/hooks/post-checkout`)).toMatch(/treat as "\.git"/)
    expect(pathProblem(`deep/${name}/config`)).toMatch(/treat as "\.git"/)
  })

  it.each(['.gitignore', '.gitattributes', '.github', 'git', 'git~2', 'x.git', '.gitx'])(
    'accepts %j',
    (name) => {
      expect(isGitFolderName(name)).toBe(false)
      expect(pathProblem(`a/${name}`)).toBeNull()
    },
  )
})

describe('treeProblem: a whole tree as a folder would hold it', () => {
  const file = (id: string, path: string): PathEntry => ({ id, type: 'file', path })
  const dir = (id: string, path: string): PathEntry => ({ id, type: 'dir', path })

  it('accepts a normal tree, with explicit folders repeated', () => {
    expect(
      treeProblem([
        file('1', 'src/a.ts'),
        file('2', 'src/b.ts'),
        dir('3', 'src'),
        dir('4', 'src'),
        dir('5', 'empty'),
      ]),
    ).toBeNull()
  })

  it.each([
    [[file('1', 'ok'), file('2', '../x')], '2', /"\.\."/],
    [[file('1', 'A.txt'), file('2', 'a.txt')], '2', /collides with "A\.txt"/],
    [[file('1', 'same'), file('2', 'same')], '2', /another entry has the same path/],
    [
      [file('1', 'Docs'), file('2', 'docs/x')],
      '1',
      /is a file, but "docs\/x" \(entry "2"\) needs a folder there/,
    ],
    [[file('1', 'a'), file('2', 'a/b')], '1', /needs a folder there/],
    [[file('1', 'Src/a'), file('2', 'src/b')], '2', /collides with "Src\/a"/],
    [[dir('1', 'Assets'), file('2', 'assets/x.png')], '2', /collides/],
    [[file('1', 'caf\u00e9'), file('2', 'cafe\u0301')], '2', /collides/],
  ])('refuses %j naming entry %s', (entries, id, reason) => {
    const problem = treeProblem(entries)
    expect(problem?.id).toBe(id)
    expect(problem?.reason).toMatch(reason)
    expect(() => checkTree(entries, 'The test tree')).toThrow(
      /^The test tree has an entry that cannot be used, so nothing was written: entry "\d"/,
    )
  })

  it('quotes paths in messages with hidden and control characters escaped, and long ones shortened', () => {
    expect(quotePath('a\u202eb\u0007c\u200bd')).toBe('"a\\u{202e}b\\u{7}c\\u{200b}d"')
    expect(quotePath('x'.repeat(500))).toBe(`"${'x'.repeat(160)}…"`)
    expect(quotePath('back\\slash "q".txt')).toBe('"back\\slash "q".txt"')
  })
})

describe('resolveCollisions: one view of a tree in which no two entries land on one file', () => {
  const file = (id: string, path: string): PathEntry => ({ id, type: 'file', path })
  const dir = (id: string, path: string): PathEntry => ({ id, type: 'dir', path })
  const shown = (entries: PathEntry[]) =>
    Object.fromEntries(resolveCollisions(entries).entries.map((e) => [e.id, e.path]))
  /** Every order of a small list, to show the view does not depend on the order a peer holds entries in. */
  const orders = <T>(list: T[]): T[][] =>
    list.length <= 1
      ? [list]
      : list.flatMap((x, i) =>
          orders([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]),
        )

  it('leaves a tree without collisions as it is, and renames nothing', () => {
    const entries = [file('1', 'src/a.ts'), file('2', 'src/b.ts'), dir('3', 'src'), dir('4', 'empty')]
    const resolved = resolveCollisions(entries)
    expect(resolved.entries).toEqual(entries)
    expect(resolved.renamed).toEqual([])
    expect(resolved.problem).toBeNull()
  })

  it.each([
    [
      'the same path',
      [file('b7c1e2f3-0000', 'src/util.ts'), file('a1b2c3d4-1111', 'src/util.ts')],
      { 'a1b2c3d4-1111': 'src/util.ts', 'b7c1e2f3-0000': 'src/util (conflict b7c1e2).ts' },
    ],
    [
      'names equal after case folding',
      [file('2', 'a.txt'), file('1', 'A.txt')],
      { 1: 'A.txt', 2: 'a (conflict 2).txt' },
    ],
    [
      'names equal after Unicode normalization',
      [file('2', 'cafe\u0301'), file('1', 'caf\u00e9')],
      { 1: 'caf\u00e9', 2: 'cafe\u0301 (conflict 2)' },
    ],
    [
      'a file where another entry needs a folder',
      [file('1', 'Docs'), file('2', 'docs/x.md')],
      { 1: 'Docs (conflict 1)', 2: 'docs/x.md' },
    ],
    [
      'a file where a folder entry is',
      [dir('2', 'assets'), file('1', 'Assets')],
      { 1: 'Assets (conflict 1)', 2: 'assets' },
    ],
    [
      'folders spelled in two cases',
      [file('1', 'src/a.ts'), file('2', 'Src/b.ts')],
      { 1: 'Src/a.ts', 2: 'Src/b.ts' },
    ],
    [
      'folders spelled in two cases, one file each at one name',
      [file('1', 'src/a.ts'), file('2', 'Src/a.ts')],
      { 1: 'Src/a.ts', 2: 'Src/a (conflict 2).ts' },
    ],
    [
      'three at once',
      [file('c', 'x'), file('a', 'x'), file('b', 'X')],
      { a: 'x', b: 'X (conflict b)', c: 'x (conflict c)' },
    ],
    ['a dotfile', [file('2', '.env'), file('1', '.env')], { 1: '.env', 2: '.env (conflict 2)' }],
    [
      'folder entries made twice in another case',
      [dir('3', 'docs'), dir('2', 'docs'), dir('1', 'Docs')],
      { 1: 'Docs', 2: 'Docs', 3: 'Docs' },
    ],
  ])(
    '%s: the smallest entry id keeps its path, every other is shown at a free name from its id, in any order',
    (_, entries, expected) => {
      const { renamed } = resolveCollisions(entries)
      for (const order of orders(entries)) {
        expect(shown(order)).toEqual(expected)
        expect(resolveCollisions(order).renamed).toEqual(renamed)
      }
      expect(renamed.map((r) => r.id).sort()).toEqual(
        entries
          .filter((e) => expected[e.id as keyof typeof expected] !== e.path)
          .map((e) => e.id)
          .sort(),
      )
      for (const r of renamed) expect(r.reason).not.toBe('')
    },
  )

  it('the view holds to the whole path rule: every shown path passes it and no two collide', () => {
    const long = 'n'.repeat(MAX_NAME_BYTES - 3)
    const entries = [
      file('1', `${long}.ts`),
      file('2', `${long}.ts`),
      file('3', `${long.toUpperCase()}.ts`),
      // A name that is already what the disambiguated one would be: the new name must differ from it too.
      file('4', 'u.ts'),
      file('5', 'u.ts'),
      file('6', 'u (conflict 5).ts'),
      file('7', 'd'),
      dir('8', 'D'),
      file('9', 'd/e'),
    ]
    for (const order of orders(entries.slice(3, 6))) expect(shown(order)['5']).not.toBe('u (conflict 5).ts')
    const resolved = resolveCollisions(entries)
    for (const e of resolved.entries) expect(pathProblem(e.path)).toBeNull()
    expect(treeProblem(resolved.entries)).toBeNull()
    // 2 and 3 (same name), 5 (same name; 6 holds the obvious new one), 7 (a folder is needed there), 9 (into the folder's one spelling, D).
    expect(resolved.renamed.map((r) => r.id).sort()).toEqual(['2', '3', '5', '7', '9'])
  })

  it('never fails to find a name: a long extension is shortened, and a folder path with no room left shows the entry at the root', () => {
    const longExt = `a.${'e'.repeat(MAX_NAME_BYTES - 2)}`
    const deep = `${Array(102).fill('abcdefghi').join('/')}/x.ts` // 1,024 bytes: no room for a longer name
    expect(pathProblem(longExt)).toBeNull()
    expect(pathProblem(deep)).toBeNull()
    const resolved = resolveCollisions([
      file('1', longExt),
      file('2', longExt),
      file('3', deep),
      file('4', deep),
    ])
    expect(resolved.renamed.map((r) => r.id)).toEqual(expect.arrayContaining(['2', '4']))
    for (const e of resolved.entries) expect(pathProblem(e.path)).toBeNull()
    expect(treeProblem(resolved.entries)).toBeNull()
    expect(resolved.entries[3].path).toBe('x (conflict 4).ts')
  })

  it('derives a name from a hostile id without letting it into the path', () => {
    const { entries } = resolveCollisions([file('a', 'x.txt'), file('~/../\u0007/', 'x.txt')])
    expect(entries[1].path).toMatch(/^x \(conflict [0-9A-Za-z-]+\)\.txt$/)
  })

  it('folder entries made twice stay one folder, not a collision', () => {
    expect(resolveCollisions([dir('1', 'src'), dir('2', 'src'), file('3', 'src/a')]).renamed).toEqual([])
  })

  it('passes a refused path through untouched and reports it; resolveTree refuses that tree whole', () => {
    const entries = [file('1', 'x'), file('2', 'x'), file('evil', '../x')]
    const resolved = resolveCollisions(entries)
    expect(resolved.problem).toMatchObject({ id: 'evil', path: '../x' })
    expect(resolved.entries[2].path).toBe('../x')
    expect(() => resolveTree(entries, 'The test tree')).toThrow(
      /^The test tree has an entry that cannot be used, so nothing was written: entry "evil" at "\.\.\/x"/,
    )
  })

  it('costs little on 5,000 entries with collisions', () => {
    const entries: PathEntry[] = []
    for (let i = 0; i < 5000; i++)
      entries.push(file(`id-${i}`, `pkg${i % 50}/${i % 7 === 0 ? 'Util' : 'util'}${i % 100}.ts`))
    const started = performance.now()
    const { renamed } = resolveCollisions(entries)
    expect(performance.now() - started).toBeLessThan(500)
    expect(new Set(resolveCollisions(entries).entries.map((e) => e.path.toLowerCase())).size).toBe(5000)
    expect(renamed.length).toBeGreaterThan(4000)
  })
})
