/**
 * The first step of a set merge: an order-insensitive container's three versions cut into
 * elements, the elements matched across versions, and the side whose order the merge keeps.
 */
import type { LanguageProfile } from '../profiles/profile.ts'
import type { SyntaxNode } from '../tree/syntaxTree.ts'
import { matchUnordered } from '../tree/treeMatcher.ts'
import { split, type Split } from './containerLayout.ts'

export type Side = 'left' | 'right'

export const otherSide = (side: Side): Side => (side === 'left' ? 'right' : 'left')

/** A container's three versions as elements, matched, with the side whose order the merge keeps. */
export interface MatchedSets {
  base: Split
  sides: Record<Side, Split>
  /** For each base element, its index among a side's elements; -1 where that side has it no more. */
  baseToSide: Record<Side, Int32Array>
  /** For each element of a side, the index of its base element; -1 where the side added it. */
  sideToBase: Record<Side, Int32Array>
  /** The side that reordered shared elements, else the left: the merge keeps its order. */
  primary: Side
  secondary: Side
}

/**
 * The three versions cut and matched; undefined when a set merge would have to guess: a version
 * is not a plain list, an element looks edited on both sides, or both sides reordered differently.
 */
export function matchSets(
  profile: LanguageProfile,
  base: SyntaxNode,
  left: SyntaxNode,
  right: SyntaxNode,
  valueSet: boolean,
): MatchedSets | undefined {
  const [baseSplit, leftSplit, rightSplit] = [
    split(base, profile),
    split(left, profile),
    split(right, profile),
  ]
  if (!baseSplit || !leftSplit || !rightSplit) return undefined
  const baseToLeft = matchUnordered(baseSplit.elements, leftSplit.elements, profile, valueSet)
  const baseToRight = matchUnordered(baseSplit.elements, rightSplit.elements, profile, valueSet)
  const leftToBase = invert(baseToLeft, leftSplit.elements.length)
  const rightToBase = invert(baseToRight, rightSplit.elements.length)
  const baseToSide = { left: baseToLeft, right: baseToRight }
  const sideToBase = { left: leftToBase, right: rightToBase }
  const sides = { left: leftSplit, right: rightSplit }
  if (editedOnBothSides(baseSplit.elements, sides, baseToSide, sideToBase)) return undefined
  // The order comes from the side that reordered shared elements (the left if neither did);
  // two different reorderings cannot both be kept, so the ordered merge shows them.
  const [leftMoved, rightMoved] = [reordered(baseToLeft), reordered(baseToRight)]
  if (leftMoved && rightMoved && !sameOrder(baseToLeft, baseToRight)) return undefined
  const primary: Side = !leftMoved && rightMoved ? 'right' : 'left'
  return { base: baseSplit, sides, baseToSide, sideToBase, primary, secondary: otherSide(primary) }
}

/**
 * Whether a set merge would guess: an anonymous element gone from both sides while both sides
 * brought new anonymous elements of its kind is most likely edited on both sides, and a set
 * merge would keep both edits. The ordered merge sees such edits as a conflict instead.
 */
function editedOnBothSides(
  base: SyntaxNode[],
  sides: Record<Side, Split>,
  baseToSide: Record<Side, Int32Array>,
  sideToBase: Record<Side, Int32Array>,
): boolean {
  const added = (side: Side, kind: string) =>
    sides[side].elements.some((node, i) => sideToBase[side][i] < 0 && node.kind === kind)
  return base.some(
    (node, b) =>
      baseToSide.left[b] < 0 &&
      baseToSide.right[b] < 0 &&
      added('left', node.kind) &&
      added('right', node.kind),
  )
}

/** Whether a side changed the relative order of the base elements it kept. */
function reordered(baseToSide: Int32Array): boolean {
  let last = -1
  for (const index of baseToSide) {
    if (index < 0) continue
    if (index < last) return true
    last = index
  }
  return false
}

/** Whether both sides keep the base elements they share in the same relative order. */
function sameOrder(baseToLeft: Int32Array, baseToRight: Int32Array): boolean {
  const shared = Array.from(baseToLeft.keys()).filter((b) => baseToLeft[b] >= 0 && baseToRight[b] >= 0)
  const byLeft = [...shared].sort((x, y) => baseToLeft[x] - baseToLeft[y])
  const byRight = [...shared].sort((x, y) => baseToRight[x] - baseToRight[y])
  return byLeft.every((b, k) => b === byRight[k])
}

function invert(match: Int32Array, size: number): Int32Array {
  const inverse = new Int32Array(size).fill(-1)
  match.forEach((to, from) => {
    if (to >= 0) inverse[to] = from
  })
  return inverse
}
