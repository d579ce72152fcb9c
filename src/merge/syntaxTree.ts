import type { Parser, TreeCursor } from 'web-tree-sitter'

/**
 * A parsed file as plain objects: the merge walks trees many times, and crossing into wasm for
 * every child access would dominate its cost, so each tree is copied out once.
 */
export interface SyntaxNode {
  kind: string
  named: boolean
  /** The grammar field this named node fills in its parent (`name`, `body`, …); null for tokens. */
  field: string | null
  start: number
  end: number
  children: SyntaxNode[]
  /** Whether tree-sitter marked this node as an ERROR or MISSING node. */
  error: boolean
  source: string
}

export interface SyntaxTree {
  source: string
  root: SyntaxNode
  /** ERROR and MISSING nodes in the whole tree. */
  errors: number
}

export const textOf = (node: SyntaxNode): string => node.source.slice(node.start, node.end)

/** The child filling a grammar field, e.g. a declaration's `name`. */
export const fieldOf = (node: SyntaxNode, field: string): SyntaxNode | undefined =>
  node.children.find((child) => child.field === field)

/** Parses `source`; the wasm tree is released before returning. */
export function parseTree(parser: Parser, source: string): SyntaxTree | undefined {
  const tree = parser.parse(source)
  if (!tree) return undefined
  try {
    const cursor = tree.walk()
    const counter = { errors: 0 }
    const root = copy(cursor, source, counter)
    cursor.delete()
    return { source, root, errors: counter.errors }
  } finally {
    tree.delete()
  }
}

function copy(cursor: TreeCursor, source: string, counter: { errors: number }): SyntaxNode {
  const kind = cursor.nodeType
  const [start, end] = [cursor.startIndex, cursor.endIndex]
  // Only empty nodes can be MISSING; asking every node costs a wasm call each.
  const error = kind === 'ERROR' || (start === end && cursor.nodeIsMissing)
  if (error) counter.errors++
  const named = cursor.nodeIsNamed
  const node: SyntaxNode = {
    kind,
    named,
    // The merge reads fields of named nodes only; each lookup is a wasm call.
    field: named ? cursor.currentFieldName : null,
    start,
    end,
    children: [],
    error,
    source,
  }
  if (cursor.gotoFirstChild()) {
    do node.children.push(copy(cursor, source, counter))
    while (cursor.gotoNextSibling())
    cursor.gotoParent()
  }
  return node
}

/**
 * Rewrites left-nested chains of `kinds` (`(a | b) | c`) as one node with every operand as a child
 * (`a | b | c`), so they can be merged as lists. In place; returns the tree.
 */
export function flattenChains(tree: SyntaxTree, kinds: readonly string[]): SyntaxTree {
  if (kinds.length === 0) return tree
  const visit = (node: SyntaxNode): void => {
    for (const child of node.children) visit(child)
    const head = node.children[0]
    if (head && kinds.includes(node.kind) && head.kind === node.kind) node.children = [...head.children, ...node.children.slice(1)]
  }
  visit(tree.root)
  return tree
}
