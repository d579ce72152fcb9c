import { matchLines } from './diff3.ts'
import { textLines } from '../../model/textLines.ts'

/**
 * Both sides only deleted lines here, one side every line the other did and more (one dropped a
 * statement, the other that statement and the block after it): that side's version. Git
 * conflicts because the deletions touch; nothing was written that could be lost. Undefined
 * where a side wrote anything new, or where each deleted a line the other kept (two deletions
 * side by side stay a conflict, as in Spork's and Mergiraf's cases).
 */
export function bothDeleted(base: string, left: string, right: string): string | undefined {
  const baseLines = textLines(base)
  const kept = (side: string): Set<number> | undefined => {
    const toBase = matchLines(textLines(side), baseLines)
    return toBase.every((at) => at >= 0) ? new Set(toBase) : undefined
  }
  const [keptLeft, keptRight] = [kept(left), kept(right)]
  if (!keptLeft || !keptRight) return undefined
  const within = (small: Set<number>, large: Set<number>) => [...small].every((at) => large.has(at))
  return within(keptLeft, keptRight) ? left : within(keptRight, keptLeft) ? right : undefined
}
