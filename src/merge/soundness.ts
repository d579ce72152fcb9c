import { isCommutative, type LanguageProfile } from './profiles/profile.ts'
import { signatureOf } from './signature.ts'
import type { SyntaxNode, SyntaxTree } from './syntaxTree.ts'

/** Declarations sharing a signature with an earlier sibling in an order-insensitive container. */
function duplicateDeclarations(tree: SyntaxTree, profile: LanguageProfile): number {
  // The sides are checked again for each merge a caller tries.
  const known = duplicates.get(tree)
  if (known !== undefined && known.profile === profile) return known.count
  const count = countDuplicates(tree, profile)
  duplicates.set(tree, { profile, count })
  return count
}

const duplicates = new WeakMap<SyntaxTree, { profile: LanguageProfile; count: number }>()

function countDuplicates(tree: SyntaxTree, profile: LanguageProfile): number {
  let duplicates = 0
  const visit = (node: SyntaxNode, parentKind: string | undefined) => {
    if (isCommutative(profile, node.kind, parentKind)) {
      const seen = new Set<string>()
      for (const child of node.children) {
        const signature = child.named ? signatureOf(child, profile) : undefined
        if (signature === undefined) continue
        if (seen.has(signature)) duplicates++
        seen.add(signature)
      }
    }
    for (const child of node.children) visit(child, node.kind)
  }
  visit(tree.root, undefined)
  return duplicates
}

/**
 * Whether a merged tree is no worse than the sides it came from: no parse errors and no
 * duplicated declarations beyond what a side already had. A clean line merge can fail this when
 * both sides inserted the same key or a brace landed in the wrong place.
 */
export function isSound(merged: SyntaxTree, left: SyntaxTree, right: SyntaxTree, profile: LanguageProfile): boolean {
  if (merged.errors > Math.max(left.errors, right.errors)) return false
  return duplicateDeclarations(merged, profile) <= Math.max(duplicateDeclarations(left, profile), duplicateDeclarations(right, profile))
}
