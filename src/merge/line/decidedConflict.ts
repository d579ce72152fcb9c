import { bothDeleted } from './bothDeleted.ts'
import { grownInsertion } from './grownInsertion.ts'
import { heldEdit } from './heldEdit.ts'
import { raisedVersion } from './raisedVersion.ts'

/**
 * A region both sides changed that people resolve one way: both raised one version number (the
 * higher), both only deleted lines (the lines both kept), both inserted the same code and one
 * side more (the longer), or one side's version already holds the other's edit word for word
 * (that version). Undefined when it stays a conflict; the fail-closed checks still judge the
 * whole result.
 */
export const decidedConflict = (base: string, left: string, right: string): string | undefined =>
  raisedVersion(base, left, right) ??
  bothDeleted(base, left, right) ??
  grownInsertion(base, left, right) ??
  heldEdit(base, left, right)
