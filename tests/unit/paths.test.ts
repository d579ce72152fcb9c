import { describe, expect, it } from 'vitest'
import { ancestorsOf, checkPath, isWithin, MAX_NAME_BYTES, MAX_PATH_BYTES, pathProblem } from '../../src/repo/paths.ts'

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
