import { describe, expect, it } from 'vitest'
import { lineChanges, mapLine } from '../../src/ui/lib/lineDiff.ts'
import { conflictRegions } from '../../src/merge/conflictMarkers.ts'
import { mergeLines } from '../../src/merge/line/lineMerge.ts'

const lines = (n: number, replace: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => replace[i] ?? `line ${i}`).join('\n') + '\n'

describe('line diff', () => {
  it('pairs whole lines, so a conflict section maps to the same lines of its side', () => {
    const base = lines(600)
    const ours = lines(600, { 10: 'ours added\nmore', 520: 'MAIN 520' })
    const theirs = lines(600, { 520: 'FEATURE 520' })
    const { text } = mergeLines(base, ours, theirs)
    const [region] = conflictRegions(text)
    const lineOf = (pos: number) => text.slice(0, pos).split('\n').length - 1
    // Ours has one more line above the conflict than the base: the mapping follows it.
    expect(mapLine(lineChanges(ours, text)!, lineOf(region.at.ours))).toBe(521)
    expect(mapLine(lineChanges(base, text)!, lineOf(region.at.base!))).toBe(520)
    expect(mapLine(lineChanges(theirs, text)!, lineOf(region.at.theirs))).toBe(520)
  })

  it('gives each run of changed lines on both sides, and maps lines inside a change to its start', () => {
    const changes = lineChanges('a\nb\nc\nd\n', 'a\nB\nB2\nc\nd\n')!
    expect(changes).toEqual([{ fromA: 1, toA: 2, fromB: 1, toB: 3 }])
    expect(mapLine(changes, 0)).toBe(0)
    expect(mapLine(changes, 2)).toBe(1)
    expect(mapLine(changes, 3)).toBe(2)
    expect(mapLine(changes, 4)).toBe(3)
  })
})
