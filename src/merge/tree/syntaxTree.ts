import { Edit, type Language, type Parser, type Point, type Tree } from 'web-tree-sitter'
import { walkTree, type TreeWalker } from '../../syntax/treeWalker.ts'
import { matchLines } from '../line/diff3.ts'
import { lines } from '../line/linePieces.ts'
import { readTrailingCommas } from './trailingCommas.ts'

/**
 * A parsed file as plain objects: the merge walks trees many times, and crossing into wasm for
 * every child access would dominate its cost, so each tree is copied out once (versions parsed
 * from an earlier one with {@link Parses} copy only what changed).
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
    const context: CopyContext = {
      source,
      language: tree.language,
      errors: 0,
      byId: new Map(),
      from: undefined,
    }
    const walker = walkTree(tree)
    try {
      return { source, root: copyShared(walker, context), errors: context.errors }
    } finally {
      walker.delete()
    }
  } finally {
    tree.delete()
  }
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
    if (head && kinds.includes(node.kind) && head.kind === node.kind)
      node.children = [...head.children, ...node.children.slice(1)]
  }
  visit(tree.root)
  return tree
}

/** A version parsed by a {@link Parses}: its plain tree, and what later versions reuse of it. */
export interface Parsed {
  tree: SyntaxTree
  /** The wasm tree, alive until the session is deleted. */
  wasm: Tree
  /** Each copied node by its tree-sitter node id. */
  byId: Map<number, SyntaxNode>
  /** The version this one was parsed from, whose nodes it may share. */
  from?: Parsed
}

/**
 * Parses several versions of one file, each one after the first incrementally from an earlier
 * version (`tree.edit` with the stretches of lines that differ), and copies only what changed.
 *
 * A tree-sitter node id is the address of the slot holding the node in its parent's block of
 * children. Blocks are shared between trees and never change while shared, so a node whose id
 * is a node id of a live earlier tree is that very subtree (same kinds, fields, shape), only
 * shifted: it is copied from the earlier plain tree without crossing into wasm. Every tree is
 * kept alive until {@link Parses.delete}, so no id can be reused by another node meanwhile.
 */
export class Parses {
  private readonly trees: Tree[] = []

  constructor(
    private readonly parser: Parser,
    private readonly chains: readonly string[] = [],
    /** Trailing commas the grammar reads as errors are read as separators (JSONC). */
    private readonly lenientTrailingCommas = false,
  ) {}

  /** Parses `source`, incrementally from `from` when given; undefined if tree-sitter gives up. */
  parse(source: string, from?: Parsed): Parsed | undefined {
    let tree: Tree | null
    if (from) {
      const old = from.wasm.copy()
      try {
        // Last stretch first, so each edit's offsets are still those of `from`.
        for (const edit of lineEdits(from.tree.source, source).reverse()) old.edit(edit)
        tree = this.parser.parse(source, old)
      } finally {
        old.delete()
      }
    } else {
      tree = this.parser.parse(source)
    }
    if (!tree) return undefined
    this.trees.push(tree)
    const context: CopyContext = { source, language: tree.language, errors: 0, byId: new Map(), from }
    const walker = walkTree(tree)
    let root: SyntaxNode
    try {
      root = copyShared(walker, context)
    } finally {
      walker.delete()
    }
    const plain = { source, root, errors: context.errors }
    if (this.lenientTrailingCommas) readTrailingCommas(plain)
    return {
      tree: flattenChains(plain, this.chains),
      wasm: tree,
      byId: context.byId,
      from,
    }
  }

  /** Releases every wasm tree; the plain trees stay usable. */
  delete(): void {
    for (const tree of this.trees.splice(0)) tree.delete()
  }
}

/** A node of an earlier version with this id, if any. */
function sharedNode(id: number, from: Parsed | undefined): SyntaxNode | undefined {
  for (let version = from; version; version = version.from) {
    const node = version.byId.get(id)
    if (node) return node
  }
  return undefined
}

