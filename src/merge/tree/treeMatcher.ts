import type { LanguageProfile } from '../profiles/profile.ts'
import { signatureOf } from './signature.ts'
import { textOf, type SyntaxNode } from './syntaxTree.ts'

const normalized = new WeakMap<SyntaxNode, string>()

/** A node's text with whitespace runs collapsed: reindenting does not make two nodes different. */
export function shapeOf(node: SyntaxNode): string {
  let shape = normalized.get(node)
  if (shape === undefined) {
    shape = node.kind + '\u0000' + textOf(node).replace(/\s+/g, ' ')
    normalized.set(node, shape)
  }
  return shape
}

const tokenLists = new WeakMap<SyntaxNode, string[]>()

/** A node's tokens (words and punctuation), cached: pairing compares each node with several others. */
function tokens(node: SyntaxNode): string[] {
  let list = tokenLists.get(node)
  if (!list)
    tokenLists.set(
      node,
      (list =
        textOf(node)
          .match(/\w+|[^\s\w]/g)
          ?.slice(0, 4000) ?? []),
    )
  return list
}

/** How many tokens a node has (counted up to 4,000). */
export const tokenCount = (node: SyntaxNode): number => tokens(node).length

/** Fewer words than this and two texts are too short to call similar: `"boat"` is not an edited `"parser"`. */
const MIN_WORDS = 3

const wordCounts = new WeakMap<SyntaxNode, number>()

/** How many of a node's tokens are words, cached like the tokens. */
function wordCount(node: SyntaxNode): number {
  let count = wordCounts.get(node)
  if (count === undefined)
    wordCounts.set(node, (count = tokens(node).filter((token) => /\w/.test(token)).length))
  return count
}

/** The Dice coefficient of two multisets (tokens, words), 2·shared / (|a| + |b|): 1 for the same multiset, 0 for none shared (and for two empty ones). */
export function dice(a: readonly string[], b: readonly string[]): number {
  if (a.length + b.length === 0) return 0
  const counts = new Map<string, number>()
  for (const item of a) counts.set(item, (counts.get(item) ?? 0) + 1)
  let shared = 0
  for (const item of b) {
    const count = counts.get(item)
    if (count) {
      shared++
      counts.set(item, count - 1)
    }
  }
  return (2 * shared) / (a.length + b.length)
}

/**
 * The most {@link dice} can be for multisets of these sizes (every item of the smaller shared),
 * computed the same way, so a bound below a threshold means the coefficient is below it too.
 */
export const diceBound = (sizeA: number, sizeB: number): number =>
  (2 * Math.min(sizeA, sizeB)) / (sizeA + sizeB)

/** Dice coefficient of the two nodes' token multisets: 1 for the same tokens, 0 for none shared. */
export function similarity(a: SyntaxNode, b: SyntaxNode): number {
  if (wordCount(a) < MIN_WORDS || wordCount(b) < MIN_WORDS) return 0
  return dice(tokens(a), tokens(b))
}

/** Above this, an edited node is taken for the same node rather than a replacement. */
const SIMILAR = 0.5
/** Beyond this many cells the quadratic LCS is skipped for a cheaper unique-shape matching. */
const LCS_LIMIT = 1_000_000

/** Longest common subsequence of equal shapes between a[from..] and b[from..]. */
function lcs(
  a: SyntaxNode[],
  b: SyntaxNode[],
  aFrom: number,
  aTo: number,
  bFrom: number,
  bTo: number,
  match: Int32Array,
): void {
  const n = aTo - aFrom
  const m = bTo - bFrom
  if (n === 0 || m === 0) return
  if (n * m > LCS_LIMIT) {
    matchUniqueShapes(a, b, aFrom, aTo, bFrom, bTo, match)
    return
  }
  const as = a.slice(aFrom, aTo).map(shapeOf)
  const bs = b.slice(bFrom, bTo).map(shapeOf)
  const table = new Uint32Array((n + 1) * (m + 1))
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[i * (m + 1) + j] =
        as[i] === bs[j]
          ? table[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(table[(i + 1) * (m + 1) + j], table[i * (m + 1) + j + 1])
    }
  }
  let i = 0
  let j = 0
  while (i < n && j < m) {
    if (as[i] === bs[j]) {
      match[aFrom + i] = bFrom + j
      i++
      j++
    } else if (table[(i + 1) * (m + 1) + j] >= table[i * (m + 1) + j + 1]) i++
    else j++
  }
}

/** Matches shapes that occur once on each side and keep their order (patience-style anchors). */
function matchUniqueShapes(
  a: SyntaxNode[],
  b: SyntaxNode[],
  aFrom: number,
  aTo: number,
  bFrom: number,
  bTo: number,
  match: Int32Array,
): void {
  const count = (list: SyntaxNode[], from: number, to: number) => {
    const seen = new Map<string, number>()
    for (let i = from; i < to; i++) {
      const shape = shapeOf(list[i])
      seen.set(shape, seen.has(shape) ? -1 : i)
    }
    return seen
  }
  const inB = count(b, bFrom, bTo)
  const inA = count(a, aFrom, aTo)
  let last = bFrom - 1
  for (let i = aFrom; i < aTo; i++) {
    const shape = shapeOf(a[i])
    const j = inB.get(shape)
    if (inA.get(shape) === i && j !== undefined && j > last) {
      match[i] = j
      last = j
    }
  }
}

