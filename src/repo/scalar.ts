import { ImmutableString } from '@automerge/automerge/slim'

/** Stores a path, hash or URL as an immutable scalar rather than collaborative text (see types.ts). */
export const scalar = (s: string) => new ImmutableString(s)
