/**
 * How an order-insensitive container is laid out as text: delimiters, elements, and the
 * separators and spacing between them, so a merged set of elements can be written back in the
 * container's own style.
 */
import type { LanguageProfile } from '../profiles/profile.ts'
import type { SyntaxNode } from '../tree/syntaxTree.ts'

/** The version of a piece of text that changed (the left's when both did): for whitespace and delimiters. */
export const pick = (base: string, left: string, right: string): string => (left === base ? right : left)

/** An order-insensitive container cut into delimiters, elements and the text between them. */
export interface Split {
  prefix: string
  /** Whitespace between the prefix and the first element. */
  leading: string
  elements: SyntaxNode[]
  /** separators[i]: text between elements[i] and elements[i + 1]. */
  separators: string[]
  trailing: string
  suffix: string
}

/**
 * Cuts a container: leading anonymous tokens (`{`) are its prefix, trailing ones (`}`, a final
 * `,`) its suffix, named children its elements. Undefined when anonymous tokens other than one
 * kind of separator sit between elements: such a container is not a plain list.
 */
export function split(node: SyntaxNode, profile: LanguageProfile): Split | undefined {
  const children = node.children
  const first = children.findIndex(isElement)
  let last = children.length - 1
  while (last >= 0 && !isElement(children[last])) last--
  if (first < 0) {
    const closing = children.length > 1 ? children[children.length - 1].start : node.end
    const opening = children.length > 1 ? children[0].end : node.start
    return {
      prefix: node.source.slice(node.start, opening),
      leading: '',
      elements: [],
      separators: [],
      trailing: node.source.slice(opening, closing),
      suffix: node.source.slice(closing, node.end),
    }
  }
  const elements = attach(children.slice(first, last + 1).filter(isElement), profile)
  const tokens = new Set(
    children
      .slice(first, last + 1)
      .filter((child) => !isElement(child))
      .map((child) => child.kind),
  )
  if (tokens.size > 1) return undefined
  const separators = elements.slice(1).map((element, i) => node.source.slice(elements[i].end, element.start))
  const prefixEnd = first === 0 ? node.start : children[first - 1].end
  const suffixStart = last === children.length - 1 ? node.end : children[last + 1].start
  return {
    prefix: node.source.slice(node.start, prefixEnd),
    leading: node.source.slice(prefixEnd, elements[0].start),
    elements,
    separators,
    trailing: node.source.slice(elements[elements.length - 1].end, suffixStart),
    suffix: node.source.slice(suffixStart, node.end),
  }
}

/**
 * Glues attributes to the element they annotate (`#[cfg(test)]` and the `fn` after it), so they
 * move, match and merge as one: a node spanning both, with the element's kind and fields.
 */
function attach(elements: SyntaxNode[], profile: LanguageProfile): SyntaxNode[] {
  const attached = profile.attachedToNext ?? []
  const result: SyntaxNode[] = []
  let pending: SyntaxNode[] = []
  for (const element of elements) {
    if (attached.includes(element.kind)) {
      pending.push(element)
      continue
    }
    result.push(
      pending.length === 0
        ? element
        : { ...element, start: pending[0].start, children: [...pending, ...element.children] },
    )
    pending = []
  }
  return [...result, ...pending]
}

/** Named children and keyword tokens (`static`, `final`) are elements; punctuation delimits or separates them. */
const isElement = (node: SyntaxNode): boolean => node.named || /^\w+$/.test(node.kind)

/**
 * Space inside a container's delimiters, or its closing delimiters (a trailing `,`), from the
 * sides that have elements (an empty `{}` tells nothing).
 */
export function spacing(bs: Split, ls: Split, rs: Split, where: 'leading' | 'trailing' | 'suffix'): string {
  const [b, l, r] = [bs, ls, rs].map((split) => (split.elements.length > 0 ? split[where] : undefined))
  if (l !== undefined && r !== undefined) return b === undefined ? l : pick(b, l, r)
  return l ?? r ?? b ?? ''
}

const mostCommon = (texts: string[]): string | undefined => {
  const tally = new Map<string, number>()
  for (const text of texts) tally.set(text, (tally.get(text) ?? 0) + 1)
  return [...tally].sort((x, y) => y[1] - x[1])[0]?.[0]
}

/**
 * Between two elements never neighbours before: the usual separator between elements of those
 * kinds, else one that breaks the line if the container has such (a trailing comment is not a
 * separator to copy), else the line break before the first element, else a space.
 */
export function defaultSeparator(prevKind: string, kind: string, ...splits: Split[]): string {
  const between = splits.flatMap((split) =>
    split.separators.filter(
      (_, i) => split.elements[i].kind === prevKind && split.elements[i + 1].kind === kind,
    ),
  )
  const all = splits.flatMap((split) => split.separators)
  return (
    mostCommon(between.filter((text) => text.includes('\n'))) ??
    mostCommon(between) ??
    mostCommon(all.filter((text) => text.includes('\n'))) ??
    splits.map((split) => split.leading).find((leading) => leading.includes('\n')) ??
    mostCommon(all) ??
    ' '
  )
}
