/**
 * What the tree merge reads off a node's children without writing anything: the text between
 * them, which stretches of them a side left alone or only deleted from, and how two versions of
 * a node differ.
 */
import type { LanguageProfile } from '../profiles/profile.ts'
import { signatureOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import { shapeOf } from '../tree/treeMatcher.ts'

/** Child indices of one version, from `from` up to (not including) `to`. */
export type Span = readonly [from: number, to: number]

/** Text between the end of child `i - 1` (or the start of `parent`) and the start of child `i`. */
export const gapBefore = (parent: SyntaxNode, i: number): string =>
  parent.source.slice(gapStart(parent, i), parent.children[i].start)

const gapStart = (parent: SyntaxNode, i: number): number =>
  i === 0 ? parent.start : parent.children[i - 1].end

/** The text of children `[from, to)` with the gap before the first of them. */
export const spanText = (parent: SyntaxNode, [from, to]: Span): string =>
  from >= to ? '' : parent.source.slice(gapStart(parent, from), parent.children[to - 1].end)

/** Text after a node's last child. */
export const trailing = (node: SyntaxNode): string =>
  node.children.length === 0 ? '' : node.source.slice(node.children[node.children.length - 1].end, node.end)

/**
 * A leaf, or a node with text no child covers (TOML's string contents are no node): merged
 * child by child, that text would be taken from one side as mere spacing.
 */
export const opaque = (node: SyntaxNode): boolean =>
  node.children.length === 0 ||
  node.children.some((_, i) => /\S/.test(gapBefore(node, i))) ||
  /\S/.test(trailing(node))

/**
 * A container that is order-insensitive when its elements are named, and they are, after
 * unnamed ones all versions start with alike (`f(x, key=1)`: the positional `x` stays first).
 */
export function allKeyed(profile: LanguageProfile, ...nodes: SyntaxNode[]): boolean {
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

const BRACKETS = new Set(['(', ')', '[', ']', '{', '}'])

/** The brackets among a node's own tokens, in order. */
export const brackets = (node: SyntaxNode): string =>
  node.children
    .filter((child) => BRACKETS.has(child.kind))
    .map((child) => child.kind)
    .join('')

/** Whether a side has named children that no base child was matched to: it inserted some. */
export function insertsNamed(children: SyntaxNode[], baseToSide: Int32Array): boolean {
  const matched = new Set(baseToSide)
  return children.some((child, i) => child.named && !matched.has(i))
}

const CLOSING = new Set([')', ']', '}'])

/**
 * A stretch that ends a bracketed list, cut into the elements in it and the trailing separator
 * after them (the text up to and with a final `,`; empty when there is none). Undefined when the
 * stretch is not at the end of a list, or its last element is not one (a comment, an opening bracket).
 */
export function listEnd(
  parent: SyntaxNode,
  [from, to]: Span,
): { elements: Span; separator: string } | undefined {
  const { children } = parent
  if (to !== children.length - 1 || !CLOSING.has(children[to].kind)) return undefined
  const hasSeparator = to > from && children[to - 1].kind === ','
  const end = hasSeparator ? to - 1 : to
  const lastElement = children[end - 1]
  if (!lastElement || !lastElement.named || lastElement.kind.endsWith('comment')) return undefined
  const separator = hasSeparator ? parent.source.slice(lastElement.end, children[to - 1].end) : ''
  return { elements: [from, end], separator }
}

/** Whether a side has the base's children of a stretch there, each matched in place and unchanged. */
export function unchangedStretch(
  base: SyntaxNode,
  side: SyntaxNode,
  [baseFrom, baseTo]: Span,
  [sideFrom, sideTo]: Span,
  baseToSide: Int32Array,
): boolean {
  const length = baseTo - baseFrom
  if (sideTo - sideFrom !== length) return false
  for (let k = 0; k < length; k++) {
    const [b, s] = [baseFrom + k, sideFrom + k]
    if (baseToSide[b] !== s || textOf(side.children[s]) !== textOf(base.children[b])) return false
  }
  return true
}

/**
 * The base children of a stretch a side kept, when it only deleted some and changed nothing
 * else there; undefined otherwise.
 */
export function keptBaseChildren(
  base: SyntaxNode,
  side: SyntaxNode,
  [baseFrom, baseTo]: Span,
  [sideFrom, sideTo]: Span,
  baseToSide: Int32Array,
): number[] | undefined {
  const indices: number[] = []
  for (let k = baseFrom; k < baseTo; k++) {
    const at = baseToSide[k]
    if (at < 0) continue
    if (at < sideFrom || at >= sideTo || textOf(side.children[at]) !== textOf(base.children[k]))
      return undefined
    indices.push(k)
  }
  return indices.length === sideTo - sideFrom ? indices : undefined
}

/** The one child two nodes of a kind differ in, with the same kinds and text around it; else -1. */
export function differingChild(left: SyntaxNode, right: SyntaxNode): number {
  const [leftChildren, rightChildren] = [left.children, right.children]
  if (
    leftChildren.length !== rightChildren.length ||
    leftChildren.some((child, i) => child.kind !== rightChildren[i].kind)
  )
    return -1
  const differing = leftChildren.flatMap((child, i) =>
    textOf(child) === textOf(rightChildren[i]) ? [] : [i],
  )
  if (differing.length !== 1) return -1
  const k = differing[0]
  const around = (node: SyntaxNode) => [
    node.source.slice(node.start, node.children[k].start),
    node.source.slice(node.children[k].end, node.end),
  ]
  const [leftAround, rightAround] = [around(left), around(right)]
  return leftAround[0] === rightAround[0] && leftAround[1] === rightAround[1] ? k : -1
}

/** Below this many tokens a node is too common to be recognised inside other code. */
export const MIN_WRAPPED_TOKENS = 5

/** The proper descendants of `node` equal to `target` but for whitespace. */
export function nestedCopies(node: SyntaxNode, target: SyntaxNode): SyntaxNode[] {
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

/** A version of `node` with nothing in it, as the base of a node both sides added. */
export const emptyVersionOf = (node: SyntaxNode): SyntaxNode => ({ ...node, end: node.start, children: [] })
