import { diff3 } from './diff3.ts'

/** Words, runs of blanks and single marks: the units a person edits inside a line. */
const words = (text: string): string[] => text.match(/\w+|\s+|[^\w\s]/g) ?? []

/**
 * One side's version already holds the other's edit, word for word, with more of its own
 * (`yarn install --no-lockfile` → `pnpm install --no-lockfile` on one side, `pnpm install` on
 * the other): that version. Decided by a diff3 over words, so only where every stretch of words
 * the other side changed the holding side changed the same way; undefined otherwise. Where both
 * sides' changes touch, the holding side may have re-laid the words around the shared edit
 * (see {@link relaidAround}).
 */
export function heldEdit(base: string, left: string, right: string): string | undefined {
  const [b, l, r] = [words(base), words(left), words(right)]
  let merged = ''
  for (const region of diff3(l, b, r)) {
    if ('ok' in region) merged += region.ok.join('')
    else {
      const { base: bc, left: lc, right: rc } = region.conflict
      // Each holding the other's edit is the same edit in two layouts: no side to prefer.
      const [rightHolds, leftHolds] = [relaidAround(bc, lc, rc), relaidAround(bc, rc, lc)]
      if (rightHolds === leftHolds) return undefined
      merged += (rightHolds ? rc : lc).join('')
    }
  }
  return merged === left ? left : merged === right ? right : undefined
}

/** Blanks and commas: what a formatter changes around code (Prettier's one-per-line wrapping, trailing commas). */
const LAYOUT = /^(\s+|,)$/
const layoutOnly = (stretch: string[]) => stretch.every((word) => LAYOUT.test(word))

/**
 * Whether `holder` is `edited`'s one edit of `base` (its words between what it kept before and
 * after) with only blanks and commas around it changed: `onRender` → `onDoc` on one side, the
 * same rename on the other with the parameters wrapped one per line. What `edited` kept around
 * its edit must be blanks and commas too, so the holder changed nothing else the edit sits in,
 * and the edit must hold a word (moving a comma is no edit to hold).
 */
function relaidAround(base: string[], edited: string[], holder: string[]): boolean {
  let before = 0
  while (before < base.length && before < edited.length && base[before] === edited[before]) before++
  let after = 0
  while (
    after < base.length - before &&
    after < edited.length - before &&
    base[base.length - 1 - after] === edited[edited.length - 1 - after]
  )
    after++
  const edit = edited.slice(before, edited.length - after)
  if (!edit.some((word) => /\w/.test(word))) return false
  if (!layoutOnly(edited.slice(0, before)) || !layoutOnly(edited.slice(edited.length - after))) return false
  for (let at = 0; at + edit.length <= holder.length; at++) {
    if (!edit.every((word, i) => holder[at + i] === word)) continue
    return layoutOnly(holder.slice(0, at)) && layoutOnly(holder.slice(at + edit.length))
  }
  return false
}
