import { diff3 } from './diff3.ts'
import type { Piece } from './pieces.ts'
import { decidedConflict } from './decidedConflict.ts'

/** The lines of `text`, each with its newline (a split on a lookbehind is several times slower). */
export function lines(text: string): string[] {
  const result: string[] = []
  let from = 0
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', from)) {
    result.push(text.slice(from, end + 1))
    from = end + 1
  }
  if (from < text.length) result.push(text.slice(from))
  return result
}

/** The line-based diff3 merge (as `lineMerge.ts`) as pieces, so it renders and reports like the structured merge. */
export function linePieces(
  base: string,
  left: string,
  right: string,
  kind = 'line',
  path: string[] = [],
): Piece[] {
  return diff3(lines(left), lines(base), lines(right)).map((region) => {
    if ('ok' in region) return region.ok.join('')
    const [b, l, r] = [region.conflict.base, region.conflict.left, region.conflict.right].map((side) =>
      side.join(''),
    )
    return decidedConflict(b, l, r) ?? { kind, path, base: b, left: l, right: r }
  })
}
