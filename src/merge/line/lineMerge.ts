import { linePieces } from './linePieces.ts'
import { renderPieces } from './mergedText.ts'

export interface TextMergeResult {
  text: string
  clean: boolean
  /** Number of conflicting regions, each rendered between markers. */
  conflicts: number
}

/**
 * Line-based three-way merge (diff3): changes on one side are taken; the same change on both sides
 * is taken once; overlapping different changes become a conflict region between markers.
 * (Weft's own diff3, `diff3.ts`: node-diff3's took seconds on long runs of repeated lines.)
 */
export function mergeLines(base: string, left: string, right: string): TextMergeResult {
  const { text, conflicts } = renderPieces(linePieces(base, left, right))
  return { text, clean: conflicts.length === 0, conflicts: conflicts.length }
}
