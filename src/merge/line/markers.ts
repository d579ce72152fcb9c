/** Conflict markers as git writes them with `merge.conflictStyle=diff3`, size 7. */
export const MARKERS = {
  left: '<<<<<<< LEFT',
  base: '||||||| BASE',
  separator: '=======',
  right: '>>>>>>> RIGHT',
}
