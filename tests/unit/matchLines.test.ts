import { describe, expect, it } from 'vitest'
import { matchLines } from '../../src/merge/line/diff3.ts'

describe('matchLines', () => {
  it('keeps the common lines in order', () => {
    expect([...matchLines(['a', 'b', 'c', 'd'], ['a', 'c', 'x', 'd'])]).toEqual([0, -1, 1, 3])
  })

  it('answers a repeated diff the same, whatever the caller did with an earlier answer', () => {
    const first = matchLines(['one', 'two', 'three'], ['one', 'three'])
    first.fill(7)
    expect([...matchLines(['one', 'two', 'three'], ['one', 'three'])]).toEqual([0, -1, 1])
  })

  it('diffs again when a caller changes the lines it passed before', () => {
    const [a, b] = [
      ['p', 'q', 'r'],
      ['p', 'r'],
    ]
    expect([...matchLines(a, b)]).toEqual([0, -1, 1])
    b.splice(1, 0, 'q')
    expect([...matchLines(a, b)]).toEqual([0, 1, 2])
  })
})
