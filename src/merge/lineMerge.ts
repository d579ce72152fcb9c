import { diff3Merge } from 'node-diff3'

/** Conflict markers as git writes them with `merge.conflictStyle=diff3`, size 7. */
export const MARKERS = { left: '<<<<<<< LEFT', base: '||||||| BASE', separator: '=======', right: '>>>>>>> RIGHT' }

export interface TextMergeResult {
  text: string
  clean: boolean
  /** Number of conflicting regions, each rendered between markers. */
  conflicts: number
}

/** Lines with their line endings kept, so the merge gives back the exact bytes. */
const lines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/))

const block = (parts: string[]): string => {
  const text = parts.join('')
  return text === '' || text.endsWith('\n') ? text : text + '\n'
}

/**
 * Line-based three-way merge (diff3, from node-diff3). Changes on one side are taken; the same
 * change on both sides is taken once; overlapping different changes become a conflict region.
 */
export function mergeLines(base: string, left: string, right: string): TextMergeResult {
  let text = ''
  let conflicts = 0
  for (const region of diff3Merge(lines(left), lines(base), lines(right), { excludeFalseConflicts: true })) {
    if (region.ok) {
      text += region.ok.join('')
      continue
    }
    const { a, o, b } = region.conflict!
    conflicts++
    text += `${MARKERS.left}\n${block(a)}${MARKERS.base}\n${block(o)}${MARKERS.separator}\n${block(b)}${MARKERS.right}\n`
  }
  return { text, clean: conflicts === 0, conflicts }
}
