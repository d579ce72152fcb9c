import type { LanguageProfile } from '../profiles/profile.ts'
import { textOf, type SyntaxNode } from './syntaxTree.ts'

const squash = (text: string): string => text.replace(/\s+/g, ' ').trim()

/** Nodes reached by one signature path (`declarator.name`, `parameters.*.type`, `#0`). */
function follow(node: SyntaxNode, path: string[]): SyntaxNode[] {
  if (path.length === 0) return [node]
  const [step, ...rest] = path
  let next: SyntaxNode[]
  if (step === '#text') next = [node]
  else if (step === '#0') next = node.children.filter((child) => child.named).slice(0, 1)
  else if (step === '*') next = node.children.filter((child) => child.named)
  else {
    const byField = node.children.find((child) => child.field === step)
    const found = byField ?? node.children.find((child) => child.kind === step)
    next = found ? [found] : []
  }
  return next.flatMap((child) => follow(child, rest))
}

/** The parts naming a node as its profile declares them, or undefined for anonymous elements. */
function nameParts(node: SyntaxNode, profile: LanguageProfile): string[] | undefined {
  // Own keys only: grammars name node kinds `constructor` (Haskell), which objects inherit.
  if (!Object.hasOwn(profile.signatures, node.kind)) return undefined
  const spec = profile.signatures[node.kind]
  const parts = spec.map((path) =>
    path.startsWith('=')
      ? path.slice(1)
      : follow(node, path.split('.'))
          .map((part) => squash(textOf(part)))
          .join(','),
  )
  return parts.some((part) => part !== '') ? parts : undefined
}

/**
 * The identity of a declaration inside its container (`run:String` for `void run(String s)`):
 * equal signatures on two sides mean the same declaration, wherever it sits and however its body
 * changed. The kind is left out on purpose: `{ bar }` and `{ bar: 1 }` declare the same key.
 */
export function signatureOf(node: SyntaxNode, profile: LanguageProfile): string | undefined {
  // Matching asks for the same nodes' signatures many times over.
  if (signatures.has(node)) return signatures.get(node)
  const signature = nameParts(node, profile)?.join(':')
  signatures.set(node, signature)
  return signature
}

const signatures = new WeakMap<SyntaxNode, string | undefined>()

const KIND_SUFFIX = /_(declaration|definition|item|statement|spec|signature|specifier)$/

/** How a node appears in a conflict path: `class Cart`, `method total`, `pair "b"`. */
export function labelOf(node: SyntaxNode, profile: LanguageProfile): string | undefined {
  const parts = nameParts(node, profile)
  if (!parts) return undefined
  const name = parts.find((part) => part !== '')!
  const kind = node.kind.replace(KIND_SUFFIX, '').replace(/_/g, ' ')
  return `${kind} ${name.length > 60 ? name.slice(0, 57) + '…' : name}`
}
