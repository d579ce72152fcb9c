/** A region the merge could not decide, with the three versions of it. */
export interface ConflictPiece {
  base: string
  left: string
  right: string
  /** Node kind of the smallest node enclosing the conflict. */
  kind: string
  /** Labels of the enclosing declarations, outermost first (`class Cart`, `method total`). */
  path: string[]
}

/** The merged file before rendering: decided text and undecided regions, in order. */
export type Piece = string | ConflictPiece
