import { pick } from './containerLayout.ts'
import { lineIndent, reindent } from './indent.ts'
import { followMovedEdits, madeAlready } from './movedLines.ts'
import { followMovedNodes, type ConflictNodes, type MergeNodes } from './movedNodes.ts'
import type { ConflictPiece, Piece } from '../line/pieces.ts'
import { isCommutative, isValueSet, type LanguageProfile } from '../profiles/profile.ts'
import { mergeAsSet, type SetMergeContext } from './setMerge.ts'
import { labelOf, signatureOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode, type SyntaxTree } from '../tree/syntaxTree.ts'
import { matchOrdered, shapeOf, tokenCount } from '../tree/treeMatcher.ts'

/** Thrown when the merge runs past its deadline; the caller falls back to the line merge. */
export class MergeTimeout extends Error {}

/** Text between the end of `prev` (or the start of `parent`) and the start of `node`. */
const gapBefore = (parent: SyntaxNode, children: SyntaxNode[], i: number): string =>
  parent.source.slice(i === 0 ? parent.start : children[i - 1].end, children[i].start)

const spanText = (nodes: SyntaxNode[], parent: SyntaxNode, from: number, to: number): string =>
  from >= to ? '' : parent.source.slice(gapStart(parent, nodes, from), nodes[to - 1].end)

const gapStart = (parent: SyntaxNode, nodes: SyntaxNode[], i: number): number =>
  i === 0 ? parent.start : nodes[i - 1].end

/**
 * Structured three-way merge of three parsed versions (Mergiraf-style, simplified): nodes changed
 * on one side are taken whole with their original text; nodes changed on both sides are merged
 * child by child; order-insensitive containers are merged as sets keyed by signature; whatever
 * cannot be decided becomes a conflict piece at the smallest enclosing node.
 */
export function mergeParsed(
  base: SyntaxTree,
  left: SyntaxTree,
  right: SyntaxTree,
  profile: LanguageProfile,
  deadline: number,
): Piece[] {
  let pieces: Piece[] = []
  const path: string[] = []
  let steps = 0
  /** The nodes behind conflicts, to look for where code went that one side moved. */
  const nodesOf = new Map<ConflictPiece, ConflictNodes>()

  const emit = (text: string) => {
    if (text !== '') pieces.push(text)
  }
  const conflict = (kind: string, b: string, l: string, r: string, nodes?: ConflictNodes) => {
    // One side already made the other's edit, where it moved or unwrapped that code: its version holds both.
    if (madeAlready(b, l, r)) return emit(r)
    if (madeAlready(b, r, l)) return emit(l)
    const piece = { base: b, left: l, right: r, kind, path: [...path] }
    if (nodes) nodesOf.set(piece, nodes)
    pieces.push(piece)
  }

  const setContext: SetMergeContext = {
    profile,
    path,
    emit,
    conflict,
    mergeNode,
    push: (regions) => {
      pieces.push(...regions)
    },
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
      } else if (
        (valueSet || isCommutative(profile, b.kind, parentKind) || allKeyed(b, l, r)) &&
        mergeAsSet(setContext, b, l, r, valueSet)
      ) {
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
    for (const [wrapper, editor] of [
      [l, r],
      [r, l],
    ]) {
      const inner = nestedCopies(wrapper, b)
      if (inner.length !== 1 || tokenCount(b) < MIN_WRAPPED_TOKENS || nestedCopies(editor, b).length > 0)
        continue
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
    node.children.length === 0 ||
    node.children.some((_, i) => /\S/.test(gapBefore(node, node.children, i))) ||
    /\S/.test(trailing(node))

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
      const tailKeyed = elements
        .slice(head.length)
        .every((child) => signatureOf(child, profile) !== undefined)
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
    if (
      (brackets(l) !== brackets(b) && insertsNamed(rc, toRight)) ||
      (brackets(r) !== brackets(b) && insertsNamed(lc, toLeft))
    ) {
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
        if (
          typeof last === 'object' &&
          [last.base, last.left, last.right].includes('') &&
          gaps.every((text) => /^[ \t]*$/.test(text))
        ) {
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
  function mergeChunk(
    b: SyntaxNode,
    l: SyntaxNode,
    r: SyntaxNode,
    [bi, bEnd]: number[],
    [li, lEnd]: number[],
    [ri, rEnd]: number[],
    toLeft: Int32Array,
    toRight: Int32Array,
  ): void {
    const unchanged = (side: SyntaxNode, from: number, end: number, toSide: Int32Array) =>
      end - from === bEnd - bi &&
      Array.from({ length: bEnd - bi }, (_, k) => k).every(
        (k) => toSide[bi + k] === from + k && textOf(side.children[from + k]) === textOf(b.children[bi + k]),
      )
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
    const droppedByBoth = Array.from({ length: bEnd - bi }, (_, k) => bi + k).every(
      (k) => toLeft[k] < 0 && toRight[k] < 0,
    )
    if (droppedByBoth && lEnd - li === 1 && rEnd - ri === 1 && mergeAdded(b, l, li, r, ri)) return
    conflict(b.kind, bs, ls, rs, {
      base: b.children.slice(bi, bEnd),
      left: l.children.slice(li, lEnd),
      right: r.children.slice(ri, rEnd),
    })
  }

  /**
   * The base children of a stretch a side kept, when it only deleted some and changed nothing
   * else there; undefined otherwise.
   */
  function kept(
    b: SyntaxNode,
    side: SyntaxNode,
    bi: number,
    bEnd: number,
    from: number,
    end: number,
    toSide: Int32Array,
  ): number[] | undefined {
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
      if (mergeAsSet(setContext, { ...ln, end: ln.start, children: [] }, ln, rn, false)) return true
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
          const merged = commutative
            ? mergeAsSet(setContext, { ...lk, end: lk.start, children: [] }, lk, rk, false)
            : (conflict(lk.kind, '', textOf(lk), textOf(rk)), true)
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
    const around = (node: SyntaxNode) => [
      node.source.slice(node.start, node.children[k].start),
      node.source.slice(node.children[k].end, node.end),
    ]
    const [la, ra] = [around(ln), around(rn)]
    return la[0] === ra[0] && la[1] === ra[1] ? k : -1
  }

  const trailing = (node: SyntaxNode) =>
    node.children.length === 0 ? '' : node.source.slice(node.children[node.children.length - 1].end, node.end)

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
const brackets = (node: SyntaxNode): string =>
  node.children
    .filter((child) => BRACKETS.has(child.kind))
    .map((child) => child.kind)
    .join('')

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
