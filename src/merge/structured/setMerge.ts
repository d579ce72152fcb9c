/**
 * Order-insensitive containers (imports, members, keys) merged as sets of elements: matched by
 * signature wherever they sit (setMatch.ts), each side's additions kept after the element they
 * follow, left's before right's (setOrder.ts), written here in the container's own layout.
 */
import { linePieces } from '../line/linePieces.ts'
import type { Piece } from '../line/pieces.ts'
import type { LanguageProfile } from '../profiles/profile.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import { defaultSeparator, pick, spacing } from './containerLayout.ts'
import { matchSets, otherSide, type MatchedSets, type Side } from './setMatch.ts'
import { orderSet, type Element } from './setOrder.ts'

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

/**
 * Merges an order-insensitive container as a set of elements: in the order of the side that
 * reordered it (else the left's), the other side's additions after their predecessor, left's
 * insertions before right's at the same place. Returns false when a set merge would have to
 * guess (separators it cannot reproduce, edits it cannot pair, conflicting orders), so the
 * caller merges the container in order instead.
 */
export function mergeAsSet(
  context: SetMergeContext,
  base: SyntaxNode,
  left: SyntaxNode,
  right: SyntaxNode,
  valueSet: boolean,
): boolean {
  const sets = matchSets(context.profile, base, left, right, valueSet)
  if (!sets) return false
  const elements = orderSet(context.profile, sets, base.kind)
  if (!elements) return false
  new SetWriter(context, base.kind, sets, elements).write()
  return true
}

/** Writes a merged set's elements with the delimiters, separators and spacing of its versions. */
class SetWriter {
  /** How many elements carry each signature: a merged element whose signature now appears twice
   * (both sides renamed into one name) is a conflict. */
  private readonly signatureCounts = new Map<string, number>()

  constructor(
    private readonly context: SetMergeContext,
    private readonly containerKind: string,
    private readonly sets: MatchedSets,
    private readonly elements: Element[],
  ) {
    for (const { signature } of elements)
      if (signature) this.signatureCounts.set(signature, (this.signatureCounts.get(signature) ?? 0) + 1)
  }

  write(): void {
    const { context, elements } = this
    const { base, sides } = this.sets
    const [left, right] = [sides.left, sides.right]
    context.emit(pick(base.prefix, left.prefix, right.prefix))
    if (elements.length === 0)
      context.emit([left, right, base].find((split) => split.elements.length === 0)?.trailing ?? '')
    let separatorWritten = false // the separator before this element went into the previous conflict
    elements.forEach((element, k) => {
      const separator = separatorWritten ? '' : this.separatorBefore(k)
      separatorWritten = false
      if (element.partial) {
        separatorWritten = this.writePartial(k, separator)
        return
      }
      context.emit(separator)
      this.writeElement(element)
    })
    if (elements.length > 0)
      context.emit(spacing(base, left, right, 'trailing') + spacing(base, left, right, 'suffix'))
    else context.emit(pick(base.suffix, left.suffix, right.suffix))
  }

  private writeElement(element: Element): void {
    const { signature, versions } = element
    const duplicated = signature !== undefined && this.signatureCounts.get(signature)! > 1 && element.shared
    if (duplicated) this.writeDuplicate(element)
    else if (versions)
      this.context.mergeNode(versions.base, versions.left, versions.right, this.containerKind)
    else this.context.emit(textOf(this.nodeOf(element)))
  }

  /**
   * A conflict where one version has no such element, `separator` inside it: the version
   * without it must not keep a stray `,`. True when the next element's separator went in too.
   */
  private writePartial(k: number, separator: string): boolean {
    const { elements, context } = this
    const partial = elements[k].partial!
    const first = k === 0 && elements.length > 1
    // After the last element, the separator's `,` stays with its neighbour when both sides
    // have an element there; when one side has none, its version must not end in a `,`.
    const bothHave = partial.left !== '' && partial.right !== ''
    const punctuation = !first && k === elements.length - 1 && bothHave ? separator.match(/^[^\s]*/)![0] : ''
    const [before, after] = first ? ['', this.separatorBefore(1)] : [separator.slice(punctuation.length), '']
    if (first) context.emit(separator)
    context.emit(punctuation)
    const wrap = (text: string) => (text === '' ? '' : before + text + after)
    context.conflict(partial.kind, wrap(partial.base), wrap(partial.left), wrap(partial.right))
    return first
  }

  /** The text written before element `k`: what separated it from its neighbour where they met. */
  private separatorBefore(k: number): string {
    const { base, sides } = this.sets
    const element = this.elements[k]
    if (k === 0)
      return element.index === 0
        ? sides[element.side].leading
        : spacing(base, sides.left, sides.right, 'leading')
    const prev = this.elements[k - 1]
    const bothSides: Side[] = [element.side, otherSide(element.side)]
    // Neighbours on some side already: the separator they had there.
    for (const side of bothSides) {
      const [i, p] = [element.at[side], prev.at[side]]
      if (i !== undefined && p === i - 1) return sides[side].separators[p]
    }
    // Else the separator it had after an element of the same kind as its new neighbour, what
    // followed that neighbour, or what usually separates elements of these kinds.
    const own = sides[element.side]
    const prevKind = this.nodeOf(prev).kind
    if (element.index > 0 && own.elements[element.index - 1].kind === prevKind)
      return own.separators[element.index - 1]
    for (const side of [prev.side, ...bothSides]) {
      const p = prev.at[side]
      if (p !== undefined && p < sides[side].separators.length) return sides[side].separators[p]
    }
    const versions = [base, sides.left, sides.right]
    const separators = this.context.profile.separators ?? {}
    const declared = Object.hasOwn(separators, this.containerKind)
      ? separators[this.containerKind]
      : undefined
    if (declared !== undefined && versions.every((split) => split.separators.length === 0)) return declared
    return defaultSeparator(prevKind, this.nodeOf(element).kind, ...versions)
  }

  /** A merged element that would collide with another, as a line-level conflict of its versions. */
  private writeDuplicate(element: Element): void {
    const { context } = this
    const { base, sides, baseToSide } = this.sets
    const other = otherSide(element.side)
    const own = this.nodeOf(element)
    const baseIndex = baseToSide[element.side].indexOf(element.index)
    const baseText = baseIndex >= 0 ? textOf(base.elements[baseIndex]) : ''
    const otherIndex = baseIndex >= 0 ? baseToSide[other][baseIndex] : -1
    const theirs = otherIndex >= 0 ? textOf(sides[other].elements[otherIndex]) : ''
    const [left, right] = element.side === 'left' ? [textOf(own), theirs] : [theirs, textOf(own)]
    const regions = linePieces(baseText, left, right, own.kind, [...context.path])
    if (regions.every((region) => typeof region === 'string'))
      context.conflict(own.kind, baseText, left, right)
    else context.push(regions)
  }

  private nodeOf(element: Element): SyntaxNode {
    return this.sets.sides[element.side].elements[element.index]
  }
}
