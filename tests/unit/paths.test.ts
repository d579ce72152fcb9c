import { describe, expect, it } from 'vitest'
import { ancestorsOf, checkPath, checkTree, isGitFolderName, isWithin, MAX_NAME_BYTES, MAX_PATH_BYTES, pathProblem, quotePath, treeProblem, type PathEntry } from '../../src/repo/paths.ts'

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

describe('the .git rule (as git\'s verify_path)', () => {
  it.each(['.git', '.GIT', '.Git', '.git.', '.git ', '.git. .', 'git~1', 'GIT~1', '.git::$INDEX_ALLOCATION', '.g\u200cit', '\ufeff.git'])('treats %j as .git', (name) => {
    expect(isGitFolderName(name)).toBe(true)
    expect(pathProblem(`${name}/hooks/post-checkout`)).toMatch(/treat as "\.git"/)
    expect(pathProblem(`deep/${name}/config`)).toMatch(/treat as "\.git"/)
  })

  it.each(['.gitignore', '.gitattributes', '.github', 'git', 'git~2', 'x.git', '.gitx'])('accepts %j', (name) => {
    expect(isGitFolderName(name)).toBe(false)
    expect(pathProblem(`a/${name}`)).toBeNull()
  })
})

describe('treeProblem: a whole tree as a folder would hold it', () => {
  const file = (id: string, path: string): PathEntry => ({ id, type: 'file', path })
  const dir = (id: string, path: string): PathEntry => ({ id, type: 'dir', path })

  it('accepts a normal tree, with explicit folders repeated', () => {
    expect(treeProblem([file('1', 'src/a.ts'), file('2', 'src/b.ts'), dir('3', 'src'), dir('4', 'src'), dir('5', 'empty')])).toBeNull()
  })

  it.each([
    [[file('1', 'ok'), file('2', '../x')], '2', /"\.\."/],
    [[file('1', 'A.txt'), file('2', 'a.txt')], '2', /collides with "A\.txt"/],
    [[file('1', 'same'), file('2', 'same')], '2', /another entry has the same path/],
    [[file('1', 'Docs'), file('2', 'docs/x')], '1', /is a file, but "docs\/x" \(entry "2"\) needs a folder there/],
    [[file('1', 'a'), file('2', 'a/b')], '1', /needs a folder there/],
    [[file('1', 'Src/a'), file('2', 'src/b')], '2', /collides with "Src\/a"/],
    [[dir('1', 'Assets'), file('2', 'assets/x.png')], '2', /collides/],
    [[file('1', 'caf\u00e9'), file('2', 'cafe\u0301')], '2', /collides/],
  ])('refuses %j naming entry %s', (entries, id, reason) => {
    const problem = treeProblem(entries)
    expect(problem?.id).toBe(id)
    expect(problem?.reason).toMatch(reason)
    expect(() => checkTree(entries, 'The test tree')).toThrow(/^The test tree has an entry that cannot be used, so nothing was written: entry "\d"/)
  })

  it('quotes paths in messages with hidden and control characters escaped, and long ones shortened', () => {
    expect(quotePath('a\u202eb\u0007c\u200bd')).toBe('"a\\u{202e}b\\u{7}c\\u{200b}d"')
    expect(quotePath('x'.repeat(500))).toBe(`"${'x'.repeat(160)}…"`)
    expect(quotePath('back\\slash "q".txt')).toBe('"back\\slash "q".txt"')
  })
})
