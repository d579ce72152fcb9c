import { linePieces } from './lineBased.ts'
import { followMovedEdits, madeAlready } from './movedLines.ts'
import { lineIndent, reindent } from './indent.ts'
import { followMovedNodes, type ConflictNodes, type MergeNodes } from './movedNodes.ts'
import type { ConflictPiece, Piece } from './pieces.ts'
import { isCommutative, isValueSet, type LanguageProfile } from './profiles/profile.ts'
import { labelOf, signatureOf } from './signature.ts'
import { textOf, type SyntaxNode, type SyntaxTree } from './syntaxTree.ts'
import { matchOrdered, matchUnordered, shapeOf, tokenCount } from './treeMatcher.ts'
import { defaultSeparator, pick, spacing, split, type Split } from './containerLayout.ts'

/** Thrown when the merge runs past its deadline; the caller falls back to the line merge. */
export class MergeTimeout extends Error {}

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

/** Text between the end of `prev` (or the start of `parent`) and the start of `node`. */
const gapBefore = (parent: SyntaxNode, children: SyntaxNode[], i: number): string =>
  parent.source.slice(i === 0 ? parent.start : children[i - 1].end, children[i].start)

const spanText = (nodes: SyntaxNode[], parent: SyntaxNode, from: number, to: number): string =>
  from >= to ? '' : parent.source.slice(gapStart(parent, nodes, from), nodes[to - 1].end)

const gapStart = (parent: SyntaxNode, nodes: SyntaxNode[], i: number): number => (i === 0 ? parent.start : nodes[i - 1].end)

/**
 * Structured three-way merge of three parsed versions (Mergiraf-style, simplified): nodes changed
 * on one side are taken whole with their original text; nodes changed on both sides are merged
 * child by child; order-insensitive containers are merged as sets keyed by signature; whatever
 * cannot be decided becomes a conflict piece at the smallest enclosing node.
 */
