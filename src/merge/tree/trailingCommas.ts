/**
 * Trailing commas in a grammar that has none. JSON's grammar reads `{"a": 1,}` as an object
 * with an ERROR holding the comma, and `[1,]` as an array missing a last value; files such as
 * tsconfig.json and VS Code's settings (JSONC) allow both. Read as plain separators, they merge
 * like a trailing comma in JavaScript instead of sending the whole file to the line merge.
 */

/** What this reads of a syntax tree's nodes (syntaxTree.ts's `SyntaxNode`, which imports this module). */
interface SyntaxNode {
  kind: string
  named: boolean
  error: boolean
  start: number
  end: number
  children: SyntaxNode[]
}

const CLOSING = new Set([']', '}'])

const isComment = (node: SyntaxNode): boolean => node.kind === 'comment'

/** An element a trailing comma may follow: a value or a key-value pair, parsed without error. */
const isElement = (node: SyntaxNode | undefined): boolean =>
  node !== undefined && node.named && !node.error && !isComment(node)

/**
 * Rewrites, in place, every trailing comma that the grammar read as an error into a plain `,`
 * token (an ERROR holding only it goes, as does a missing value after it), and takes those
 * errors off the tree's count. Returns the tree.
 */
export function readTrailingCommas<Tree extends { root: SyntaxNode; errors: number }>(tree: Tree): Tree {
  const visit = (node: SyntaxNode): void => {
    for (const child of node.children) visit(child)
    const { children } = node
    const closing = children.length - 1
    if (closing < 2 || !CLOSING.has(children[closing].kind)) return
    let last = closing - 1
    while (last > 0 && isComment(children[last])) last--
    const candidate = children[last]
    const [comma] = candidate.children
    if (
      candidate.kind === 'ERROR' &&
      candidate.children.length === 1 &&
      comma.kind === ',' &&
      isElement(children[last - 1])
    ) {
      // `{"a": 1,}`
      node.children = [...children.slice(0, last), comma, ...children.slice(last + 1)]
      tree.errors--
    } else if (
      candidate.error &&
      candidate.start === candidate.end &&
      candidate.children.length === 0 &&
      children[last - 1].kind === ',' &&
      isElement(children[last - 2])
    ) {
      // `[1,]`: the value the grammar expected after the comma is missing
      node.children = [...children.slice(0, last), ...children.slice(last + 1)]
      tree.errors--
    }
  }
  visit(tree.root)
  return tree
}