/**
 * Matches the children of a base node to those of one side, keeping order: equal nodes first
 * (LCS), then, between those, nodes with the same signature or of the same kind and similar
 * enough, so an edited statement is recognised as the same statement.
 */
export function matchOrdered(base: SyntaxNode[], side: SyntaxNode[], profile: LanguageProfile): Int32Array {
  const match = new Int32Array(base.length).fill(-1)
  let head = 0
  while (head < base.length && head < side.length && shapeOf(base[head]) === shapeOf(side[head])) {
    match[head] = head
    head++
  }
  let tail = 0
  while (
    tail < base.length - head &&
    tail < side.length - head &&
    shapeOf(base[base.length - 1 - tail]) === shapeOf(side[side.length - 1 - tail])
  ) {
    match[base.length - 1 - tail] = side.length - 1 - tail
    tail++
  }
  lcs(base, side, head, base.length - tail, head, side.length - tail, match)
  // Pair the leftovers inside each gap between matched nodes.
  let i = 0
  let j = 0
  while (i <= base.length) {
    let iEnd = i
    while (iEnd < base.length && match[iEnd] < 0) iEnd++
    const jEnd = iEnd < base.length ? match[iEnd] : side.length
    pairGap(base, side, i, iEnd, j, jEnd, match, profile)
    i = iEnd + 1
    j = jEnd + 1
  }
  return match
}

/** Pairs the unmatched nodes between two matched ones: same shape in place, else same name or similar, in order. */
function pairGap(
  base: SyntaxNode[],
  side: SyntaxNode[],
  i: number,
  iEnd: number,
  j: number,
  jEnd: number,
  match: Int32Array,
  profile: LanguageProfile,
): void {
  // The same kinds in the same order: each node was edited in place.
  if (iEnd - i === jEnd - j && base.slice(i, iEnd).every((node, k) => node.kind === side[j + k].kind)) {
    for (let k = 0; k < iEnd - i; k++) match[i + k] = j + k
    return
  }
  let next = j
  for (let b = i; b < iEnd; b++) {
    const signature = signatureOf(base[b], profile)
    for (let s = next; s < jEnd; s++) {
      if (side[s].kind !== base[b].kind) continue
      const sameName = signature !== undefined && signatureOf(side[s], profile) === signature
      if (sameName || (!side[s].named && !base[b].named) || similarity(base[b], side[s]) >= SIMILAR) {
        match[b] = s
        next = s + 1
        break
      }
    }
  }
}

/**
 * Matches the elements of an order-insensitive container: by signature wherever they are, then
 * by equal shape, then (unless the elements are plain values) leftover elements of the same kind
 * that are similar enough, renamed, changed in their parameters, or anonymous and edited.
 */
export function matchUnordered(
  base: SyntaxNode[],
  side: SyntaxNode[],
  profile: LanguageProfile,
  values = false,
): Int32Array {
  const matching = new UnorderedMatching(base, side, profile)
  matching.bySignature()
  matching.byShape()
  if (values) return matching.match
  matching.bySimilarity()
  matching.renamedDeclarations()
  matching.changedParameters()
  matching.anonymousInOrder()
  return matching.match
}

/** Base elements matched to a side's so far, pass by pass; each side element goes to one base element. */
class UnorderedMatching {
  /** For each base element, the index of its side element, or -1. */
  readonly match: Int32Array
  private readonly taken: Uint8Array
  private readonly sideSignatures: (string | undefined)[]
  private readonly baseSignatures: (string | undefined)[]
  /** An element named like a base element is that element's, not a rename of another one. */
  private readonly baseNames: Set<string | undefined>

  constructor(
    private readonly base: SyntaxNode[],
    private readonly side: SyntaxNode[],
    profile: LanguageProfile,
  ) {
    this.match = new Int32Array(base.length).fill(-1)
    this.taken = new Uint8Array(side.length)
    this.sideSignatures = side.map((node) => signatureOf(node, profile))
    this.baseSignatures = base.map((node) => signatureOf(node, profile))
    this.baseNames = new Set(this.baseSignatures)
  }

  private pair(b: number, s: number): void {
    this.match[b] = s
    this.taken[s] = 1
  }

  /** Base element `b` paired with the first side element not taken yet that `accept`s. */
  private claim(b: number, accept: (s: number) => boolean): void {
    for (let s = 0; s < this.side.length; s++) {
      if (!this.taken[s] && accept(s)) return this.pair(b, s)
    }
  }

