import { diff3 } from './diff3.ts'
import type { Piece } from './pieces.ts'

const lines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/))

/** The line-based diff3 merge (as `lineMerge.ts`) as pieces, so it renders and reports like the structured merge. */
export function linePieces(base: string, left: string, right: string, kind = 'line', path: string[] = []): Piece[] {
  return diff3(lines(left), lines(base), lines(right)).map((region) => {
    if ('ok' in region) return region.ok.join('')
    const { left: l, base: b, right: r } = region.conflict
    return { kind, path, base: b.join(''), left: l.join(''), right: r.join('') }
  })
}
