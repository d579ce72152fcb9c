import { isCommutative, type LanguageProfile } from '../profiles/profile.ts'
import { signatureOf } from '../tree/signature.ts'
import { textOf, type SyntaxNode, type SyntaxTree } from '../tree/syntaxTree.ts'

/**
 * Declarations sharing a signature with an earlier sibling in an order-insensitive container
 * (`named`), and those that are word for word the same as one (`copies`).
 */
function duplicateDeclarations(
  tree: SyntaxTree,
  profile: LanguageProfile,
): { named: number; copies: number } {
  // The sides are checked again for each merge a caller tries.
  const known = duplicates.get(tree)
  if (known !== undefined && known.profile === profile) return known.count
  const count = countDuplicates(tree, profile)
  duplicates.set(tree, { profile, count })
  return count
}

const duplicates = new WeakMap<
  SyntaxTree,
  { profile: LanguageProfile; count: { named: number; copies: number } }
>()

function countDuplicates(tree: SyntaxTree, profile: LanguageProfile): { named: number; copies: number } {
  const duplicates = { named: 0, copies: 0 }
  const visit = (node: SyntaxNode, parentKind: string | undefined) => {
    if (isCommutative(profile, node.kind, parentKind)) {
      // A copy has its original's signature too: texts are compared only among namesakes.
      const named = new Map<string, SyntaxNode[]>()
      for (const child of node.children) {
        const signature = child.named ? signatureOf(child, profile) : undefined
        if (signature === undefined) continue
        const namesakes = named.get(signature)
        if (!namesakes) {
          named.set(signature, [child])
          continue
        }
        duplicates.named++
        if (namesakes.some((other) => textOf(other) === textOf(child))) duplicates.copies++
        namesakes.push(child)
      }
    }
    for (const child of node.children) visit(child, node.kind)
  }
  visit(tree.root, undefined)
  return duplicates
}

/** (5) The result parses with no more errors than the side that has most. */
export const parsesAsWellAsTheSides = (merged: SyntaxTree, left: SyntaxTree, right: SyntaxTree): boolean =>
  merged.errors <= Math.max(left.errors, right.errors)

/**
 * (4) No declaration shares its signature with a sibling in an order-insensitive container
 * beyond what a side already had, nor is a word-for-word copy no version had (a set holds an
 * element once; the structured merge keeps one; a copy one side made on purpose, such as a second
 * `import warnings`, stays). A clean line merge can fail this when both sides inserted the same
 * key or a brace landed in the wrong place.
 */
export function declaresNoNameTwice(
  merged: SyntaxTree,
  base: SyntaxTree,
  left: SyntaxTree,
  right: SyntaxTree,
  profile: LanguageProfile,
): boolean {
  const [m, l, r] = [merged, left, right].map((tree) => duplicateDeclarations(tree, profile))
  const b = duplicateDeclarations(base, profile)
  return m.named <= Math.max(l.named, r.named) && m.copies <= Math.max(b.copies, l.copies, r.copies)
}
