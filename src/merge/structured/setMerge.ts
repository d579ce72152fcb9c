/**
 * Order-insensitive containers (imports, members, keys) merged as sets of elements: matched by
 * signature wherever they sit, each side's additions kept after the element they follow, left's
 * before right's, in the container's own layout.
 */
import { defaultSeparator, pick, spacing, split, type Split } from './containerLayout.ts'
import { linePieces } from '../line/linePieces.ts'
import type { Piece } from '../line/pieces.ts'
import type { LanguageProfile } from '../profiles/profile.ts'
import { signatureOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import { matchUnordered, shapeOf } from '../tree/treeMatcher.ts'

/** What the set merge needs from the tree merge around it. */
export interface SetMergeContext {
  profile: LanguageProfile
  /** Labels of the enclosing declarations, for conflicts. */
  path: readonly string[]
  emit(text: string): void
  conflict(kind: string, base: string, left: string, right: string): void
  /** Merges three versions of an element where it is written, as the tree merge does. */
  mergeNode(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode, parentKind: string | undefined): void
  /** Adds pieces already made (a line merge of an element's versions). */
  push(pieces: Piece[]): void
}

type Side = 'left' | 'right'

/** One element of a merged order-insensitive container, with where its text comes from. */
interface Element {
  side: Side
  /** Index in its side's element list, to find the separator written before it there. */
  index: number
  /** Its index in each side that has it, to find the separators around it there. */
  at: Partial<Record<Side, number>>
  /** Writes the element; absent for `partial`. */
  render?: () => void
  /** A conflict where one version has no such element: rendered with its separator inside. */
  partial?: { kind: string; base: string; left: string; right: string }
  signature: string | undefined
  /** Whether the other side also has it (matched through base or added identically). */
  shared: boolean
  /** For elements only the leading side has: the shared element they follow there (null at the start). */
  anchor?: Element | null
}

/**
 * Merges an order-insensitive container as a set of elements: in the order of the side that
 * reordered it (else the left's), the other side's additions after their predecessor, left's
 * insertions before right's at the same place. Returns false when a set merge would have to
 * guess (separators it cannot reproduce, edits it cannot pair, conflicting orders), so the
 * caller merges the container in order instead.
 */
export function mergeAsSet(
  context: SetMergeContext,
  b: SyntaxNode,
  l: SyntaxNode,
  r: SyntaxNode,
  valueSet: boolean,
): boolean {
  const { profile } = context
  const [bs, ls, rs] = [split(b, profile), split(l, profile), split(r, profile)]
  if (!bs || !ls || !rs) return false
  const toLeft = matchUnordered(bs.elements, ls.elements, profile, valueSet)
  const toRight = matchUnordered(bs.elements, rs.elements, profile, valueSet)
  const leftOf = invert(toLeft, ls.elements.length)
  const rightOf = invert(toRight, rs.elements.length)
  if (ambiguous(bs.elements, toLeft, toRight, ls.elements, leftOf, rs.elements, rightOf)) return false
  // The order comes from the side that reordered shared elements (the left if neither did);
  // two different reorderings cannot both be kept, so the ordered merge shows them.
  const [leftMoved, rightMoved] = [reordered(toLeft), reordered(toRight)]
  if (leftMoved && rightMoved && !sameOrder(toLeft, toRight)) return false
  const swap = !leftMoved && rightMoved
  const [primary, secondary]: Side[] = swap ? ['right', 'left'] : ['left', 'right']
  const splits = { left: ls, right: rs }
  const toSide = { left: toLeft, right: toRight }
  const sideOf = { left: leftOf, right: rightOf }
  const [ps, ss] = [splits[primary].elements, splits[secondary].elements]
  const [toP, toS, pOf, sOf] = [toSide[primary], toSide[secondary], sideOf[primary], sideOf[secondary]]
  /** Texts of the two sides, given as primary and secondary, as left and right. */
  const oriented = (p: string, q: string) => (swap ? { left: q, right: p } : { left: p, right: q })

  // Elements added on both sides under the same signature or with the same text.
  const twinOf = new Map<number, number>()
  const secondaryTwin = new Set<number>()
  ps.forEach((node, i) => {
    if (pOf[i] >= 0) return
    const signature = signatureOf(node, profile)
    const twin = ss.findIndex(
      (other, j) =>
        sOf[j] < 0 &&
        !secondaryTwin.has(j) &&
        (signature !== undefined
          ? signatureOf(other, profile) === signature
          : shapeOf(other) === shapeOf(node)),
    )
    if (twin >= 0) {
      twinOf.set(i, twin)
      secondaryTwin.add(twin)
    }
  })

  const result: Element[] = []
  const secondaryPlace = new Map<number, Element>()
  let lastShared: Element | null = null
  /** The last element pushed that both sides have from the base. */
  let lastBase: Element | null = null
  const push = (element: Element) => {
    if (element.shared) lastShared = element
    else element.anchor = lastShared
    result.push(element)
  }
  /**
   * Where the secondary side's element `j`, which the primary has too, goes when the secondary
   * added it after an earlier base element than the primary did: after that element (and the
   * primary's insertions there when the primary is the left). Undefined: the primary's place.
   */
  const earlierPlace = (j: number): number | undefined => {
    let anchor: Element | null = null
    for (let k = j - 1; k >= 0 && anchor === null; k--) {
      if (sOf[k] < 0 || toP[sOf[k]] < 0) continue // added here, or deleted by the primary
      const placed = secondaryPlace.get(k)
      if (!placed) return undefined // the primary has it later
      anchor = placed
    }
    if (anchor === lastBase) return undefined
    let at = anchor ? result.indexOf(anchor) + 1 : 0
    while (!swap && at < result.length && !result[at].shared && result[at].anchor === anchor) at++
    return at
  }
  ps.forEach((node, i) => {
    const bi = pOf[i]
    const signature = signatureOf(node, profile)
    const own = { side: primary, index: i, at: { [primary]: i } }
    if (bi >= 0) {
      const si = toS[bi]
      const baseNode = bs.elements[bi]
      if (si < 0) {
        // Deleted on the other side: gone, unless this side changed it.
        if (textOf(node) !== textOf(baseNode)) {
          push({
            ...own,
            signature,
            shared: false,
            partial: { kind: node.kind, base: textOf(baseNode), ...oriented(textOf(node), '') },
          })
        }
        return
      }
      const other = ss[si]
      const [l, r] = swap ? [other, node] : [node, other]
      const element: Element = {
        ...own,
        at: { [primary]: i, [secondary]: si },
        signature: mergedSignature(baseNode, l, r, profile),
        shared: true,
        render: () => context.mergeNode(baseNode, l, r, b.kind),
      }
      push(element)
      lastBase = element
      secondaryPlace.set(si, element)
      return
    }
    const twin = twinOf.get(i)
    if (twin === undefined) {
      push({ ...own, signature, shared: false, render: () => context.emit(textOf(node)) })
      return
    }
    const other = ss[twin]
    const element: Element =
      textOf(other) === textOf(node)
        ? {
            ...own,
            at: { [primary]: i, [secondary]: twin },
            signature,
            shared: true,
            render: () => context.emit(textOf(node)),
          }
        : {
            ...own,
            at: { [primary]: i, [secondary]: twin },
            signature,
            shared: true,
            partial: { kind: node.kind, base: '', ...oriented(textOf(node), textOf(other)) },
          }
    // Added at different places on the two sides: it goes to the earlier one.
    const at = earlierPlace(twin)
    if (at === undefined) push(element)
    else result.splice(at, 0, element)
    secondaryPlace.set(twin, element)
  })
  // Elements the primary side deleted stay deleted unless the secondary side changed them.
  ss.forEach((node, j) => {
    const bi = sOf[j]
    if (bi < 0 || toP[bi] >= 0 || textOf(node) === textOf(bs.elements[bi])) return
    secondaryPlace.set(j, {
      side: secondary,
      index: j,
      at: { [secondary]: j },
      signature: signatureOf(node, profile),
      shared: false,
      partial: { kind: node.kind, base: textOf(bs.elements[bi]), ...oriented('', textOf(node)) },
    })
  })
  // Unnamed statements both sides inserted at one place may depend on their order: the ordered
  // merge shows them as a conflict instead of guessing.
  const orderMatters = (e: Element) => {
    const node = splits[e.side].elements[e.index]
    const docstring = node.children.length === 1 && node.children[0].kind === 'string'
    return e.signature === undefined && node.kind.endsWith('statement') && !docstring
  }
  // Comments alone inserted at one place on both sides say different things about one spot
  // (comments that come with a declaration go with it).
  const isComment = (e: Element) => splits[e.side].elements[e.index].kind.endsWith('comment')
  let clash = false
  let last = -1
  ss.forEach((node, j) => {
    const placed = secondaryPlace.get(j)
    const bi = sOf[j]
    if (placed && placed.side === primary) {
      last = Math.max(last, result.indexOf(placed))
      return
    }
    if (!placed && bi >= 0) return // deleted on the primary side, unchanged here
    const element = placed ?? {
      side: secondary,
      index: j,
      at: { [secondary]: j },
      signature: signatureOf(node, profile),
      shared: false,
      render: () => context.emit(textOf(node)),
    }
    // Left's insertions come first: the right's go after the left's at the same place, the
    // left's (when the right leads) straight after their anchor.
    const after = last < 0 ? null : result[last].shared ? result[last] : undefined
    let end = last + 1
    while (after !== undefined && end < result.length && !result[end].shared && result[end].anchor === after)
      end++
    const rivals = result.slice(last + 1, end)
    if (rivals.length > 0 && [element, ...rivals].some(orderMatters)) clash = true
    if (rivals.length > 0 && [element, ...rivals].every(isComment)) clash = true
    const at = swap ? last + 1 : end
    result.splice(at, 0, element)
    last = at
  })
  if (clash) return false
  // A set holds an element once: a side's new copy of one that is there already goes.
  // (Texts are read only when a side added named elements: most merges add none.)
  const added = result.filter((e) => !e.shared && !e.partial && e.signature !== undefined)
  if (added.length > 0) {
    const key = (e: Element) => `${e.signature}\0${textOf(splits[e.side].elements[e.index])}`
    const present = new Set(
      result.filter((e) => e.shared && e.signature !== undefined && !e.partial).map(key),
    )
    for (const e of added) if (present.has(key(e))) result.splice(result.indexOf(e), 1)
  }

  // A merged element whose signature now appears twice (both sides renamed into one name) is a conflict.
  const counts = new Map<string, number>()
  for (const element of result)
    if (element.signature) counts.set(element.signature, (counts.get(element.signature) ?? 0) + 1)

  context.emit(pick(bs.prefix, ls.prefix, rs.prefix))
  if (result.length === 0)
    context.emit([ls, rs, bs].find((split) => split.elements.length === 0)?.trailing ?? '')
  const separatorOf = (element: Element, k: number) => {
    if (k === 0) return element.index === 0 ? splits[element.side].leading : spacing(bs, ls, rs, 'leading')
    const prev = result[k - 1]
    const sides: Side[] = [element.side, element.side === 'left' ? 'right' : 'left']
    // Neighbours on some side already: the separator they had there.
    for (const side of sides) {
      const [i, p] = [element.at[side], prev.at[side]]
      if (i !== undefined && p === i - 1) return splits[side].separators[p]
    }
    // Else the separator it had after an element of the same kind as its new neighbour, what
    // followed that neighbour, or what usually separates elements of these kinds.
    const kindOf = (e: Element) => splits[e.side].elements[e.index].kind
    const own = splits[element.side]
    if (element.index > 0 && own.elements[element.index - 1].kind === kindOf(prev))
      return own.separators[element.index - 1]
    for (const side of [prev.side, ...sides]) {
      const p = prev.at[side]
      if (p !== undefined && p < splits[side].separators.length) return splits[side].separators[p]
    }
    const declared = profile.separators?.[b.kind]
    if (declared !== undefined && [bs, ls, rs].every((split) => split.separators.length === 0))
      return declared
    return defaultSeparator(kindOf(prev), kindOf(element), bs, ls, rs)
  }
  let written = false // the separator before this element went into the previous conflict
  result.forEach((element, k) => {
    const separator = written ? '' : separatorOf(element, k)
    written = false
    const { partial } = element
    if (partial) {
      // The separator belongs to the element: the version without it must not keep a stray `,`.
      const first = k === 0 && result.length > 1
      // After the last element, the separator's `,` stays with its neighbour when both sides
      // have an element there; when one side has none, its version must not end in a `,`.
      const bothHave = partial.left !== '' && partial.right !== ''
      const punctuation = !first && k === result.length - 1 && bothHave ? separator.match(/^[^\s]*/)![0] : ''
      const [before, after] = first
        ? ['', separatorOf(result[1], 1)]
        : [separator.slice(punctuation.length), '']
      if (first) context.emit(separator)
      context.emit(punctuation)
      const wrap = (text: string) => (text === '' ? '' : before + text + after)
      context.conflict(partial.kind, wrap(partial.base), wrap(partial.left), wrap(partial.right))
      written = first
      return
    }
    context.emit(separator)
    const duplicated = element.signature !== undefined && counts.get(element.signature)! > 1 && element.shared
    if (duplicated) renderDuplicate(context, element, bs, splits, toSide)
    else element.render!()
  })
  if (result.length > 0) context.emit(spacing(bs, ls, rs, 'trailing') + spacing(bs, ls, rs, 'suffix'))
  else context.emit(pick(bs.suffix, ls.suffix, rs.suffix))
  return true
}

/** The signature a merged element will carry: the side that renamed it wins. */
function mergedSignature(
  b: SyntaxNode,
  l: SyntaxNode,
  r: SyntaxNode,
  profile: LanguageProfile,
): string | undefined {
  const [sb, sl, sr] = [signatureOf(b, profile), signatureOf(l, profile), signatureOf(r, profile)]
  return sl !== sb ? sl : sr
}

/** Renders a merged element that would collide with another as a line-level conflict of its versions. */
function renderDuplicate(
  context: SetMergeContext,
  element: Element,
  bs: Split,
  splits: Record<Side, Split>,
  toSide: Record<Side, Int32Array>,
): void {
  const other: Side = element.side === 'left' ? 'right' : 'left'
  const own = splits[element.side].elements[element.index]
  const bi = toSide[element.side].indexOf(element.index)
  const b = bi >= 0 ? textOf(bs.elements[bi]) : ''
  const theirs = bi >= 0 && toSide[other][bi] >= 0 ? textOf(splits[other].elements[toSide[other][bi]]) : ''
  const [l, r] = element.side === 'left' ? [textOf(own), theirs] : [theirs, textOf(own)]
  const regions = linePieces(b, l, r, own.kind, [...context.path])
  if (regions.every((region) => typeof region === 'string')) context.conflict(own.kind, b, l, r)
  else context.push(regions)
}

/**
 * Whether a set merge would guess: an anonymous element gone from both sides while both sides
 * brought new anonymous elements of its kind is most likely edited on both sides, and a set
 * merge would keep both edits. The ordered merge sees such edits as a conflict instead.
 */
function ambiguous(
  base: SyntaxNode[],
  toLeft: Int32Array,
  toRight: Int32Array,
  left: SyntaxNode[],
  leftOf: Int32Array,
  right: SyntaxNode[],
  rightOf: Int32Array,
): boolean {
  const added = (side: SyntaxNode[], sideOf: Int32Array, kind: string) =>
    side.some((node, i) => sideOf[i] < 0 && node.kind === kind)
  return base.some(
    (node, b) =>
      toLeft[b] < 0 && toRight[b] < 0 && added(left, leftOf, node.kind) && added(right, rightOf, node.kind),
  )
}

/** Whether a side changed the relative order of the base elements it kept. */
const reordered = (toSide: Int32Array): boolean => {
  let last = -1
  for (const index of toSide) {
    if (index < 0) continue
    if (index < last) return true
    last = index
  }
  return false
}

/** Whether both sides keep the base elements they share in the same relative order. */
const sameOrder = (toLeft: Int32Array, toRight: Int32Array): boolean => {
  const shared = Array.from(toLeft.keys()).filter((b) => toLeft[b] >= 0 && toRight[b] >= 0)
  const byLeft = [...shared].sort((x, y) => toLeft[x] - toLeft[y])
  const byRight = [...shared].sort((x, y) => toRight[x] - toRight[y])
  return byLeft.every((b, k) => b === byRight[k])
}

const invert = (match: Int32Array, size: number): Int32Array => {
  const inverse = new Int32Array(size).fill(-1)
  match.forEach((to, from) => {
    if (to >= 0) inverse[to] = from
  })
  return inverse
}