export function mergeParsed(base: SyntaxTree, left: SyntaxTree, right: SyntaxTree, profile: LanguageProfile, deadline: number): Piece[] {
  let pieces: Piece[] = []
  const path: string[] = []
  let steps = 0
  /** The nodes behind conflicts, to look for where code went that one side moved. */
  const nodesOf = new Map<ConflictPiece, ConflictNodes>()

  const emit = (text: string) => { if (text !== '') pieces.push(text) }
  const conflict = (kind: string, b: string, l: string, r: string, nodes?: ConflictNodes) => {
    // One side already made the other's edit, where it moved or unwrapped that code: its version holds both.
    if (madeAlready(b, l, r)) return emit(r)
    if (madeAlready(b, r, l)) return emit(l)
    const piece = { base: b, left: l, right: r, kind, path: [...path] }
    if (nodes) nodesOf.set(piece, nodes)
    pieces.push(piece)
  }

  /** Three nodes merged on their own, away from the file's pieces: their text, or undefined on a conflict. */
  const mergeDetached: MergeNodes = (b, l, r) => {
    const outer = pieces
    pieces = []
    try {
      mergeNode(b, l, r, undefined)
      return pieces.every((piece) => typeof piece === 'string') ? pieces.join('') : undefined
    } finally {
      pieces = outer
    }
  }

  function mergeNode(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode, parentKind: string | undefined): void {
    if ((++steps & 255) === 0 && Date.now() > deadline) throw new MergeTimeout()
    const [tb, tl, tr] = [textOf(b), textOf(l), textOf(r)]
    if (tl === tb) return emit(tr)
    if (tr === tb || tl === tr) return emit(tl)
    const valueSet = isValueSet(profile, b.kind, path)
    const label = labelOf(b, profile)
    if (label) path.push(label)
    try {
      if (mergeWrapped(b, l, r)) {
        // one side nested the node, unchanged, in new code; the other side's edit went into it
      } else if (b.kind !== l.kind || b.kind !== r.kind || [b, l, r].some(opaque)) {
        conflict(b.kind, tb, tl, tr, { base: [b], left: [l], right: [r] })
      } else if ((valueSet || isCommutative(profile, b.kind, parentKind) || allKeyed(b, l, r)) && mergeUnordered(b, l, r, valueSet)) {
        // merged as a set
      } else {
        mergeOrdered(b, l, r)
      }
    } finally {
      if (label) path.pop()
    }
  }

  /**
   * One side kept the node as it was but nested it inside new code (a wrapping `if`, a grouped
   * `use` list); the other edited it: the wrapping side's version, with the edit where the node
   * went, reindented like it.
   */
  function mergeWrapped(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode): boolean {
    for (const [wrapper, editor] of [[l, r], [r, l]]) {
      const inner = nestedCopies(wrapper, b)
      if (inner.length !== 1 || tokenCount(b) < MIN_WRAPPED_TOKENS || nestedCopies(editor, b).length > 0) continue
      const [at] = inner
      emit(wrapper.source.slice(wrapper.start, at.start))
      emit(reindent(textOf(editor), lineIndent(editor), lineIndent(at)))
      emit(wrapper.source.slice(at.end, wrapper.end))
      return true
    }
    return false
  }

  /**
   * A leaf, or a node with text no child covers (TOML's string contents are no node): merged
   * child by child, that text would be taken from one side as mere spacing.
   */
  const opaque = (node: SyntaxNode): boolean =>
    node.children.length === 0 || node.children.some((_, i) => /\S/.test(gapBefore(node, node.children, i))) || /\S/.test(trailing(node))

  /**
   * A container that is order-insensitive when its elements are named, and they are, after
   * unnamed ones all versions start with alike (`f(x, key=1)`: the positional `x` stays first).
   */
  const allKeyed = (...nodes: SyntaxNode[]) => {
    if (!(profile.commutativeWhenKeyed ?? []).includes(nodes[0].kind)) return false
    const heads = nodes.map((node) => {
      const elements = node.children.filter((child) => child.named && child.kind !== 'comment')
      const firstKeyed = elements.findIndex((child) => signatureOf(child, profile) !== undefined)
      const head = firstKeyed < 0 ? elements : elements.slice(0, firstKeyed)
      const tailKeyed = elements.slice(head.length).every((child) => signatureOf(child, profile) !== undefined)
      return tailKeyed ? head.map(shapeOf).join('\u0001') : undefined
    })
    return heads.every((head) => head !== undefined && head === heads[0])
  }

  /** Merges children in order: diff3 over the children, with matched children merged recursively. */
  function mergeOrdered(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode): void {
    const [bc, lc, rc] = [b.children, l.children, r.children]
    const toLeft = matchOrdered(bc, lc, profile)
    const toRight = matchOrdered(bc, rc, profile)
    // Brackets one side took away or added change what the other side's new elements would be
    // part of (`import (a,\n b)` without its parentheses ends at the line break): a conflict.
    if ((brackets(l) !== brackets(b) && insertsNamed(rc, toRight)) || (brackets(r) !== brackets(b) && insertsNamed(lc, toLeft))) {
      return conflict(b.kind, textOf(b), textOf(l), textOf(r), { base: [b], left: [l], right: [r] })
    }
    let [bi, li, ri] = [0, 0, 0]
    // A first child merged away entirely (both sides dropped different modifiers) takes the
    // spacing after it along.
    let vanished = false
    for (let anchor = 0; anchor <= bc.length; anchor++) {
      if (anchor < bc.length && (toLeft[anchor] < 0 || toRight[anchor] < 0)) continue
      const [lEnd, rEnd] = anchor < bc.length ? [toLeft[anchor], toRight[anchor]] : [lc.length, rc.length]
      const mark = pieces.length
      mergeChunk(b, l, r, [bi, anchor], [li, lEnd], [ri, rEnd], toLeft, toRight)
      if (pieces.length > mark) vanished = false
      if (anchor < bc.length) {
        const gaps = [gapBefore(b, bc, anchor), gapBefore(l, lc, lEnd), gapBefore(r, rc, rEnd)] as const
        const gap = pick(...gaps)
        const last = pieces.length > mark ? pieces[pieces.length - 1] : undefined
        if (typeof last === 'object' && [last.base, last.left, last.right].includes('') && gaps.every((text) => /^[ \t]*$/.test(text))) {
          // After a conflict where a version has nothing (a modifier only the sides added), each
          // version keeps its own spacing: `void run()` must not become ` void run()`.
          last.base += gaps[0]
          last.left += gaps[1]
          last.right += gaps[2]
        } else if (!(vanished && /^\s*$/.test(gap))) emit(gap)
        const before = pieces.length
        mergeNode(bc[anchor], lc[lEnd], rc[rEnd], b.kind)
        vanished = anchor === 0 && pieces.length === before && textOf(bc[anchor]) !== ''
      }
      ;[bi, li, ri] = [anchor + 1, lEnd + 1, rEnd + 1]
    }
    emit(pick(trailing(b), trailing(l), trailing(r)))
  }

  /** A stretch between two anchors: taken from the side that changed it, else a conflict. */
  function mergeChunk(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode, [bi, bEnd]: number[], [li, lEnd]: number[], [ri, rEnd]: number[], toLeft: Int32Array, toRight: Int32Array): void {
    const unchanged = (side: SyntaxNode, from: number, end: number, toSide: Int32Array) =>
      end - from === bEnd - bi && Array.from({ length: bEnd - bi }, (_, k) => k).every((k) =>
        toSide[bi + k] === from + k && textOf(side.children[from + k]) === textOf(b.children[bi + k]))
    const [ls, rs] = [spanText(l.children, l, li, lEnd), spanText(r.children, r, ri, rEnd)]
    if (unchanged(l, li, lEnd, toLeft)) return emit(rs)
    if (unchanged(r, ri, rEnd, toRight) || ls === rs) return emit(ls)
    const bs = spanText(b.children, b, bi, bEnd)
    if (ls.trim() === rs.trim()) return emit(ls)
    // Both sides only deleted, one of them everything the other did: its deletions hold both.
    const [lKept, rKept] = [kept(b, l, bi, bEnd, li, lEnd, toLeft), kept(b, r, bi, bEnd, ri, rEnd, toRight)]
    if (lKept && rKept && (lKept.length > 0 || rKept.length > 0)) {
      if (lKept.every((k) => rKept.includes(k))) return emit(ls)
      if (rKept.every((k) => lKept.includes(k))) return emit(rs)
    }
    // What the base had here both sides dropped: each side's one new node is an addition.
    const droppedByBoth = Array.from({ length: bEnd - bi }, (_, k) => bi + k).every((k) => toLeft[k] < 0 && toRight[k] < 0)
    if (droppedByBoth && lEnd - li === 1 && rEnd - ri === 1 && mergeAdded(b, l, li, r, ri)) return
    conflict(b.kind, bs, ls, rs, { base: b.children.slice(bi, bEnd), left: l.children.slice(li, lEnd), right: r.children.slice(ri, rEnd) })
  }

  /**
   * The base children of a stretch a side kept, when it only deleted some and changed nothing
   * else there; undefined otherwise.
   */
  function kept(b: SyntaxNode, side: SyntaxNode, bi: number, bEnd: number, from: number, end: number, toSide: Int32Array): number[] | undefined {
    const indices: number[] = []
    for (let k = bi; k < bEnd; k++) {
      const at = toSide[k]
      if (at < 0) continue
      if (at < from || at >= end || textOf(side.children[at]) !== textOf(b.children[k])) return undefined
      indices.push(k)
    }
    return indices.length === end - from ? indices : undefined
  }

  /**
   * One node of a kind both sides added at one place, merged with nothing for a base: an
   * order-insensitive container's elements as sets (`public` and `static` before a class that had
   * no modifiers); else the one child they differ in, as a set when it is an order-insensitive
   * container (`implements Foo` and `implements Bar`), otherwise as a conflict of that child alone
   * (two `try:` blocks with different bodies and the same `finally:`).
   */
  function mergeAdded(b: SyntaxNode, l: SyntaxNode, li: number, r: SyntaxNode, ri: number): boolean {
    const [ln, rn] = [l.children[li], r.children[ri]]
    const gap = gapBefore(l, l.children, li)
    if (ln.kind !== rn.kind || gap !== gapBefore(r, r.children, ri)) return false
    const mark = pieces.length
    emit(gap)
    if (isCommutative(profile, ln.kind, b.kind)) {
      if (mergeUnordered({ ...ln, end: ln.start, children: [] }, ln, rn, false)) return true
    } else {
      const inner = differingChild(ln, rn)
      if (inner >= 0) {
        const [lk, rk] = [ln.children[inner], rn.children[inner]]
        const [before, after] = [ln.source.slice(ln.start, lk.start), ln.source.slice(lk.end, ln.end)]
        const commutative = isCommutative(profile, lk.kind, ln.kind)
        // A conflict of the child alone only on lines of its own: its base version, empty, must
        // not keep a stray `;` from around it.
        if (commutative || (/\n\s*$/.test(before) && /^[ \t]*\n/.test(after))) {
          emit(before)
          const merged = commutative ? mergeUnordered({ ...lk, end: lk.start, children: [] }, lk, rk, false) : (conflict(lk.kind, '', textOf(lk), textOf(rk)), true)
          if (merged) {
            emit(after)
            return true
          }
        }
      }
    }
    pieces.length = mark
    return false
  }

  /** The one child two nodes of a kind differ in, with the same kinds and text around it; else -1. */
  function differingChild(ln: SyntaxNode, rn: SyntaxNode): number {
    const [lc, rc] = [ln.children, rn.children]
    if (lc.length !== rc.length || lc.some((child, i) => child.kind !== rc[i].kind)) return -1
    const differing = lc.flatMap((child, i) => (textOf(child) === textOf(rc[i]) ? [] : [i]))
    if (differing.length !== 1) return -1
    const k = differing[0]
    const around = (node: SyntaxNode) => [node.source.slice(node.start, node.children[k].start), node.source.slice(node.children[k].end, node.end)]
    const [la, ra] = [around(ln), around(rn)]
    return la[0] === ra[0] && la[1] === ra[1] ? k : -1
  }

  const trailing = (node: SyntaxNode) =>
    node.children.length === 0 ? '' : node.source.slice(node.children[node.children.length - 1].end, node.end)

  /**
   * Merges an order-insensitive container as a set of elements: in the order of the side that
   * reordered it (else the left's), the other side's additions after their predecessor, left's
   * insertions before right's at the same place. Returns false when a set merge would have to
   * guess (separators it cannot reproduce, edits it cannot pair, conflicting orders), so the
   * caller merges the container in order instead.
   */
  function mergeUnordered(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode, valueSet: boolean): boolean {
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
      const twin = ss.findIndex((other, j) => sOf[j] < 0 && !secondaryTwin.has(j)
        && (signature !== undefined ? signatureOf(other, profile) === signature : shapeOf(other) === shapeOf(node)))
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
            push({ ...own, signature, shared: false, partial: { kind: node.kind, base: textOf(baseNode), ...oriented(textOf(node), '') } })
          }
          return
        }
        const other = ss[si]
        const [l, r] = swap ? [other, node] : [node, other]
        const element: Element = { ...own, at: { [primary]: i, [secondary]: si }, signature: mergedSignature(baseNode, l, r), shared: true, render: () => mergeNode(baseNode, l, r, b.kind) }
        push(element)
        lastBase = element
        secondaryPlace.set(si, element)
        return
      }
      const twin = twinOf.get(i)
      if (twin === undefined) {
        push({ ...own, signature, shared: false, render: () => emit(textOf(node)) })
        return
      }
      const other = ss[twin]
      const element: Element = textOf(other) === textOf(node)
        ? { ...own, at: { [primary]: i, [secondary]: twin }, signature, shared: true, render: () => emit(textOf(node)) }
        : { ...own, at: { [primary]: i, [secondary]: twin }, signature, shared: true, partial: { kind: node.kind, base: '', ...oriented(textOf(node), textOf(other)) } }
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
      secondaryPlace.set(j, { side: secondary, index: j, at: { [secondary]: j }, signature: signatureOf(node, profile), shared: false, partial: { kind: node.kind, base: textOf(bs.elements[bi]), ...oriented('', textOf(node)) } })
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
      const element = placed ?? { side: secondary, index: j, at: { [secondary]: j }, signature: signatureOf(node, profile), shared: false, render: () => emit(textOf(node)) }
      // Left's insertions come first: the right's go after the left's at the same place, the
      // left's (when the right leads) straight after their anchor.
      const after = last < 0 ? null : result[last].shared ? result[last] : undefined
      let end = last + 1
      while (after !== undefined && end < result.length && !result[end].shared && result[end].anchor === after) end++
      const rivals = result.slice(last + 1, end)
      if (rivals.length > 0 && [element, ...rivals].some(orderMatters)) clash = true
      if (rivals.length > 0 && [element, ...rivals].every(isComment)) clash = true
      const at = swap ? last + 1 : end
      result.splice(at, 0, element)
      last = at
    })
    if (clash) return false

    // A merged element whose signature now appears twice (both sides renamed into one name) is a conflict.
    const counts = new Map<string, number>()
    for (const element of result) if (element.signature) counts.set(element.signature, (counts.get(element.signature) ?? 0) + 1)

    emit(pick(bs.prefix, ls.prefix, rs.prefix))
    if (result.length === 0) emit([ls, rs, bs].find((split) => split.elements.length === 0)?.trailing ?? '')
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
      if (element.index > 0 && own.elements[element.index - 1].kind === kindOf(prev)) return own.separators[element.index - 1]
      for (const side of [prev.side, ...sides]) {
        const p = prev.at[side]
        if (p !== undefined && p < splits[side].separators.length) return splits[side].separators[p]
      }
      const declared = profile.separators?.[b.kind]
      if (declared !== undefined && [bs, ls, rs].every((split) => split.separators.length === 0)) return declared
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
        const [before, after] = first ? ['', separatorOf(result[1], 1)] : [separator.slice(punctuation.length), '']
        if (first) emit(separator)
        emit(punctuation)
        const wrap = (text: string) => (text === '' ? '' : before + text + after)
        conflict(partial.kind, wrap(partial.base), wrap(partial.left), wrap(partial.right))
        written = first
        return
      }
      emit(separator)
      const duplicated = element.signature !== undefined && counts.get(element.signature)! > 1 && element.shared
      if (duplicated) renderDuplicate(element, bs, splits, toSide)
      else element.render!()
    })
    if (result.length > 0) emit(spacing(bs, ls, rs, 'trailing') + spacing(bs, ls, rs, 'suffix'))
    else emit(pick(bs.suffix, ls.suffix, rs.suffix))
    return true
  }

  /** The signature a merged element will carry: the side that renamed it wins. */
  function mergedSignature(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode): string | undefined {
    const [sb, sl, sr] = [signatureOf(b, profile), signatureOf(l, profile), signatureOf(r, profile)]
    return sl !== sb ? sl : sr
  }

  /** Renders a merged element that would collide with another as a line-level conflict of its versions. */
  function renderDuplicate(element: Element, bs: Split, splits: Record<Side, Split>, toSide: Record<Side, Int32Array>): void {
    const other: Side = element.side === 'left' ? 'right' : 'left'
    const own = splits[element.side].elements[element.index]
    const bi = toSide[element.side].indexOf(element.index)
    const b = bi >= 0 ? textOf(bs.elements[bi]) : ''
    const theirs = bi >= 0 && toSide[other][bi] >= 0 ? textOf(splits[other].elements[toSide[other][bi]]) : ''
    const [l, r] = element.side === 'left' ? [textOf(own), theirs] : [theirs, textOf(own)]
    const regions = linePieces(b, l, r, own.kind, [...path])
    if (regions.every((region) => typeof region === 'string')) conflict(own.kind, b, l, r)
    else pieces.push(...regions)
  }

  const [tb, tl, tr] = [base.source, left.source, right.source]
  const [rb, rl, rr] = [base.root, left.root, right.root]
  emit(pick(tb.slice(0, rb.start), tl.slice(0, rl.start), tr.slice(0, rr.start)))
  mergeNode(rb, rl, rr, undefined)
  emit(pick(tb.slice(rb.end), tl.slice(rl.end), tr.slice(rr.end)))
  followMovedNodes(pieces, nodesOf, { base: rb, left: rl, right: rr }, profile, mergeDetached)
  followMovedEdits(pieces, tb, tl, tr)
  return pieces
}

