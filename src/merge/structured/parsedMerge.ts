import type { ConflictPiece, Piece } from '../line/pieces.ts'
import { decidedConflict } from '../line/decidedConflict.ts'
import { isCommutative, isValueSet, type LanguageProfile } from '../profiles/profile.ts'
import { labelOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode, type SyntaxTree } from '../tree/syntaxTree.ts'
import { matchOrdered, tokenCount } from '../tree/treeMatcher.ts'
import {
  allKeyed,
  brackets,
  differingChild,
  emptyVersionOf,
  gapBefore,
  insertsNamed,
  keptBaseChildren,
  listEnd,
  MIN_WRAPPED_TOKENS,
  nestedCopies,
  opaque,
  spanText,
  trailing,
  unchangedStretch,
  type Span,
} from './children.ts'
import { pick } from './containerLayout.ts'
import { distinctCases } from './distinctCases.ts'
import { lineIndent, reindent } from './indent.ts'
import { followMovedEdits, madeAlready } from './movedLines.ts'
import { followMovedNodes, type ConflictNodes } from './movedNodes.ts'
import { mergeReformatted } from './relayout.ts'
import { mergeAsSet, type SetMergeContext } from './setMerge.ts'

/** Thrown when the merge runs past its deadline; the caller falls back to the line merge. */
export class MergeTimeout extends Error {}

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
  return new TreeMerge(profile, deadline).mergeTrees(base, left, right)
}

/** A node's three versions whose children are merged in order, with where each base child went. */
interface OrderedChildren {
  base: SyntaxNode
  left: SyntaxNode
  right: SyntaxNode
  baseToLeft: Int32Array
  baseToRight: Int32Array
}

/**
 * One structured merge under way: the pieces written so far, the labels of the declarations it
 * is inside (conflicts carry them), and the nodes behind each conflict (to find where code went
 * that one side moved). The set merge writes through it too.
 */
class TreeMerge implements SetMergeContext {
  private pieces: Piece[] = []
  readonly path: string[] = []
  /** Nodes merged so far: the deadline is checked every 256. */
  private steps = 0
  private readonly conflictNodes = new Map<ConflictPiece, ConflictNodes>()

  constructor(
    readonly profile: LanguageProfile,
    private readonly deadline: number,
  ) {}

  /** The whole file: the text around the roots, the roots, then edits that follow moved code. */
  mergeTrees(base: SyntaxTree, left: SyntaxTree, right: SyntaxTree): Piece[] {
    const [b, l, r] = [base.root, left.root, right.root]
    this.emit(
      pick(base.source.slice(0, b.start), left.source.slice(0, l.start), right.source.slice(0, r.start)),
    )
    this.mergeNode(b, l, r, undefined)
    this.emit(pick(base.source.slice(b.end), left.source.slice(l.end), right.source.slice(r.end)))
    const roots = { base: b, left: l, right: r }
    followMovedNodes(this.pieces, this.conflictNodes, roots, this.profile, (...versions) =>
      this.mergeDetached(...versions),
    )
    followMovedEdits(this.pieces, base.source, left.source, right.source)
    return this.pieces
  }

  emit(text: string): void {
    if (text !== '') this.pieces.push(text)
  }

  push(pieces: Piece[]): void {
    this.pieces.push(...pieces)
  }

  conflict(kind: string, base: string, left: string, right: string, nodes?: ConflictNodes): void {
    // One side already made the other's edit, where it moved or unwrapped that code: its version holds both.
    if (madeAlready(base, left, right)) return this.emit(right)
    if (madeAlready(base, right, left)) return this.emit(left)
    const decided = decidedConflict(base, left, right)
    if (decided !== undefined) return this.emit(decided)
    const piece = { base, left, right, kind, path: [...this.path] }
    if (nodes) this.conflictNodes.set(piece, nodes)
    this.pieces.push(piece)
  }

