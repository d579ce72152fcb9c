/**
 * The order of a merged set: the primary side's elements in its order, the secondary side's
 * additions after the element they follow there, left's insertions before right's at one place
 * (in sorted order where the container is kept sorted).
 */
import type { LanguageProfile } from '../profiles/profile.ts'
import { signatureOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import { shapeOf } from '../tree/treeMatcher.ts'
import type { MatchedSets, Side } from './setMatch.ts'
import { breaksGroup, sortedContainer, type SortedContainer } from './sortedOrder.ts'

/** One element of a merged order-insensitive container, with where its text comes from. */
export interface Element {
  side: Side
  /** Index in its side's element list, to find the separator written before it there. */
  index: number
  /** Its index in each side that has it, to find the separators around it there. */
  at: Partial<Record<Side, number>>
  /** Its three versions, merged where it is written; absent when it is written as its side has it. */
  versions?: { base: SyntaxNode; left: SyntaxNode; right: SyntaxNode }
  /** A conflict where one version has no such element: rendered with its separator inside. */
  partial?: { kind: string; base: string; left: string; right: string }
  signature: string | undefined
  /** Whether the other side also has it (matched through base or added identically). */
  shared: boolean
  /** For elements only the leading side has: the shared element they follow there (null at the start). */
  anchor?: Element | null
}

/**
 * The merged set's elements in order; undefined when the order of insertions at one place
 * matters and cannot be told (the ordered merge then shows them as a conflict).
 */
export function orderSet(
  profile: LanguageProfile,
  sets: MatchedSets,
  containerKind: string,
): Element[] | undefined {
  return new SetOrder(profile, sets, containerKind).order()
}

class SetOrder {
  private readonly elements: Element[] = []
  /** The secondary side's elements given a place so far, by their index on that side. */
  private readonly secondaryPlaced = new Map<number, Element>()
  /** The last element appended that both sides have. */
  private lastShared: Element | null = null
  /** The last element appended that both sides have from the base. */
  private lastFromBase: Element | null = null
  private readonly primaryElements: SyntaxNode[]
  private readonly secondaryElements: SyntaxNode[]
  private readonly baseToPrimary: Int32Array
  private readonly baseToSecondary: Int32Array
  private readonly primaryToBase: Int32Array
  private readonly secondaryToBase: Int32Array
  /** Whether the right leads: left's insertions then go before the right's at one place. */
  private readonly rightLeads: boolean
  /** The order the container is kept in, once asked for (null: not yet). */
  private sorting: SortedContainer | undefined | null = null

  constructor(
    private readonly profile: LanguageProfile,
    private readonly sets: MatchedSets,
    private readonly containerKind: string,
  ) {
    const { sides, baseToSide, sideToBase, primary, secondary } = sets
    this.primaryElements = sides[primary].elements
    this.secondaryElements = sides[secondary].elements
    this.baseToPrimary = baseToSide[primary]
    this.baseToSecondary = baseToSide[secondary]
    this.primaryToBase = sideToBase[primary]
    this.secondaryToBase = sideToBase[secondary]
    this.rightLeads = primary === 'right'
  }

  order(): Element[] | undefined {
    const twins = this.addedTwins()
    this.primaryElements.forEach((node, i) => {
      if (this.primaryToBase[i] >= 0) this.placeFromBase(node, i)
      else this.placeAddedByPrimary(node, i, twins.get(i))
    })
    this.placeChangedWherePrimaryDeleted()
    if (!this.placeSecondaryAdditions()) return undefined
    this.dropCopies()
    return this.elements
  }

  /**
   * Elements both sides added under the same signature or with the same text: primary index →
   * secondary index. A comment or an unnamed statement is the same addition only where both
   * sides put it (after the same base element); elsewhere it is two additions, both kept.
   */
  private addedTwins(): Map<number, number> {
    const twins = new Map<number, number>()
    const taken = new Set<number>()
    const primaryAnchors = anchors(this.primaryToBase)
    const secondaryAnchors = anchors(this.secondaryToBase)
    this.primaryElements.forEach((node, i) => {
      if (this.primaryToBase[i] >= 0) return
      const signature = signatureOf(node, this.profile)
      const twin = this.secondaryElements.findIndex(
        (other, j) =>
          this.secondaryToBase[j] < 0 &&
          !taken.has(j) &&
          (signature !== undefined
            ? signatureOf(other, this.profile) === signature
            : shapeOf(other) === shapeOf(node) &&
              (!placeBound(node) || secondaryAnchors[j] === primaryAnchors[i])),
      )
      if (twin >= 0) {
        twins.set(i, twin)
        taken.add(twin)
      }
    })
    return twins
  }

  /** Texts of the two sides, given as primary and secondary, as left and right. */
  private oriented(primary: string, secondary: string): { left: string; right: string } {
    return this.rightLeads ? { left: secondary, right: primary } : { left: primary, right: secondary }
  }

  private append(element: Element): void {
    if (element.shared) this.lastShared = element
    else element.anchor = this.lastShared
    this.elements.push(element)
  }

  /** A primary element that has a base element: merged with the secondary's, or gone where the secondary deleted it. */
  private placeFromBase(node: SyntaxNode, i: number): void {
    const { primary, secondary } = this.sets
    const baseIndex = this.primaryToBase[i]
    const secondaryIndex = this.baseToSecondary[baseIndex]
    const baseNode = this.sets.base.elements[baseIndex]
    if (secondaryIndex < 0) {
      // Deleted on the other side: gone, unless this side changed it.
      if (textOf(node) !== textOf(baseNode)) {
        this.append({
          side: primary,
          index: i,
          at: { [primary]: i },
          signature: signatureOf(node, this.profile),
          shared: false,
          partial: { kind: node.kind, base: textOf(baseNode), ...this.oriented(textOf(node), '') },
        })
      }
      return
    }
    const other = this.secondaryElements[secondaryIndex]
    const [left, right] = this.rightLeads ? [other, node] : [node, other]
    const element: Element = {
      side: primary,
      index: i,
      at: { [primary]: i, [secondary]: secondaryIndex },
      signature: mergedSignature(baseNode, left, right, this.profile),
      shared: true,
      versions: { base: baseNode, left, right },
    }
    this.append(element)
    this.lastFromBase = element
    this.secondaryPlaced.set(secondaryIndex, element)
  }

  /** A primary element new to the base: alone, or with the secondary's twin, at the earlier of their places. */
  private placeAddedByPrimary(node: SyntaxNode, i: number, twin: number | undefined): void {
    const { primary, secondary } = this.sets
    const signature = signatureOf(node, this.profile)
    if (twin === undefined) {
      this.append({ side: primary, index: i, at: { [primary]: i }, signature, shared: false })
      return
    }
    const other = this.secondaryElements[twin]
    const element: Element = {
      side: primary,
      index: i,
      at: { [primary]: i, [secondary]: twin },
      signature,
      shared: true,
    }
    if (textOf(other) !== textOf(node))
      element.partial = { kind: node.kind, base: '', ...this.oriented(textOf(node), textOf(other)) }
    // Added at different places on the two sides: it goes where the side whose own changes use
    // it put it (next to its callers); when both or neither use it, to the earlier place.
    const user = this.userOf(node, i, twin)
    if (user === secondary && this.secondaryPlaceIsLater(twin)) {
      // Placed with the secondary side's additions, where that side put it.
      this.secondaryPlaced.set(twin, { ...element, side: secondary, index: twin })
      return
    }
    const at = user === primary ? undefined : this.earlierPlace(twin)
    if (at === undefined) this.append(element)
    else this.elements.splice(at, 0, element)
    this.secondaryPlaced.set(twin, element)
  }

  /**
   * The side whose other changes use an element both sides added (primary index `i`, secondary
   * `j`): elements it added or edited that name it more often than their base version did.
   * Undefined when both sides or neither do, or the element declares no plain name.
   */
  private userOf(node: SyntaxNode, i: number, j: number): Side | undefined {
    const name = declaredName(node)
    if (name === undefined) return undefined
    const word = new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g')
    const uses = (text: string) => text.match(word)?.length ?? 0
    const { base, primary, secondary } = this.sets
    const usesIt = (elements: SyntaxNode[], toBase: Int32Array, own: number) =>
      elements.some((element, k) => {
        if (k === own) return false
        const baseText = toBase[k] >= 0 ? textOf(base.elements[toBase[k]]) : ''
        return uses(textOf(element)) > uses(baseText)
      })
    const primaryUses = usesIt(this.primaryElements, this.primaryToBase, i)
    const secondaryUses = usesIt(this.secondaryElements, this.secondaryToBase, j)
    return primaryUses === secondaryUses ? undefined : primaryUses ? primary : secondary
  }

  /** Whether the base element the secondary side's element `j` follows comes later on the primary side. */
  private secondaryPlaceIsLater(j: number): boolean {
    for (let k = j - 1; k >= 0; k--) {
      const baseIndex = this.secondaryToBase[k]
      if (baseIndex < 0 || this.baseToPrimary[baseIndex] < 0) continue
      return !this.secondaryPlaced.has(k)
    }
    return false
  }

  /**
   * Where the secondary side's element `j`, which the primary has too, goes when the secondary
   * added it after an earlier base element than the primary did: after that element (and the
   * primary's insertions there when the primary is the left). Undefined: the primary's place.
   */
  private earlierPlace(j: number): number | undefined {
    let anchor: Element | null = null
    let anchorIndex = -1
    for (let k = j - 1; k >= 0 && anchor === null; k--) {
      const baseIndex = this.secondaryToBase[k]
      if (baseIndex < 0 || this.baseToPrimary[baseIndex] < 0) continue // added here, or deleted by the primary
      const placed = this.secondaryPlaced.get(k)
      // The primary has it later, or it waits for its place among the secondary's additions.
      if (!placed || !this.elements.includes(placed)) return undefined
      anchor = placed
      anchorIndex = k
    }
    if (anchor === this.lastFromBase) return undefined
    const { elements } = this
    const { secondary } = this.sets
    // After the primary's insertions there when the left leads, and after the twins placed there
    // before this one, which the secondary has before it.
    const goesAfter = (element: Element) => {
      const k = element.at[secondary]
      if (k !== undefined && k > anchorIndex && k < j) return true
      return !this.rightLeads && !element.shared && element.anchor === anchor
    }
    let at = anchor ? elements.indexOf(anchor) + 1 : 0
    while (at < elements.length && goesAfter(elements[at])) at++
    return at
  }

  /** Elements the primary side deleted stay deleted unless the secondary side changed them. */
  private placeChangedWherePrimaryDeleted(): void {
    const { secondary } = this.sets
    this.secondaryElements.forEach((node, j) => {
      const baseIndex = this.secondaryToBase[j]
      if (baseIndex < 0 || this.baseToPrimary[baseIndex] >= 0) return
      const baseText = textOf(this.sets.base.elements[baseIndex])
      if (textOf(node) === baseText) return
      this.secondaryPlaced.set(j, {
        side: secondary,
        index: j,
        at: { [secondary]: j },
        signature: signatureOf(node, this.profile),
        shared: false,
        partial: { kind: node.kind, base: baseText, ...this.oriented('', textOf(node)) },
      })
    })
  }

  /**
   * The secondary side's elements not placed yet, each after the element it follows there;
   * false when insertions at one place on both sides would need an order nobody gave.
   */
  private placeSecondaryAdditions(): boolean {
    const { primary } = this.sets
    const { elements } = this
    let last = -1
    for (let j = 0; j < this.secondaryElements.length; j++) {
      const placed = this.secondaryPlaced.get(j)
      if (placed && placed.side === primary) {
        last = Math.max(last, elements.indexOf(placed))
        continue
      }
      if (!placed && this.secondaryToBase[j] >= 0) continue // deleted on the primary side, unchanged here
      const element = placed ?? this.addedBySecondary(j)
      // Left's insertions come first: the right's go after the left's at the same place, the
      // left's (when the right leads) straight after their anchor.
      const after = last < 0 ? null : elements[last].shared ? elements[last] : undefined
      let end = last + 1
      while (
        after !== undefined &&
        end < elements.length &&
        !elements[end].shared &&
        elements[end].anchor === after
      )
        end++
      const rivals = elements.slice(last + 1, end)
      // Both sides' whole runs of insertions at this place, so the answer is the same whichever leads.
      if (rivals.length > 0 && this.orderUnknown([...this.secondaryRun(j, element), ...rivals])) return false
      const at = this.sortedPlace(element, last) ?? (this.rightLeads ? last + 1 : end)
      elements.splice(at, 0, element)
      last = at
    }
    return true
  }

  /**
   * The secondary side's insertions from `j` (given as `first`) up to the next element placed
   * with the primary's: the elements the primary's run at that place competes with.
   */
  private secondaryRun(j: number, first: Element): Element[] {
    const { primary } = this.sets
    const run = [first]
    for (let k = j + 1; k < this.secondaryElements.length; k++) {
      const placed = this.secondaryPlaced.get(k)
      if (placed?.side === primary) break
      if (!placed && this.secondaryToBase[k] >= 0) continue // deleted on the primary side: not written
      run.push(placed ?? this.addedBySecondary(k))
    }
    return run
  }

  /** The secondary side's element `j` as an addition of that side alone. */
  private addedBySecondary(j: number): Element {
    const { secondary } = this.sets
    return {
      side: secondary,
      index: j,
      at: { [secondary]: j },
      signature: signatureOf(this.secondaryElements[j], this.profile),
      shared: false,
    }
  }

  /**
   * Where a secondary element goes after `last` in a container kept sorted: before the first of
   * the primary's insertions there that sorts after it. Undefined (left's first) when the
   * container is not sorted, or no insertion there is sorted with it in one group.
   */
  private sortedPlace(element: Element, last: number): number | undefined {
    const { elements } = this
    let at = last + 1
    // Most additions have no rival at their place: nothing to sort.
    if (at === elements.length || elements[at].shared || this.startsGroup(element)) return undefined
    const sorting = this.sortedContainer()
    if (!sorting) return undefined
    const node = this.nodeOf(element)
    for (; at < elements.length && !elements[at].shared; at++) {
      const rival = this.nodeOf(elements[at])
      if (!sorting.comparable(node, rival) || this.startsGroup(elements[at])) break
      if (sorting.compare(node, rival) < 0) return at
    }
    return at > last + 1 ? at : undefined
  }

  /** Whether a blank line separates an element from the one before it on its side: it begins a group. */
  private startsGroup(element: Element): boolean {
    return element.index > 0 && breaksGroup(this.sets.sides[element.side].separators[element.index - 1])
  }

  private sortedContainer(): SortedContainer | undefined {
    if (this.sorting === null) {
      const { base, sides } = this.sets
      this.sorting = sortedContainer(this.profile, this.containerKind, [base, sides.left, sides.right])
    }
    return this.sorting
  }

  /**
   * Whether elements inserted at one place on both sides need an order nobody gave: unnamed
   * statements may depend on theirs; comments alone say different things about one spot
   * (comments that come with a declaration go with it).
   */
  private orderUnknown(inserted: Element[]): boolean {
    return (
      inserted.some((e) => this.orderMatters(e)) ||
      inserted.every((e) => this.nodeOf(e).kind.endsWith('comment'))
    )
  }

  private orderMatters(element: Element): boolean {
    const node = this.nodeOf(element)
    const docstring = node.children.length === 1 && node.children[0].kind === 'string'
    return element.signature === undefined && node.kind.endsWith('statement') && !docstring
  }

  private nodeOf(element: Element): SyntaxNode {
    return this.sets.sides[element.side].elements[element.index]
  }

  /**
   * A named element a side added that is word for word one already there goes: a set holds an
   * element once. Unless it is an edit: the side dropped a base element of that kind in exchange
   * (edited it into a copy of another) and holds that many copies itself; those are content, not
   * a duplicate. (Texts are read only when a side added named elements: most merges add none.)
   */
  private dropCopies(): void {
    const { elements } = this
    const added = elements.filter((e) => !e.shared && !e.partial && e.signature !== undefined)
    if (added.length === 0) return
    const key = (node: SyntaxNode) => `${signatureOf(node, this.profile)}\0${textOf(node)}`
    const ownCopies = new Map<string, number>()
    const droppedKinds: Record<Side, Map<string, number>> = { left: new Map(), right: new Map() }
    for (const side of ['left', 'right'] as const) {
      const counts = new Map<string, number>()
      for (const node of this.sets.sides[side].elements) {
        if (signatureOf(node, this.profile) === undefined) continue
        const k = key(node)
        counts.set(k, (counts.get(k) ?? 0) + 1)
      }
      for (const [k, count] of counts) ownCopies.set(k, Math.max(ownCopies.get(k) ?? 0, count))
      this.sets.baseToSide[side].forEach((index, b) => {
        const kind = this.sets.base.elements[b].kind
        if (index < 0) droppedKinds[side].set(kind, (droppedKinds[side].get(kind) ?? 0) + 1)
      })
    }
    const written = new Map<string, number>()
    const shared = new Set<string>()
    for (const e of elements) {
      if (e.partial || e.signature === undefined) continue
      // A shared element is compared by the text it is written as, whichever side leads.
      const text = writtenText(e, this.nodeOf(e))
      if (text === undefined) continue
      const k = `${signatureOf(this.nodeOf(e), this.profile)}\0${text}`
      written.set(k, (written.get(k) ?? 0) + 1)
      if (e.shared) shared.add(k)
    }
    for (const e of added) {
      const node = this.nodeOf(e)
      const k = key(node)
      const dropped = droppedKinds[e.side].get(node.kind) ?? 0
      if (!shared.has(k)) continue
      if (dropped > 0 && written.get(k)! <= (ownCopies.get(k) ?? 1)) {
        droppedKinds[e.side].set(node.kind, dropped - 1)
        continue
      }
      elements.splice(elements.indexOf(e), 1)
      written.set(k, written.get(k)! - 1)
    }
  }
}

/**
 * The text an element is written as: its side's, or for one merged from three versions, the side
 * that changed it (undefined when both did: the merged text is not known yet).
 */
function writtenText(element: Element, node: SyntaxNode): string | undefined {
  if (!element.versions) return textOf(node)
  const [base, left, right] = [element.versions.base, element.versions.left, element.versions.right].map(
    textOf,
  )
  if (left === base || left === right) return right
  return right === base ? left : undefined
}

/**
 * The plain name a declaration gives (`clamp` for a function, a `const`, an exported one or a
 * decorated one), read from a `name` field at most two levels down; undefined otherwise.
 */
function declaredName(node: SyntaxNode): string | undefined {
  const nameOf = (parent: SyntaxNode) => {
    const name = parent.children.find((child) => child.field === 'name')
    return name && /^[A-Za-z_$][\w$]*$/.test(textOf(name)) ? textOf(name) : undefined
  }
  return nameOf(node) ?? node.children.map(nameOf).find((name) => name !== undefined)
}

/** Whether an unnamed element says something about where it sits: a comment, a statement. */
const placeBound = (node: SyntaxNode): boolean => /(comment|statement)$/.test(node.kind)

/** For each element of a side, the base index of the nearest base element before it (-1 at the start). */
function anchors(sideToBase: Int32Array): Int32Array {
  const result = new Int32Array(sideToBase.length)
  let anchor = -1
  sideToBase.forEach((baseIndex, i) => {
    result[i] = anchor
    if (baseIndex >= 0) anchor = baseIndex
  })
  return result
}

/** The signature a merged element will carry: the side that renamed it wins. */
function mergedSignature(
  base: SyntaxNode,
  left: SyntaxNode,
  right: SyntaxNode,
  profile: LanguageProfile,
): string | undefined {
  const [baseSignature, leftSignature] = [signatureOf(base, profile), signatureOf(left, profile)]
  return leftSignature !== baseSignature ? leftSignature : signatureOf(right, profile)
}