  bySignature(): void {
    this.base.forEach((_, b) => {
      const signature = this.baseSignatures[b]
      if (signature !== undefined) this.claim(b, (s) => this.sideSignatures[s] === signature)
    })
  }

  byShape(): void {
    this.base.forEach((node, b) => {
      if (this.match[b] < 0) this.claim(b, (s) => shapeOf(this.side[s]) === shapeOf(node))
    })
  }

  /** Each base element left, the most similar free side element of its kind, if similar enough. */
  bySimilarity(): void {
    this.base.forEach((node, b) => {
      if (this.match[b] >= 0) return
      let best = -1
      let bestScore = SIMILAR
      this.side.forEach((candidate, s) => {
        const signature = this.sideSignatures[s]
        if (
          this.taken[s] ||
          candidate.kind !== node.kind ||
          (signature !== undefined && this.baseNames.has(signature)) ||
          diceBound(tokens(node).length, tokens(candidate).length) < bestScore
        )
          return
        const score = similarity(node, candidate)
        if (score >= bestScore) {
          best = s
          bestScore = score
        }
      })
      if (best >= 0) this.pair(b, best)
    })
  }

  /**
   * The one declaration of a kind that vanished and the one that appeared, alike but for the
   * name: a rename (`fn test() {}` → `fn test2() {}`), too small for the similarity above.
   */
  renamedDeclarations(): void {
    const { base, side, match, taken, baseSignatures, sideSignatures, baseNames } = this
    const kinds = new Set(
      base.filter((_, b) => match[b] < 0 && baseSignatures[b] !== undefined).map((node) => node.kind),
    )
    for (const kind of kinds) {
      const gone = base.flatMap((node, b) =>
        match[b] < 0 && node.kind === kind && baseSignatures[b] !== undefined ? [b] : [],
      )
      const came = side.flatMap((node, s) =>
        !taken[s] &&
        node.kind === kind &&
        sideSignatures[s] !== undefined &&
        !baseNames.has(sideSignatures[s])
          ? [s]
          : [],
      )
      if (gone.length !== 1 || came.length !== 1) continue
      const [b, s] = [gone[0], came[0]]
      const baseRest = tokensBesideSignature(base[b], baseSignatures[b]!)
      const sideRest = tokensBesideSignature(side[s], sideSignatures[s]!)
      if (baseRest.length >= 3 && baseRest.join(' ') === sideRest.join(' ')) this.pair(b, s)
    }
  }

  /**
   * A declaration whose parameters changed (`add(int a, int b)` → `add(int... b)`): the one
   * element of a kind with that name on each side, when nothing else shares the name (overloads).
   */
  changedParameters(): void {
    const { base, side, match, taken, baseSignatures, sideSignatures } = this
    const [baseNamed, sideNamed] = [countNames(baseSignatures), countNames(sideSignatures)]
    base.forEach((node, b) => {
      const name = nameOf(baseSignatures[b])
      if (
        match[b] >= 0 ||
        name === undefined ||
        baseSignatures[b] === name ||
        baseNamed.get(name) !== 1 ||
        sideNamed.get(name) !== 1
      )
        return
      const s = side.findIndex(
        (candidate, s) => !taken[s] && candidate.kind === node.kind && nameOf(sideSignatures[s]) === name,
      )
      if (s >= 0) this.pair(b, s)
    })
  }

  /**
   * As many anonymous elements of a kind left as came: edits, however large, paired in order.
   * (Named ones with a new name are new elements: an import of another module is not an edit.)
   */
  anonymousInOrder(): void {
    const { base, side, match, taken, baseSignatures, sideSignatures } = this
    for (const kind of new Set(base.filter((_, b) => match[b] < 0).map((node) => node.kind))) {
      const gone = base.flatMap((node, b) =>
        match[b] < 0 && node.kind === kind && baseSignatures[b] === undefined ? [b] : [],
      )
      const came = side.flatMap((node, s) =>
        !taken[s] && node.kind === kind && sideSignatures[s] === undefined ? [s] : [],
      )
      if (gone.length !== came.length) continue
      gone.forEach((b, k) => this.pair(b, came[k]))
    }
  }
}

/** A declaration's tokens with the parts of its signature taken out: what a rename leaves alone. */
const tokensBesideSignature = (node: SyntaxNode, signature: string): string[] =>
  signature
    .split(':')
    .reduce((text, part) => text.replace(part, ''), textOf(node).replace(/\s+/g, ' '))
    .match(/\w+|[^\s\w]/g) ?? []

/** The name in a signature: its part before the first `:`. */
const nameOf = (signature: string | undefined) => signature?.split(':')[0]

/** How many signatures carry each name. */
function countNames(signatures: (string | undefined)[]): Map<string | undefined, number> {
  const counts = new Map<string | undefined, number>()
  for (const signature of signatures) counts.set(nameOf(signature), (counts.get(nameOf(signature)) ?? 0) + 1)
  return counts
}
