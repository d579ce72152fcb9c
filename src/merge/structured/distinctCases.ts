/**
 * Cases both sides insert at one place of an ordered `match` or `switch`: their order matters
 * only where their patterns can match the same value. Each side's new cases are kept, the left's
 * first, when every pattern names values no pattern of the other side can match (an enum variant
 * by its path, a string or number constant) and no case falls through into the other side's.
 */
import { textOf, type SyntaxNode } from '../tree/syntaxTree.ts'

/**
 * Whether the left's inserted cases and the right's, both inserted after `before` (undefined at
 * the start), can be kept together in either order.
 */
export function distinctCases(
  before: SyntaxNode | undefined,
  left: readonly SyntaxNode[],
  right: readonly SyntaxNode[],
): boolean {
  if (left.length === 0 || right.length === 0) return false
  const keys = (nodes: readonly SyntaxNode[]) => {
    const all = nodes.map(caseKeys)
    return all.every((k) => k !== undefined) ? new Set(all.flat()) : undefined
  }
  const [leftKeys, rightKeys] = [keys(left), keys(right)]
  if (!leftKeys || !rightKeys || [...leftKeys].some((key) => rightKeys.has(key))) return false
  // A case without a jump at its end runs on into the next one: the left's last would then run
  // into the right's first, and the case before them into the left's rather than the right's.
  return [...left, ...right].every(endsInJump) && (before === undefined || endsInJump(before))
}

/**
 * What a case matches, one key per value pattern, or undefined when it may match what another
 * pattern with a different key matches (a binding, a wildcard, a guard-only arm, a Python class
 * pattern, a constant whose value is not in its text).
 */
function caseKeys(node: SyntaxNode): string[] | undefined {
  switch (node.kind) {
    case 'match_arm': {
      const pattern = node.children.find((child) => child.field === 'pattern')?.children.find((c) => c.named)
      return pattern && alternatives(pattern, 'or_pattern').map(variantPath).every(defined)
        ? alternatives(pattern, 'or_pattern').map((p) => variantPath(p)!)
        : undefined
    }
    case 'switch_block_statement_group': {
      const labels = node.children.filter((child) => child.kind === 'switch_label')
      const values = labels.flatMap((label) => label.children.filter((child) => child.named))
      // Java refuses two equal constant labels in one switch, so distinct texts are distinct values.
      const constant = (value: SyntaxNode) => /literal$|^identifier$|^field_access$/.test(value.kind)
      const isDefault = labels.some((label) => label.children.some((child) => child.kind === 'default'))
      return labels.length > 0 && !isDefault && values.length > 0 && values.every(constant)
        ? values.map((value) => 'case ' + textOf(value))
        : undefined
    }
    case 'switch_case': {
      const value = node.children.find((child) => child.field === 'value')
      const key = value && literalKey(value)
      return key === undefined ? undefined : [key]
    }
    case 'case_clause': {
      const patterns = node.children.filter((child) => child.kind === 'case_pattern')
      if (patterns.length !== 1) return undefined
      const inner = patterns[0].children.filter((child) => child.named)
      if (inner.length !== 1) return undefined
      const keys = alternatives(inner[0], 'union_pattern').map(literalKey)
      return keys.every(defined) ? (keys as string[]) : undefined
    }
    default:
      return undefined
  }
}

const defined = <T>(value: T | undefined): value is T => value !== undefined

/** The alternatives of an or-pattern (`A | B`), or the pattern itself. */
const alternatives = (pattern: SyntaxNode, orKind: string): SyntaxNode[] =>
  pattern.kind === orKind ? pattern.children.filter((child) => child.named) : [pattern]

/**
 * The enum variant a Rust pattern names: `Shape::Circle(r)`, `Shape::Rect { w, h }`, or a unit
 * variant `Op::Add` (a capitalised last segment, not a SCREAMING constant, whose value could
 * equal another's).
 */
function variantPath(pattern: SyntaxNode): string | undefined {
  if (pattern.kind === 'tuple_struct_pattern' || pattern.kind === 'struct_pattern') {
    const type = pattern.children.find((child) => child.field === 'type')
    return type && squash(textOf(type))
  }
  if (pattern.kind === 'scoped_identifier') {
    const name = pattern.children.find((child) => child.field === 'name')
    return name && /^[A-Z]/.test(textOf(name)) && /[a-z]/.test(textOf(name))
      ? squash(textOf(pattern))
      : undefined
  }
  return undefined
}

/**
 * A string or number constant by its value (`'a'` and `"a"` are one key; `1` and `1.0` too), in
 * TypeScript, JavaScript or Python; undefined for anything else or a string with escapes.
 * Python's `True` equals `1`, so only its strings count.
 */
function literalKey(node: SyntaxNode): string | undefined {
  if (node.kind === 'number') {
    const value = Number(textOf(node).replace(/_/g, ''))
    return Number.isFinite(value) ? 'number ' + value : undefined
  }
  if (node.kind !== 'string') return undefined
  const parts = node.children.filter((child) => child.named)
  const content = parts.filter((child) => child.kind === 'string_fragment' || child.kind === 'string_content')
  const start = node.children[0]
  // A Python prefix (`b"…"`, `r"…"`) changes the value's type or reading.
  if (start?.kind === 'string_start' && !/^["']+$/.test(textOf(start))) return undefined
  const inner = parts.filter((child) => child.kind !== 'string_start' && child.kind !== 'string_end')
  // Escapes and interpolations are children: a text that is not the value.
  if (content.length !== inner.length || content.some((child) => child.children.length > 0)) return undefined
  return 'string ' + content.map(textOf).join('')
}

const squash = (text: string): string => text.replace(/\s+/g, '')

const JUMPS = /^(return|break|throw|continue|yield)_statement$/

/** Whether control never runs from this case into the next: a `match` arm, or a case ending in a jump. */
function endsInJump(node: SyntaxNode): boolean {
  if (!['switch_block_statement_group', 'switch_case', 'switch_default'].includes(node.kind)) return true
  let last: SyntaxNode | undefined = node.children.filter((child) => child.named).at(-1)
  while (last && (last.kind === 'statement_block' || last.kind === 'block'))
    last = last.children.filter((child) => child.named).at(-1)
  return last !== undefined && JUMPS.test(last.kind)
}