const BRACKETS = new Set(['(', ')', '[', ']', '{', '}'])

/** The brackets among a node's own tokens, in order. */
const brackets = (node: SyntaxNode): string => node.children.filter((child) => BRACKETS.has(child.kind)).map((child) => child.kind).join('')

/** Whether a side has named children that no base child was matched to: it inserted some. */
function insertsNamed(children: SyntaxNode[], toSide: Int32Array): boolean {
  const matched = new Set(toSide)
  return children.some((child, i) => child.named && !matched.has(i))
}

/** Below this many tokens a node is too common to be recognised inside other code. */
const MIN_WRAPPED_TOKENS = 5

/** The proper descendants of `node` equal to `target` but for whitespace. */
function nestedCopies(node: SyntaxNode, target: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = []
  const length = target.end - target.start
  const visit = (parent: SyntaxNode) => {
    for (const child of parent.children) {
      if (child.end - child.start < length / 2) continue // too short to hold it, even reindented less
      if (child.kind === target.kind && shapeOf(child) === shapeOf(target)) found.push(child)
      else visit(child)
    }
  }
  visit(node)
  return found
}

/**
 * Whether a set merge would guess: an anonymous element gone from both sides while both sides
 * brought new anonymous elements of its kind is most likely edited on both sides, and a set
 * merge would keep both edits. The ordered merge sees such edits as a conflict instead.
 */
function ambiguous(base: SyntaxNode[], toLeft: Int32Array, toRight: Int32Array, left: SyntaxNode[], leftOf: Int32Array, right: SyntaxNode[], rightOf: Int32Array): boolean {
  const added = (side: SyntaxNode[], sideOf: Int32Array, kind: string) => side.some((node, i) => sideOf[i] < 0 && node.kind === kind)
  return base.some((node, b) => toLeft[b] < 0 && toRight[b] < 0 && added(left, leftOf, node.kind) && added(right, rightOf, node.kind))
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
  match.forEach((to, from) => { if (to >= 0) inverse[to] = from })
  return inverse
}

