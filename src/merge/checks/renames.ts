import { dice, diceBound } from '../tree/treeMatcher.ts'
import { fieldOf, textOf, type SyntaxNode, type SyntaxTree } from '../tree/syntaxTree.ts'

/** Something a textually clean merge may have broken: a use of a name one side renamed or deleted. */
export interface MergeWarning {
  kind: 'rename-applied' | 'deleted-symbol-used'
  /** The name as the base declared it. */
  symbol: string
  /** The new name, for renames. */
  renamedTo?: string
  /** The side that renamed or deleted the declaration. */
  side: 'left' | 'right'
  message: string
}

const DECLARATION = /(_declaration|_definition|_item|declarator|_signature|_spec)$/
const isIdentifier = (node: SyntaxNode) =>
  node.named && node.children.length === 0 && node.kind.includes('identifier')

interface Symbols {
  /** Declared name → declaration text. */
  declared: Map<string, string>
  /** Identifier text → occurrences (declarations included). */
  uses: Map<string, number>
}

/** Whether a kind declares something, by kind: asked for every node of four trees per merge. */
const declares = new Map<string, boolean>()
const isDeclaration = (kind: string): boolean => {
  let result = declares.get(kind)
  if (result === undefined) declares.set(kind, (result = DECLARATION.test(kind)))
  return result
}

/** A name an import brings in (`import { A } from "./a.js"`), declared by its whole statement. */
const IMPORTED = 'import_specifier'
const IMPORT = /^import_(statement|declaration)$/

function symbolsOf(tree: SyntaxTree): Symbols {
  const declared = new Map<string, string>()
  const uses = new Map<string, number>()
  const visit = (node: SyntaxNode, statement: SyntaxNode | undefined) => {
    if (isIdentifier(node)) {
      const text = textOf(node)
      uses.set(text, (uses.get(text) ?? 0) + 1)
    }
    const imported = node.kind === IMPORTED && statement
    const name = isDeclaration(node.kind) || imported ? fieldOf(node, 'name') : undefined
    if (name && isIdentifier(name) && !declared.has(textOf(name)))
      declared.set(textOf(name), textOf(imported ? statement : node))
    for (const child of node.children) visit(child, IMPORT.test(node.kind) ? node : statement)
  }
  visit(tree.root, undefined)
  return { declared, uses }
}

const words = (text: string) => text.match(/\w+/g) ?? []

/** A renamed declaration keeps nearly all of its words once the name is swapped back. */
const RENAMED = 0.8

/** Names a side stopped using entirely: renamed (with the new name) or deleted. */
function vanished(base: Symbols, side: Symbols): Map<string, string | undefined> {
  const result = new Map<string, string | undefined>()
  const fresh = [...side.declared]
    .filter(([name]) => !base.declared.has(name) && !base.uses.has(name))
    .map(([name, text]) => ({ name, words: words(text) }))
  for (const [name, declaration] of base.declared) {
    if (side.uses.has(name)) continue
    const before = words(declaration)
    // At best every word of the shorter is shared: skip candidates that cannot reach RENAMED.
    // One new name per old one, taken in order (two imports renamed alike pair up in order).
    const match = fresh.find(
      (candidate) =>
        diceBound(before.length, candidate.words.length) >= RENAMED &&
        dice(
          before.map((word) => (word === name ? candidate.name : word)),
          candidate.words,
        ) >= RENAMED,
    )
    if (match) fresh.splice(fresh.indexOf(match), 1)
    result.set(name, match?.name)
  }
  return result
}

export interface RenameOutcome {
  /** The merged text with renames carried over to the other side's new uses. */
  text: string
  warnings: MergeWarning[]
}

/**
 * Carries a rename made on one side over to the uses the other side added (a clean merge would
 * otherwise keep them under the old name), and warns when one side deleted a declaration that
 * the other side started to use.
 */
export function reconcileRenames(
  base: SyntaxTree,
  left: SyntaxTree,
  right: SyntaxTree,
  merged: SyntaxTree,
): RenameOutcome {
  const symbols = { base: symbolsOf(base), left: symbolsOf(left), right: symbolsOf(right) }
  const renames = new Map<string, string>()
  const warnings: MergeWarning[] = []
  for (const [side, other] of [
    ['left', 'right'],
    ['right', 'left'],
  ] as const) {
    for (const [name, renamedTo] of vanished(symbols.base, symbols[side])) {
      const added = (symbols[other].uses.get(name) ?? 0) - (symbols.base.uses.get(name) ?? 0)
      if (added <= 0) continue
      if (renamedTo === undefined) {
        warnings.push({
          kind: 'deleted-symbol-used',
          symbol: name,
          side,
          message: `The ${side} side deleted "${name}", which the ${other} side starts to use.`,
        })
      } else {
        renames.set(name, renamedTo)
        warnings.push({
          kind: 'rename-applied',
          symbol: name,
          renamedTo,
          side,
          message: `The ${side} side renamed "${name}" to "${renamedTo}"; the ${other} side's new uses were renamed too.`,
        })
      }
    }
  }
  if (renames.size === 0) return { text: merged.source, warnings }
  const edits: { start: number; end: number; text: string }[] = []
  const visit = (node: SyntaxNode) => {
    const to = isIdentifier(node) ? renames.get(textOf(node)) : undefined
    if (to !== undefined) edits.push({ start: node.start, end: node.end, text: to })
    node.children.forEach(visit)
  }
  visit(merged.root)
  let text = merged.source
  for (const edit of edits.reverse()) text = text.slice(0, edit.start) + edit.text + text.slice(edit.end)
  return { text, warnings }
}