/** What a copy needs besides the cursor. */
interface CopyContext {
  source: string
  language: Language
  errors: number
  byId: Map<number, SyntaxNode>
  from: Parsed | undefined
}

function copyShared(walker: TreeWalker, context: CopyContext): SyntaxNode {
  const { source, byId, from, language } = context
  const id = walker.nodeId()
  const shared = sharedNode(id, from)
  let node: SyntaxNode
  if (shared) {
    // The same subtree: only its offset, and the field it fills in this parent, can differ.
    const field = shared.named ? fieldName(language, walker) : null
    node = shift(shared, walker.startIndex() - shared.start, context)
    node.field = field
  } else {
    const type = walker.typeId()
    const kind = language.types[type] || 'ERROR'
    const start = walker.startIndex()
    const end = walker.endIndex()
    const error = kind === 'ERROR' || (start === end && walker.isMissing())
    if (error) context.errors++
    const named = isNamed(language, walker, type)
    node = {
      kind,
      named,
      field: named ? fieldName(language, walker) : null,
      start,
      end,
      children: [],
      error,
      source,
    }
    if (walker.gotoFirstChild()) {
      do node.children.push(copyShared(walker, context))
      while (walker.gotoNextSibling())
      walker.gotoParent()
    }
  }
  byId.set(id, node)
  return node
}

/** The grammar field the walker's node fills, as `TreeCursor.currentFieldName` gives it. */
const fieldName = (language: Language, walker: TreeWalker): string | null =>
  language.fields[walker.fieldId()] ?? null

/** Whether nodes of a type (alias types included) are named, by language: a wasm call per type, not per node. */
const namedTypes = new WeakMap<object, boolean[]>()

function isNamed(language: Language, walker: TreeWalker, type: number): boolean {
  let named = namedTypes.get(language)
  if (!named) namedTypes.set(language, (named = []))
  return (named[type] ??= walker.isNamed())
}

/** A deep copy of `node` moved by `delta` into `source`. */
function shift(node: SyntaxNode, delta: number, context: CopyContext): SyntaxNode {
  if (node.error) context.errors++
  const children: SyntaxNode[] = new Array(node.children.length)
  for (let i = 0; i < children.length; i++) children[i] = shift(node.children[i], delta, context)
  return {
    kind: node.kind,
    named: node.named,
    field: node.field,
    start: node.start + delta,
    end: node.end + delta,
    children,
    error: node.error,
    source: context.source,
  }
}

/** Where `text` ends when it starts at `start`. */
function pointAfter(start: Point, text: string): Point {
  const last = text.lastIndexOf('\n')
  if (last < 0) return { row: start.row, column: start.column + text.length }
  let rows = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++
  return { row: start.row + rows, column: text.length - last - 1 }
}

/** The stretches of whole lines that differ between `from` and `to`, in order, as edits of `from`. */
export function lineEdits(from: string, to: string): Edit[] {
  const [a, b] = [lines(from), lines(to)]
  const match = matchLines(a, b)
  const edits: Edit[] = []
  let [i, j, offset] = [0, 0, 0]
  for (let anchor = 0; anchor <= a.length; anchor++) {
    if (anchor < a.length && match[anchor] < 0) continue
    const jEnd = anchor < a.length ? match[anchor] : b.length
    if (anchor > i || jEnd > j) {
      const removed = a.slice(i, anchor).join('')
      const added = b.slice(j, jEnd).join('')
      // Stretches start on a line start, `i` lines in.
      const startPosition = { row: i, column: 0 }
      edits.push(
        new Edit({
          startIndex: offset,
          oldEndIndex: offset + removed.length,
          newEndIndex: offset + added.length,
          startPosition,
          oldEndPosition: pointAfter(startPosition, removed),
          newEndPosition: pointAfter(startPosition, added),
        }),
      )
      offset += removed.length
    }
    if (anchor < a.length) offset += a[anchor].length
    ;[i, j] = [anchor + 1, jEnd + 1]
  }
  return edits
}
