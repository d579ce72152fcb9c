/** A changed run of lines: lines [fromA, toA) of A became lines [fromB, toB) of B (0-based). */
export interface LineChange {
  fromA: number
  toA: number
  fromB: number
  toB: number
}

/** Lines as CodeMirror counts them (any line break ends a line; a final break leaves an empty line). */
export const splitLines = (text: string) => text.split(/\r\n?|\n/)

/** Indices of a longest increasing subsequence of `values` (patience sorting, O(n log n)). */
function increasing(values: number[]): number[] {
  const tails: number[] = []
  const previous = new Array<number>(values.length)
  for (let i = 0; i < values.length; i++) {
    let low = 0
    let high = tails.length
    while (low < high) {
      const mid = (low + high) >> 1
      if (values[tails[mid]] < values[i]) low = mid + 1
      else high = mid
    }
    previous[i] = low > 0 ? tails[low - 1] : -1
    tails[low] = i
  }
  const out: number[] = []
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) out.push(i)
  return out.reverse()
}

/**
 * The changed lines between two texts, by patience diff: lines that occur once in each text anchor
 * the alignment (in order), equal lines next to anchors extend it, and what is left between two
 * anchors is one change. O(n log n), so aligning the panes of a 20,000-line file stays within a
 * frame; a conflict's own lines ("MAIN 520") pair with the same line of their side, never with a
 * marker. Less minimal than Myers where lines repeat, which only widens a tint.
 */
export function lineChanges(a: string, b: string): LineChange[] {
  const linesA = splitLines(a)
  const linesB = splitLines(b)
  const seen = new Map<string, { a: number; b: number; atA: number; atB: number }>()
  for (let i = 0; i < linesA.length; i++) {
    const entry = seen.get(linesA[i])
    if (entry) entry.a++
    else seen.set(linesA[i], { a: 1, b: 0, atA: i, atB: -1 })
  }
  for (let j = 0; j < linesB.length; j++) {
    const entry = seen.get(linesB[j])
    if (entry) {
      entry.b++
      entry.atB = j
    }
  }
  const pairs: [number, number][] = []
  for (const entry of seen.values()) if (entry.a === 1 && entry.b === 1) pairs.push([entry.atA, entry.atB])
  pairs.sort((x, y) => x[0] - y[0])
  const anchors = increasing(pairs.map((p) => p[1])).map((i) => pairs[i])
  anchors.push([linesA.length, linesB.length])

  const changes: LineChange[] = []
  let fromA = 0
  let fromB = 0
  for (const [anchorA, anchorB] of anchors) {
    while (fromA < anchorA && fromB < anchorB && linesA[fromA] === linesB[fromB]) {
      fromA++
      fromB++
    }
    let toA = anchorA
    let toB = anchorB
    while (toA > fromA && toB > fromB && linesA[toA - 1] === linesB[toB - 1]) {
      toA--
      toB--
    }
    if (toA > fromA || toB > fromB) changes.push({ fromA, toA, fromB, toB })
    fromA = anchorA + 1
    fromB = anchorB + 1
  }
  return changes
}

/** The line of A that line `lineB` of B corresponds to: the same line if unchanged, else where its change starts in A. */
export function mapLine(changes: readonly LineChange[], lineB: number): number {
  let shift = 0
  for (const change of changes) {
    if (lineB < change.fromB) break
    if (lineB < change.toB) return change.fromA
    shift = change.toA - change.toB
  }
  return lineB + shift
}
