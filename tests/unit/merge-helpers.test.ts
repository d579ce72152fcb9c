import { describe, expect, it } from 'vitest'
import { engine, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/** Merged both ways round: the place a helper goes must not depend on which side is the left. */
const mergeBothWays = (path: string, base: string, one: string, other: string): string[] =>
  [
    engine.merge({ base, left: one, right: other, path }),
    engine.merge({ base, left: other, right: one, path }),
  ].map((result) => {
    expect(result.clean).toBe(true)
    return result.text
  })

/** `text` with `insert` placed before the first occurrence of `before`. */
const insertBefore = (text: string, before: string, insert: string): string => {
  expect(text).toContain(before)
  return text.replace(before, insert + before)
}

/**
 * Both sides add one helper: `user` puts it before `userPlace` and calls it (`use` replaced by
 * `call`), `other` puts it before `otherPlace` and does not call it. The merge keeps one copy,
 * where the user put it.
 */
const expectHelperWithItsUser = (
  path: string,
  base: string,
  helper: string,
  [userPlace, otherPlace]: [string, string],
  [use, call]: [string, string],
) => {
  const user = insertBefore(base, userPlace, helper).replace(use, call)
  const other = insertBefore(base, otherPlace, helper)
  for (const text of mergeBothWays(path, base, user, other)) expect(text).toBe(user)
}

describe('merge: one helper both sides add at different places', () => {
  const ts = [
    'export function a() {',
    '  return 1',
    '}',
    '',
    'export function b() {',
    '  return 2',
    '}',
    '',
    'export function c() {',
    '  return 3',
    '}',
    '',
  ].join('\n')
  const tsHelper = 'function clamp(x: number) {\n  return Math.max(0, Math.min(1, x))\n}\n\n'

  it('TypeScript: goes before the function that calls it, not to the earlier place at the top', () => {
    expectHelperWithItsUser(
      'util.ts',
      ts,
      tsHelper,
      ['export function b', 'export function a'],
      ['return 2', 'return clamp(2)'],
    )
  })

  it('TypeScript: goes to the end where its user appended it, not before a function the other side put it', () => {
    const user = ts + '\n' + tsHelper.trimEnd() + '\n'
    const other = insertBefore(ts, 'export function b', tsHelper)
    const calling = user.replace('return 1', 'return clamp(1)')
    for (const text of mergeBothWays('util.ts', ts, calling, other)) expect(text).toBe(calling)
  })

  it('TypeScript: when both sides call it, the earlier place wins, once', () => {
    const one = insertBefore(ts, 'export function a', tsHelper).replace('return 3', 'return clamp(3)')
    const other = insertBefore(ts, 'export function b', tsHelper).replace('return 2', 'return clamp(2)')
    const expected = insertBefore(ts, 'export function a', tsHelper)
      .replace('return 3', 'return clamp(3)')
      .replace('return 2', 'return clamp(2)')
    for (const text of mergeBothWays('util.ts', ts, one, other)) expect(text).toBe(expected)
  })

  it('Python: goes before the function that calls it', () => {
    const python = 'def a():\n    return 1\n\n\ndef b():\n    return 2\n'
    const helper = 'def clamp(x):\n    return max(0, min(1, x))\n\n\n'
    expectHelperWithItsUser('util.py', python, helper, ['def b', 'def a'], ['return 2', 'return clamp(2)'])
  })

  it('Go: goes before the function that calls it', () => {
    const go = 'package p\n\nfunc A() int {\n\treturn 1\n}\n\nfunc B() int {\n\treturn 2\n}\n'
    const helper = 'func clamp(x int) int {\n\treturn x\n}\n\n'
    expectHelperWithItsUser('util.go', go, helper, ['func B', 'func A'], ['return 2', 'return clamp(2)'])
  })

  it('Rust: goes before the function that calls it', () => {
    const rust = 'pub fn a() -> i32 {\n    1\n}\n\npub fn b() -> i32 {\n    2\n}\n'
    const helper = 'fn clamp(x: i32) -> i32 {\n    x.max(0)\n}\n\n'
    expectHelperWithItsUser('util.rs', rust, helper, ['pub fn b', 'pub fn a'], ['    2\n', '    clamp(2)\n'])
  })
})
