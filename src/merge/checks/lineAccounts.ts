import { compactedMatch } from '../line/diff3.ts'

/**
 * What each side did to the base, line by line, for checking a merged result against it. Lines
 * are compared trimmed (a merge may reindent) and blank lines are left out (layout, not content).
 */
export interface LineAccounts {
  /** Per content line: occurrences in base, left, right and the merged text. */
  counts: { base: Map<string, number>; left: Map<string, number>; right: Map<string, number> }
  /** Base lines both sides kept where they were. */
  keptByBoth: Map<string, number>
  /** Lines each side inserted, and those it inserted where the other side changed nothing. */
  added: { left: Map<string, number>; right: Map<string, number> }
  addedUntouched: { left: Map<string, number>; right: Map<string, number> }
  /** Base lines each side deleted where the other side changed nothing. */
  deletedUntouched: { left: Map<string, number>; right: Map<string, number> }
  /** Runs of consecutive lines each side inserted (as one hunk). */
  hunks: { left: string[][]; right: string[][] }
  /** Each side's content lines. */
  lines: { left: string[]; right: string[] }
}

/**
 * The lines that carry content, trimmed and without a trailing comma (a merge may reindent, and
 * moves a list's separators when both sides append to it); blank lines are layout.
 */
export const contentLines = (text: string): string[] =>
  text.split('\n').flatMap((line) => {
    const trimmed = line.trim().replace(/\s*,$/, '')
    return trimmed === '' ? [] : [trimmed]
  })

export function countLines(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const line of lines) counts.set(line, (counts.get(line) ?? 0) + 1)
  return counts
}

const add = (counts: Map<string, number>, line: string) => counts.set(line, (counts.get(line) ?? 0) + 1)

/**
 * Whether `toOther` (base index → other side's index) keeps base lines `from`..`to` (the
 * boundaries -1 and `base.length` included) in a row, with nothing inserted between them.
 */
function untouched(toOther: Int32Array, otherLength: number, from: number, to: number): boolean {
  const at = (i: number) => (i < 0 ? -1 : i >= toOther.length ? otherLength : toOther[i])
  for (let i = from; i < to; i++) if (at(i) < 0 || at(i + 1) !== at(i) + 1) return false
  return true
}

/** The accounts of a three-way merge's inputs, as the line diff of each side against the base sees them. */
export function lineAccounts(base: string, left: string, right: string): LineAccounts {
  const [b, l, r] = [base, left, right].map(contentLines)
  const toLeft = compactedMatch(b, l)
  const toRight = compactedMatch(b, r)
  const keptByBoth = new Map<string, number>()
  b.forEach((line, i) => {
    if (toLeft[i] >= 0 && toRight[i] >= 0) add(keptByBoth, line)
  })
  const side = (lines: string[], toSide: Int32Array, toOther: Int32Array, otherLength: number) => {
    const deletedUntouched = new Map<string, number>()
    const kept = new Int32Array(lines.length).fill(-1)
    toSide.forEach((j, i) => {
      if (j >= 0) kept[j] = i
    })
    const added = new Map<string, number>()
    const addedUntouched = new Map<string, number>()
    const hunks: string[][] = []
    // Each gap between kept lines: base lines `previous`+1 .. `next`-1 replaced by side lines `start` .. `j`-1.
    for (let j = 0, previous = -1; ; previous = kept[j++]) {
      const start = j
      while (j < lines.length && kept[j] < 0) j++
      const next = j < lines.length ? kept[j] : toSide.length
      if (start < j || next > previous + 1) {
        const safe = untouched(toOther, otherLength, previous, next)
        const hunk = lines.slice(start, j)
        if (hunk.length > 0) hunks.push(hunk)
        for (const line of hunk) {
          add(added, line)
          if (safe) add(addedUntouched, line)
        }
        if (safe) for (let i = previous + 1; i < next; i++) add(deletedUntouched, b[i])
      }
      if (j >= lines.length) break
    }
    return { added, addedUntouched, deletedUntouched, hunks }
  }
  const fromLeft = side(l, toLeft, toRight, r.length)
  const fromRight = side(r, toRight, toLeft, l.length)
  return {
    counts: { base: countLines(b), left: countLines(l), right: countLines(r) },
    keptByBoth,
    added: { left: fromLeft.added, right: fromRight.added },
    addedUntouched: { left: fromLeft.addedUntouched, right: fromRight.addedUntouched },
    deletedUntouched: { left: fromLeft.deletedUntouched, right: fromRight.deletedUntouched },
    hunks: { left: fromLeft.hunks, right: fromRight.hunks },
    lines: { left: l, right: r },
  }
}