  /** Three nodes merged on their own, away from the file's pieces: their text, or undefined on a conflict. */
  private mergeDetached(base: SyntaxNode, left: SyntaxNode, right: SyntaxNode): string | undefined {
    const outer = this.pieces
    this.pieces = []
    try {
      this.mergeNode(base, left, right, undefined)
      return this.pieces.every((piece) => typeof piece === 'string') ? this.pieces.join('') : undefined
    } finally {
      this.pieces = outer
    }
  }

  mergeNode(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode, parentKind: string | undefined): void {
    if ((++this.steps & 255) === 0 && Date.now() > this.deadline) throw new MergeTimeout()
    const [baseText, leftText, rightText] = [textOf(b), textOf(l), textOf(r)]
    if (leftText === baseText) return this.emit(rightText)
    if (rightText === baseText || leftText === rightText) return this.emit(leftText)
    // One side only reformatted a bracketed node: the other side's edit in that layout.
    const relaid = mergeReformatted(b, l, r)
    if (relaid !== undefined) return this.emit(relaid)
    const { profile, path } = this
    const valueSet = isValueSet(profile, b.kind, path)
    const label = labelOf(b, profile)
    if (label) path.push(label)
    try {
      if (this.mergeWrapped(b, l, r)) {
        // one side nested the node, unchanged, in new code; the other side's edit went into it
      } else if (b.kind !== l.kind || b.kind !== r.kind || [b, l, r].some(opaque)) {
        this.conflict(b.kind, baseText, leftText, rightText, { base: [b], left: [l], right: [r] })
      } else if (
        (valueSet || isCommutative(profile, b.kind, parentKind) || allKeyed(profile, b, l, r)) &&
        mergeAsSet(this, b, l, r, valueSet)
      ) {
        // merged as a set
      } else {
        this.mergeOrdered(b, l, r)
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
  private mergeWrapped(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode): boolean {
    for (const [wrapper, editor] of [
      [l, r],
      [r, l],
    ]) {
      const inner = nestedCopies(wrapper, b)
      if (inner.length !== 1 || tokenCount(b) < MIN_WRAPPED_TOKENS || nestedCopies(editor, b).length > 0)
        continue
      const [at] = inner
      this.emit(wrapper.source.slice(wrapper.start, at.start))
      // A copy the wrapping side also reformatted (Prettier's `(` … `)` around a JSX tag it
      // wrapped) takes the edit in its layout.
      const relaid = wrapper === l ? mergeReformatted(b, at, editor) : mergeReformatted(b, editor, at)
      this.emit(relaid ?? reindent(textOf(editor), lineIndent(editor), lineIndent(at)))
      this.emit(wrapper.source.slice(at.end, wrapper.end))
      return true
    }
    return false
  }

  /**
   * Merges children in order: the children matched on both sides anchor the merge and are merged
   * recursively; each stretch between two anchors is taken from the side that changed it.
   */
  private mergeOrdered(b: SyntaxNode, l: SyntaxNode, r: SyntaxNode): void {
    const [baseChildren, leftChildren, rightChildren] = [b.children, l.children, r.children]
    const baseToLeft = matchOrdered(baseChildren, leftChildren, this.profile)
    const baseToRight = matchOrdered(baseChildren, rightChildren, this.profile)
    // Brackets one side took away or added change what the other side's new elements would be
    // part of (`import (a,\n b)` without its parentheses ends at the line break): a conflict.
    if (
      (brackets(l) !== brackets(b) && insertsNamed(rightChildren, baseToRight)) ||
      (brackets(r) !== brackets(b) && insertsNamed(leftChildren, baseToLeft))
    ) {
      return this.conflict(b.kind, textOf(b), textOf(l), textOf(r), { base: [b], left: [l], right: [r] })
    }
    const versions: OrderedChildren = { base: b, left: l, right: r, baseToLeft, baseToRight }
    let [baseFrom, leftFrom, rightFrom] = [0, 0, 0]
    // A first child merged away entirely (both sides dropped different modifiers) takes the
    // spacing after it along.
    let vanished = false
    for (let anchor = 0; anchor <= baseChildren.length; anchor++) {
      const isEnd = anchor === baseChildren.length
      if (!isEnd && (baseToLeft[anchor] < 0 || baseToRight[anchor] < 0)) continue
      const [leftAt, rightAt] = isEnd
        ? [leftChildren.length, rightChildren.length]
        : [baseToLeft[anchor], baseToRight[anchor]]
      const mark = this.pieces.length
      this.mergeStretch(versions, [baseFrom, anchor], [leftFrom, leftAt], [rightFrom, rightAt])
      if (this.pieces.length > mark) vanished = false
      if (!isEnd) {
        this.emitGapBefore(versions, [anchor, leftAt, rightAt], mark, vanished)
        const before = this.pieces.length
        this.mergeNode(baseChildren[anchor], leftChildren[leftAt], rightChildren[rightAt], b.kind)
        vanished = anchor === 0 && this.pieces.length === before && textOf(baseChildren[anchor]) !== ''
      }
      ;[baseFrom, leftFrom, rightFrom] = [anchor + 1, leftAt + 1, rightAt + 1]
    }
    this.emit(pick(trailing(b), trailing(l), trailing(r)))
  }

  /**
   * The spacing before a child matched on both sides (`at`: its index in each version), after the
   * stretch written since `mark`; left out after a first child that vanished.
   */
  private emitGapBefore(
    { base, left, right }: OrderedChildren,
    at: readonly [number, number, number],
    mark: number,
    afterVanished: boolean,
  ): void {
    const gaps = [gapBefore(base, at[0]), gapBefore(left, at[1]), gapBefore(right, at[2])] as const
    const gap = pick(...gaps)
    const last = this.pieces.length > mark ? this.pieces[this.pieces.length - 1] : undefined
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
    } else if (!(afterVanished && /^\s*$/.test(gap))) this.emit(gap)
  }

  /** A stretch between two anchors: taken from the side that changed it, else a conflict. */
  private mergeStretch(versions: OrderedChildren, baseSpan: Span, leftSpan: Span, rightSpan: Span): void {
    const { base, left, right, baseToLeft, baseToRight } = versions
    const [leftText, rightText] = [spanText(left, leftSpan), spanText(right, rightSpan)]
    if (unchangedStretch(base, left, baseSpan, leftSpan, baseToLeft)) return this.emit(rightText)
    if (unchangedStretch(base, right, baseSpan, rightSpan, baseToRight) || leftText === rightText)
      return this.emit(leftText)
    const baseText = spanText(base, baseSpan)
    if (leftText.trim() === rightText.trim()) return this.emit(leftText)
    // Both sides only deleted, one of them everything the other did: its deletions hold both.
    const leftKept = keptBaseChildren(base, left, baseSpan, leftSpan, baseToLeft)
    const rightKept = keptBaseChildren(base, right, baseSpan, rightSpan, baseToRight)
    if (leftKept && rightKept && (leftKept.length > 0 || rightKept.length > 0)) {
      if (leftKept.every((k) => rightKept.includes(k))) return this.emit(leftText)
      if (rightKept.every((k) => leftKept.includes(k))) return this.emit(rightText)
    }
    if (this.mergeTrailingSeparator(versions, baseSpan, leftSpan, rightSpan)) return
    // What the base had here both sides dropped: each side's one new node is an addition.
    const [baseFrom, baseTo] = baseSpan
    const droppedByBoth = Array.from({ length: baseTo - baseFrom }, (_, k) => baseFrom + k).every(
      (k) => baseToLeft[k] < 0 && baseToRight[k] < 0,
    )
    const addsOne = (span: Span) => span[1] - span[0] === 1
    if (
      droppedByBoth &&
      addsOne(leftSpan) &&
      addsOne(rightSpan) &&
      this.mergeAdded(base, left.children[leftSpan[0]], right.children[rightSpan[0]], [
        gapBefore(left, leftSpan[0]),
        gapBefore(right, rightSpan[0]),
      ])
    )
      return
    // One node each, where one side wrapped the base's in new code (the ordered match pairs no
    // nodes of different kinds).
    if (addsOne(baseSpan) && addsOne(leftSpan) && addsOne(rightSpan)) {
      const mark = this.pieces.length
      this.emit(pick(gapBefore(base, baseFrom), gapBefore(left, leftSpan[0]), gapBefore(right, rightSpan[0])))
      if (
        this.mergeWrapped(base.children[baseFrom], left.children[leftSpan[0]], right.children[rightSpan[0]])
      )
        return
      this.pieces.length = mark
    }
    // Both inserted cases at one place of a `match` or `switch`, each matching values of its own.
    if (
      baseFrom === baseTo &&
      distinctCases(
        base.children[baseFrom - 1],
        left.children.slice(...leftSpan),
        right.children.slice(...rightSpan),
      )
    )
      return this.emit(leftText + rightText)
    this.conflict(base.kind, baseText, leftText, rightText, {
      base: base.children.slice(...baseSpan),
      left: left.children.slice(...leftSpan),
      right: right.children.slice(...rightSpan),
    })
  }

  /**
   * The end of a list where one side only added or removed the trailing separator (`[a, b]` to
   * `[a, b,]`) and the other changed the elements before it (`[a, b, c]`): the other side's
   * elements, ending as the first side left the list. False, with nothing written, otherwise.
   */
  private mergeTrailingSeparator(
    { base, left, right, baseToLeft, baseToRight }: OrderedChildren,
    baseSpan: Span,
    leftSpan: Span,
    rightSpan: Span,
  ): boolean {
    const [b, l, r] = [listEnd(base, baseSpan), listEnd(left, leftSpan), listEnd(right, rightSpan)]
    if (!b || !l || !r) return false
    let elements: string
    if (unchangedStretch(base, left, b.elements, l.elements, baseToLeft))
      elements = spanText(right, r.elements)
    else if (unchangedStretch(base, right, b.elements, r.elements, baseToRight))
      elements = spanText(left, l.elements)
    else return false
    this.emit(elements + pick(b.separator, l.separator, r.separator))
    return true
  }

  /**
   * One node of a kind both sides added at one place (after the same spacing, `gaps`), merged
   * with nothing for a base: an order-insensitive container's elements as sets (`public` and
   * `static` before a class that had no modifiers); else the one child they differ in, as a set
   * when it is an order-insensitive container (`implements Foo` and `implements Bar`), otherwise
   * as a conflict of that child alone (two `try:` blocks with different bodies and the same
   * `finally:`). False, with nothing written, when none of these applies.
   */
  private mergeAdded(
    parent: SyntaxNode,
    left: SyntaxNode,
    right: SyntaxNode,
    [leftGap, rightGap]: readonly [string, string],
  ): boolean {
    if (left.kind !== right.kind || leftGap !== rightGap) return false
    const mark = this.pieces.length
    this.emit(leftGap)
    const merged = isCommutative(this.profile, left.kind, parent.kind)
      ? mergeAsSet(this, emptyVersionOf(left), left, right, false)
      : this.mergeDifferingChild(left, right)
    if (!merged) this.pieces.length = mark
    return merged
  }

  /** The one child two added nodes differ in, merged on its own (see {@link mergeAdded}). */
  private mergeDifferingChild(left: SyntaxNode, right: SyntaxNode): boolean {
    const inner = differingChild(left, right)
    if (inner < 0) return false
    const [leftChild, rightChild] = [left.children[inner], right.children[inner]]
    const before = left.source.slice(left.start, leftChild.start)
    const after = left.source.slice(leftChild.end, left.end)
    const commutative = isCommutative(this.profile, leftChild.kind, left.kind)
    // A conflict of the child alone only on lines of its own: its base version, empty, must
    // not keep a stray `;` from around it.
    if (!commutative && !(/\n\s*$/.test(before) && /^[ \t]*\n/.test(after))) return false
    this.emit(before)
    const merged = commutative
      ? mergeAsSet(this, emptyVersionOf(leftChild), leftChild, rightChild, false)
      : (this.conflict(leftChild.kind, '', textOf(leftChild), textOf(rightChild)), true)
    if (merged) this.emit(after)
    return merged
  }
}
