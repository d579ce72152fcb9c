/**
 * Edits that follow code one side moved, told by its syntax nodes: a conflict where one side
 * edited a node (a call's arguments, a condition) that the other side moved elsewhere in the file
 * (into a declaration, a new function), perhaps editing it on the way. Matching is per level, so
 * the merge first sees a deletion and an edit; this finds the node where it went.
 */
import { lineIndent } from './indent.ts'
import type { ConflictPiece, Piece } from '../line/pieces.ts'
import type { LanguageProfile } from '../profiles/profile.ts'
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'
import { matchOrdered, shapeOf, similarity, tokenCount } from '../tree/treeMatcher.ts'

/** The nodes a conflict covers in each version: children of one parent, in order. */
export interface ConflictNodes {
  base: SyntaxNode[]
  left: SyntaxNode[]
  right: SyntaxNode[]
}

/** Merges a base node with two versions of it; the merged text, or undefined if that conflicts. */
export type MergeNodes = (base: SyntaxNode, left: SyntaxNode, right: SyntaxNode) => string | undefined

/** Below this many tokens a node is too common to say where it went. */
const MIN_TOKENS = 5
/** A moved node edited on the way must still be this alike: a wrong guess would rewrite other code. */
const MOVED_SIMILARITY = 0.8

/**
 * The editor's change narrowed down: the base node and its edited version, then the one child
 * they differ in, and so on, largest first, while the rest of each node stays the same.
 */
function editChain(base: SyntaxNode, edited: SyntaxNode): [SyntaxNode, SyntaxNode][] {
  const chain: [SyntaxNode, SyntaxNode][] = [[base, edited]]
  for (let [b, e] = chain[0]; ;) {
    if (
      b.children.length !== e.children.length ||
      b.children.some((child, i) => child.kind !== e.children[i].kind)
    )
      break
    const differing = b.children.flatMap((child, i) => (textOf(child) === textOf(e.children[i]) ? [] : [i]))
    if (differing.length !== 1) break
    ;[b, e] = [b.children[differing[0]], e.children[differing[0]]]
    chain.push([b, e])
  }
  return chain
}

function descendants(root: SyntaxNode, accept: (node: SyntaxNode) => boolean): SyntaxNode[] {
  const found: SyntaxNode[] = []
  const visit = (node: SyntaxNode) => {
    if (accept(node)) found.push(node)
    else node.children.forEach(visit)
  }
  visit(root)
  return found
}

/** How often `text` occurs in `within`. */
function count(within: string, text: string): number {
  let n = 0
  for (let at = within.indexOf(text); at >= 0; at = within.indexOf(text, at + 1)) n++
  return n
}

/**
 * For each conflict where one side edited one base node in place and the other side no longer has
 * it there: when the other side has exactly one such node elsewhere (the same but for whitespace,
 * or nearly the same), the base node occurs once in the base and the editor kept no copy, the edit
 * is merged into that node (its text must occur once in the decided text) and the conflict takes
 * the moving side's version.
 */
export function followMovedNodes(
  pieces: Piece[],
  nodesOf: Map<ConflictPiece, ConflictNodes>,
  roots: { base: SyntaxNode; left: SyntaxNode; right: SyntaxNode },
  profile: LanguageProfile,
  mergeNodes: MergeNodes,
): void {
  pieces.forEach((piece, index) => {
    const nodes = typeof piece === 'object' ? nodesOf.get(piece) : undefined
    if (!nodes || typeof piece !== 'object') return
    for (const [editor, mover] of [
      ['left', 'right'],
      ['right', 'left'],
    ] as const) {
      const edit = singleEdit(nodes.base, nodes[editor], profile)
      if (!edit) continue
      const span =
        nodes[mover].length > 0 ? [nodes[mover][0].start, nodes[mover][nodes[mover].length - 1].end] : [0, 0]
      for (const [from, to] of editChain(...edit)) {
        if (tokenCount(from) < MIN_TOKENS) break
        const alike = (node: SyntaxNode) =>
          node.kind === from.kind &&
          (shapeOf(node) === shapeOf(from) || similarity(node, from) >= MOVED_SIMILARITY)
        const copies = (root: SyntaxNode) =>
          descendants(root, (node) => node.kind === from.kind && shapeOf(node) === shapeOf(from)).length
        const targets = descendants(roots[mover], alike).filter(
          (node) => node.end <= span[0] || node.start >= span[1],
        )
        if (targets.length !== 1 || copies(roots.base) !== 1 || copies(roots[editor]) !== 0) continue
        const [target] = targets
        const merged = editor === 'left' ? mergeNodes(from, to, target) : mergeNodes(from, target, to)
        // Lines from the editor and from the moved node would sit at different depths: the
        // line-based follower reindents such edits instead.
        const indented = merged?.includes('\n') && lineIndent(to) !== lineIndent(target)
        if (merged === undefined || indented || !replaceOnce(pieces, index, textOf(target), merged)) continue
        pieces[index] = piece[mover]
        return
      }
    }
  })
}

/** The one base node the editor changed in place, with its edited version, when it changed nothing else there. */
function singleEdit(
  base: SyntaxNode[],
  edited: SyntaxNode[],
  profile: LanguageProfile,
): [SyntaxNode, SyntaxNode] | undefined {
  if (base.length === 0 || base.length !== edited.length) return undefined
  const match = matchOrdered(base, edited, profile)
  if (match.some((to, i) => to !== i)) return undefined
  const changed = base.flatMap((node, i) => (textOf(node) === textOf(edited[i]) ? [] : [i]))
  return changed.length === 1 ? [base[changed[0]], edited[changed[0]]] : undefined
}

/** Replaces `text`, found exactly once in the decided pieces and in no conflict but `except`. */
function replaceOnce(pieces: Piece[], except: number, text: string, replacement: string): boolean {
  let found = -1
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]
    const occurrences =
      typeof piece === 'string'
        ? count(piece, text)
        : i === except
          ? 0
          : count(piece.left, text) + count(piece.right, text)
    if (occurrences === 0) continue
    if (occurrences > 1 || found >= 0 || typeof piece !== 'string') return false
    found = i
  }
  if (found < 0) return false
  pieces[found] = (pieces[found] as string).replace(text, () => replacement)
  return true
}
