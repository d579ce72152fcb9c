/**
 * Containers people keep sorted (imports, dependencies, use lists): whether a set's three
 * versions all are, and in which order, so that additions both sides made at one place go where
 * sorting puts them rather than left's first.
 */
import { sortedElementKinds, type LanguageProfile } from '../profiles/profile.ts'
import { signatureOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import type { Split } from './containerLayout.ts'

type Order = (a: string, b: string) => number

const byCodeUnits: Order = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

const ignoringCase: Order = (a, b) => byCodeUnits(a.toLowerCase(), b.toLowerCase()) || byCodeUnits(a, b)

/** npm writes package.json's dependencies in this order (a locale compare in English). Made on
 * first use: creating the collator loads ICU's collation data, about 7 ms of CPU that a `weft
 * merge-file` process would otherwise pay at start for every file, sorted containers or not. */
let english: Intl.Collator | undefined
const byLocale: Order = (a, b) => (english ??= new Intl.Collator('en')).compare(a, b) || byCodeUnits(a, b)

/** rustfmt's order before its 2024 style: `self`, `super`, `crate`, then snake_case, CamelCase, UPPER_CASE. */
const rustRank = (name: string): number => {
  const special = ['self', 'super', 'crate'].indexOf(name)
  if (special >= 0) return special
  if (/^[A-Z][A-Z0-9_]*$/.test(name)) return 5
  return /^[A-Z]/.test(name) ? 4 : 3
}
const rustfmt: Order = (a, b) => rustRank(a) - rustRank(b) || byCodeUnits(a, b)

/** The orders tried, the plainest first: the first one every version keeps is the container's. */
const ORDERS: readonly Order[] = [byCodeUnits, ignoringCase, byLocale, rustfmt]

/** Two elements with a blank line between them are in different groups (Go's import groups). */
const BLANK_LINE = /\n[ \t\r]*\n/

/** Whether a separator starts a new group of elements, each sorted on its own. */
export const breaksGroup = (separator: string): boolean => BLANK_LINE.test(separator)

/** A container whose versions all keep its sortable elements in one order. */
export interface SortedContainer {
  /** Whether two elements are sorted with each other (e.g. not a module's name and a name it imports). */
  comparable(a: SyntaxNode, b: SyntaxNode): boolean
  /** Negative when `a` sorts before `b`. */
  compare(a: SyntaxNode, b: SyntaxNode): number
}

/**
 * The order the container's elements are kept in, when the profile says people sort them there,
 * every version (base first) is sorted, and the base has two neighbours to show it; else undefined.
 */
export function sortedContainer(
  profile: LanguageProfile,
  containerKind: string,
  versions: readonly Split[],
): SortedContainer | undefined {
  const kinds = sortedElementKinds(profile, containerKind)
  if (!kinds) return undefined
  const keys = new Map<SyntaxNode, string>()
  const keyOf = (node: SyntaxNode): string => {
    let key = keys.get(node)
    if (key === undefined) keys.set(node, (key = sortKey(node, profile)))
    return key
  }
  const comparable = (a: SyntaxNode, b: SyntaxNode): boolean =>
    a.field === b.field && (kinds === '*' ? isName(a) && isName(b) : kinds.has(a.kind) && a.kind === b.kind)
  const pairs = versions.map((split) => neighbours(split, comparable))
  if (pairs[0].length === 0) return undefined
  const order = ORDERS.find((candidate) =>
    pairs.every((list) => list.every(([a, b]) => candidate(keyOf(a), keyOf(b)) <= 0)),
  )
  if (!order) return undefined
  return { comparable, compare: (a, b) => order(keyOf(a), keyOf(b)) }
}

/** Anything but a comment: where a profile sorts every element of a container. */
const isName = (node: SyntaxNode): boolean => node.named && !node.kind.endsWith('comment')

/** Elements next to each other in one group that are sorted with each other. */
function neighbours(
  split: Split,
  comparable: (a: SyntaxNode, b: SyntaxNode) => boolean,
): [SyntaxNode, SyntaxNode][] {
  const { elements, separators } = split
  return separators.flatMap((separator, i): [SyntaxNode, SyntaxNode][] =>
    !breaksGroup(separator) && comparable(elements[i], elements[i + 1])
      ? [[elements[i], elements[i + 1]]]
      : [],
  )
}

/** What an element is sorted by: its name (an import's path, a key) without quotes, else its text. */
function sortKey(node: SyntaxNode, profile: LanguageProfile): string {
  const key = signatureOf(node, profile) ?? textOf(node).replace(/\s+/g, ' ')
  return key.replace(/^(["'`])(.*)\1$/s, '$2')
}
