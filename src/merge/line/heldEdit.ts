import { diff3 } from './diff3.ts'

/** Words, runs of blanks and single marks: the units a person edits inside a line. */
const words = (text: string): string[] => text.match(/\w+|\s+|[^\w\s]/g) ?? []

/**
 * One side's version already holds the other's edit, word for word, with more of its own
 * (`yarn install --no-lockfile` → `pnpm install --no-lockfile` on one side, `pnpm install` on
 * the other): that version. Decided by a diff3 over words, so only where every stretch of words
 * the other side changed the holding side changed the same way; undefined otherwise.
 */
export function heldEdit(base: string, left: string, right: string): string | undefined {
  const [b, l, r] = [words(base), words(left), words(right)]
  let merged = ''
  for (const region of diff3(l, b, r)) {
    if (!('ok' in region)) return undefined
    merged += region.ok.join('')
  }
  return merged === left ? left : merged === right ? right : undefined
}
