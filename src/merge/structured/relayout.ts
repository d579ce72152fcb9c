/**
 * One side only reformatted a bracketed node (Prettier wrapping JSX attributes or arguments one
 * per line, a JSON object expanded from one line to several) while the other edited inside it:
 * the merge is the editing side's tokens in the reformatting side's layout, as a person would
 * write it. A side only reformats a node when its tokens, whitespace aside, are the base's (a
 * formatter's trailing `,` before the closing bracket allowed).
 */
import { matchLines } from '../line/diff3.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import { opaque } from './children.ts'
import { lineIndent, reindent } from './indent.ts'

/** A node whose text is one token to the layout: no whitespace inside it may change. */
const WHOLE = /string|template|comment|jsx_text|heredoc|char_literal|regex/

/** How deep each token lies below the node whose tokens were read. */
const depths = new WeakMap<SyntaxNode, number>()

/** The leaves of a node in order: what stays when whitespace is set aside. */
function tokensOf(node: SyntaxNode): SyntaxNode[] {
  const found: SyntaxNode[] = []
  const visit = (at: SyntaxNode, depth: number) => {
    if (at.start === at.end) return // a MISSING or empty node writes nothing
    if (at.children.length === 0 || WHOLE.test(at.kind) || opaque(at)) {
      found.push(at)
      depths.set(at, depth)
    } else at.children.forEach((child) => visit(child, depth + 1))
  }
  visit(node, 0)
  return found
}

// A Map: node kinds are grammar-defined strings (Haskell has `constructor`, which objects inherit).
const PAIRS = new Map([
  ['(', [')']],
  ['[', [']']],
  ['{', ['}']],
  ['<', ['>', '/>']],
])

/** Whether a node is a bracketed list (`(…)`, `[…]`, `{…}`, a JSX tag): inside it, line breaks mean nothing. */
function bracketed(node: SyntaxNode): boolean {
  const [first, last] = [node.children[0], node.children[node.children.length - 1]]
  return node.children.length >= 2 && (PAIRS.get(first.kind) ?? []).includes(last.kind)
}

const squashedLength = (node: SyntaxNode): number => textOf(node).replace(/\s+/g, '').length

/**
 * Whether `side` is `base` with only its layout changed: the same tokens, or the same with one
 * `,` added before the closing bracket.
 */
function onlyReformats(base: SyntaxNode, side: SyntaxNode, baseTokensOf: () => string[]): boolean {
  if (textOf(side) === textOf(base)) return false
  // Most edits change what is there besides whitespace: told without reading tokens.
  const extra = squashedLength(side) - squashedLength(base)
  if (extra !== 0 && extra !== 1) return false
  const [baseTokens, sideTokens] = [baseTokensOf(), tokensOf(side).map(textOf)]
  if (sideTokens.length === baseTokens.length) return sideTokens.every((token, i) => token === baseTokens[i])
  const n = baseTokens.length
  const same = (from: number, to: number, shift: number) =>
    baseTokens.slice(from, to).every((token, i) => token === sideTokens[from + i + shift])
  // The formatter's trailing `,`: after an element (not the opening bracket, not another `,`).
  return (
    sideTokens.length === n + 1 &&
    n >= 3 &&
    sideTokens[n - 1] === ',' &&
    baseTokens[n - 2] !== ',' &&
    same(0, n - 1, 0) &&
    same(n - 1, n, 1)
  )
}

/**
 * The merge of a bracketed node one side only reformatted and the other edited: the edited
 * side's text in the reformatting side's layout; undefined when neither or both only reformat,
 * or the edited side keeps the base's tokens too (its own layout change then merges as usual).
 */
