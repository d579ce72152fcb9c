import { describe, expect, it } from 'vitest'
import { matchLines } from '../../src/merge/line/diff3.ts'

/** Length of a longest common subsequence, by dynamic programming. */
function lcsLength(a: string[], b: string[]): number {
  let row = new Array<number>(b.length + 1).fill(0)
  for (let i = a.length - 1; i >= 0; i--) {
    const next = new Array<number>(b.length + 1).fill(0)
    for (let j = b.length - 1; j >= 0; j--)
      next[j] = a[i] === b[j] ? row[j + 1] + 1 : Math.max(row[j], next[j + 1])
    row = next
  }
  return row[0]
}

/** A seeded generator, so a failure repeats. */
function random(seed: number): () => number {
  return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
}

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

  it('pairs equal lines in order, as many as a longest common subsequence, also for very unequal lengths', () => {
    const next = random(7)
    const lines = (count: number, alphabet: number) =>
      Array.from({ length: count }, () => `line ${Math.floor(next() * alphabet)}\n`)
    for (let round = 0; round < 400; round++) {
      // A few lines against many (an edit that rewrote a block) as well as similar lengths.
      const lopsided = round % 2 === 0
      const [short, long] = [
        Math.floor(next() * (lopsided ? 4 : 40)),
        Math.floor(next() * (lopsided ? 90 : 40)),
      ]
      const alphabet = 1 + Math.floor(next() * 8)
      const [a, b] =
        round % 4 < 2
          ? [lines(short, alphabet), lines(long, alphabet)]
          : [lines(long, alphabet), lines(short, alphabet)]
      const match = matchLines(a, b)
      let last = -1
      let pairs = 0
      match.forEach((to, from) => {
        if (to < 0) return
        expect(b[to]).toBe(a[from])
        expect(to).toBeGreaterThan(last)
        last = to
        pairs++
      })
      expect(pairs).toBe(lcsLength(a, b))
    }
  })
})
