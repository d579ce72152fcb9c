import { ImmutableString } from '@automerge/automerge/slim'

/** Stores a path, hash or URL as an immutable scalar rather than collaborative text (see types.ts). */
export const scalar = (s: string) => new ImmutableString(s)

/** A path, hash or URL read back from a document, which any peer may have written: its text, or null when it is not text. */
export function readScalar(value: unknown): string | null {
  if (typeof value === 'string') return value
  // Automerge marks its immutable strings with this symbol rather than relying on instanceof across bundles.
  const marked =
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for('_am_immutableString')] === true
  return marked && typeof (value as ImmutableString).val === 'string' ? (value as ImmutableString).val : null
}
