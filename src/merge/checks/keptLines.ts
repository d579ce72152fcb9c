/**
 * Part of the first check every clean merge passes (cleanResult.ts): it must not lose a line the
 * versions agree on. Lines are compared trimmed (a merge may reindent) and blank lines are left
 * out (layout, not content); a trailing comma, unlike in the line accounts, counts.
 */
import { countLines } from './lineAccounts.ts'

/** How many times each non-blank line occurs in `text`, trimmed. */
const lineCounts = (text: string): Map<string, number> =>
  countLines(text.split('\n').flatMap((line) => (line.trim() === '' ? [] : [line.trim()])))

/**
 * Whether `merged` keeps every line base, left and right share: a line they hold `b`, `l` and `r`
 * times must appear at least `min(l, r, l + r − b)` times. `l + r − b` lets each side delete its
 * own occurrences (as many as it has fewer than the base, different ones on each side), `min(l, r)`
 * never asks for more than a side kept, and lines only one side has are not asked for at all
 * (the other side may have deleted what encloses them). Below that floor the merge dropped a
 * line no side deleted. Linear in the texts' length.
 */
export function keepsSharedLines(base: string, left: string, right: string, merged: string): boolean {
  const [b, l, r, m] = [base, left, right, merged].map(lineCounts)
  for (const [line, inLeft] of l) {
    const inRight = r.get(line)
    if (inRight === undefined) continue
    const floor = Math.min(inLeft, inRight, inLeft + inRight - (b.get(line) ?? 0))
    if ((m.get(line) ?? 0) < floor) return false
  }
  return true
}
