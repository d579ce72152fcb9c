import { describe, expect, it } from 'vitest'
import { conflictRegions, hasConflictMarkers } from '../../src/merge/conflictMarkers.ts'
import { mergeLines } from '../../src/merge/line/lineMerge.ts'

describe('conflict markers', () => {
  it('finds each region with its three versions and exact offsets', () => {
    const { text } = mergeLines('a\nb\nc\nd\ne\n', 'a\nB1\nc\nd\nE1\n', 'a\nB2\nc\nd\nE2\n')
    const regions = conflictRegions(text)
    expect(regions.map((r) => [r.ours, r.base, r.theirs])).toEqual([
      ['B1\n', 'b\n', 'B2\n'],
      ['E1\n', 'e\n', 'E2\n'],
    ])
    // Replacing each region by its "ours" side gives the left text back.
    let resolved = text
    for (const r of [...regions].reverse())
      resolved = resolved.slice(0, r.from) + r.ours + resolved.slice(r.to)
    expect(resolved).toBe('a\nB1\nc\nd\nE1\n')
    // Each section starts where its text is.
    for (const r of regions) {
      expect(text.slice(r.at.ours, r.at.ours + r.ours.length)).toBe(r.ours)
      expect(text.slice(r.at.base!, r.at.base! + r.base!.length)).toBe(r.base)
      expect(text.slice(r.at.theirs, r.at.theirs + r.theirs.length)).toBe(r.theirs)
    }
    expect(hasConflictMarkers(text)).toBe(true)
    expect(hasConflictMarkers(resolved)).toBe(false)
  })

  it('reads regions without a base section, and leaves incomplete ones as unresolved text', () => {
    const twoWay = 'x\n<<<<<<< LEFT\nl\n=======\nr\n>>>>>>> RIGHT\n'
    expect(conflictRegions(twoWay)).toEqual([
      {
        from: 2,
        to: twoWay.length,
        ours: 'l\n',
        base: null,
        theirs: 'r\n',
        at: { ours: 15, base: null, theirs: 25 },
      },
    ])
    const broken = 'x\n<<<<<<< LEFT\nl\n=======\nr\n'
    expect(conflictRegions(broken)).toEqual([])
    expect(hasConflictMarkers(broken)).toBe(true)
    expect(hasConflictMarkers('a ======= b\n<<<<<<<not a marker\n')).toBe(false)
  })
})