export function mergeReformatted(base: SyntaxNode, left: SyntaxNode, right: SyntaxNode): string | undefined {
  if (!bracketed(base) || !bracketed(left) || !bracketed(right)) return undefined
  let baseTokens: string[] | undefined
  const baseTokensOf = () => (baseTokens ??= tokensOf(base).map(textOf))
  const [leftOnly, rightOnly] = [
    onlyReformats(base, left, baseTokensOf),
    onlyReformats(base, right, baseTokensOf),
  ]
  if (leftOnly === rightOnly) return undefined
  const [reformatted, edited] = leftOnly ? [left, right] : [right, left]
  // Only moved left or right as a whole (nested one level deeper): the edited side's text,
  // reindented, keeps that side's own reflowing too; the callers do that.
  if (textOf(reformatted) === reindent(textOf(base), lineIndent(base), lineIndent(reformatted)))
    return undefined
  return relayout(base, reformatted, edited)
}

/**
 * The class of a token for the gaps around it: punctuation by its text, other tokens by kind,
 * with its depth, so a list's layout is not copied into a call nested in a new element.
 */
const classOf = (token: SyntaxNode): string =>
  `${token.named ? token.kind : textOf(token)}@${depths.get(token)}`

/**
 * The edited side's tokens with the reformatting side's gaps: between two tokens the base had
 * next to each other, the reformatting side's gap there; elsewhere (around new tokens) the gap
 * the reformatting side put where the base had the same gap between tokens of the same classes,
 * when that is one gap; else the edited side's own.
 */
function relayout(base: SyntaxNode, reformatted: SyntaxNode, edited: SyntaxNode): string {
  const [baseTokens, newTokens, editedTokens] = [base, reformatted, edited].map(tokensOf)
  // Base token j is the reformatted side's token at(j): its added `,` sits before the last.
  const extra = newTokens.length - baseTokens.length
  const at = (j: number) => (j === baseTokens.length - 1 ? j + extra : j)
  const newGap = (j: number) => reformatted.source.slice(newTokens[at(j - 1)].end, newTokens[at(j)].start)
  const baseGap = (j: number) => base.source.slice(baseTokens[j - 1].end, baseTokens[j].start)
  const learned = new Map<string, Set<string>>()
  const learn = (key: string, gap: string) => {
    const gaps = learned.get(key) ?? new Set()
    learned.set(key, gaps.add(gap))
  }
  for (let j = 1; j < baseTokens.length; j++) {
    const [before, after, gap] = [classOf(baseTokens[j - 1]), classOf(baseTokens[j]), baseGap(j)]
    learn(`${before}\0${after}\0${gap}`, newGap(j))
    learn(`${before}\0*\0${gap}`, newGap(j))
    learn(`*\0${after}\0${gap}`, newGap(j))
  }
  const analogous = (before: SyntaxNode, after: SyntaxNode, gap: string): string => {
    for (const key of [
      `${classOf(before)}\0${classOf(after)}\0${gap}`,
      `${classOf(before)}\0*\0${gap}`,
      `*\0${classOf(after)}\0${gap}`,
    ]) {
      const gaps = learned.get(key)
      if (gaps?.size !== 1) continue
      const [chosen] = gaps
      // A line comment ends at the line break: never take it away.
      if (before.kind.includes('comment') && gap.includes('\n') && !chosen.includes('\n')) return gap
      return chosen
    }
    return gap
  }
  const toBase = matchLines(editedTokens.map(textOf), baseTokens.map(textOf))
  let text = textOf(editedTokens[0])
  for (let k = 1; k < editedTokens.length; k++) {
    const [before, after] = [editedTokens[k - 1], editedTokens[k]]
    const gap = edited.source.slice(before.end, after.start)
    const j = toBase[k]
    // Between tokens the base had side by side: the gap whichever side changed, the reformatting side's if both did.
    const kept = j > 0 && toBase[k - 1] === j - 1
    const between = kept ? (newGap(j) === baseGap(j) ? gap : newGap(j)) : analogous(before, after, gap)
    // The gap before the closing bracket carries the formatter's trailing `,`: once is enough.
    text += (textOf(before) === ',' ? between.replace(/^\s*,/, '') : between) + textOf(after)
  }
  return text
}
