/** What merging one file's three versions yields: shared by the version history (which merges trees) and the merge engine (which merges files). */

/** Where a conflict sits in a file, as the syntax-aware merge names it (`class Cart › method total`). */
export interface ConflictPlace {
  kind: string
  path: string
}

/** One file's three-way merge; `conflicts` lists the conflict regions in order, when known. */
export interface FileMerge {
  text: string
  clean: boolean
  conflicts?: ConflictPlace[]
}

/** Merges one file's three texts (the semantic engine, or the line merge). */
export type FileMerger = (
  base: string,
  ours: string,
  theirs: string,
  path: string,
) => FileMerge | Promise<FileMerge>
