import { MARKERS } from './line/markers.ts'

/** One conflict region of a merged text, as offsets into it and the three versions it holds. */
export interface ConflictRegion {
  /** Offset of the `<<<<<<<` line. */
  from: number
  /** Offset just past the `>>>>>>>` line (and its line break). */
  to: number
  ours: string
  /** Null when the region was written without a base section. */
  base: string | null
  theirs: string
  /** Offset where each section's text starts (just past its marker line). */
  at: { ours: number; base: number | null; theirs: number }
}

const starts = (line: string, marker: string) =>
  line === marker || line.startsWith(marker.slice(0, 7) + ' ') || line === marker.slice(0, 7)

/**
 * Finds the diff3 conflict regions (markers of size 7, as Weft and git write them) in a text.
 * A region left incomplete (an opening marker without its end) is not a region: the text is then
 * reported as it is, and `hasConflictMarkers` still says it is unresolved.
 */
export function conflictRegions(text: string): ConflictRegion[] {
  const regions: ConflictRegion[] = []
  const lines = text.split(/(?<=\n)/)
  let offset = 0
  let open: {
    from: number
    part: 'ours' | 'base' | 'theirs'
    ours: string
    base: string | null
    theirs: string
    at: ConflictRegion['at']
  } | null = null
  for (const raw of lines) {
    const line = raw.replace(/\r?\n$/, '')
    const next = offset + raw.length
    if (starts(line, MARKERS.left))
      open = {
        from: offset,
        part: 'ours',
        ours: '',
        base: null,
        theirs: '',
        at: { ours: next, base: null, theirs: next },
      }
    else if (open && starts(line, MARKERS.base) && open.part === 'ours') {
      open.part = 'base'
      open.base = ''
      open.at.base = next
    } else if (open && line === MARKERS.separator && open.part !== 'theirs') {
      open.part = 'theirs'
      open.at.theirs = next
    } else if (open && starts(line, MARKERS.right) && open.part === 'theirs') {
      regions.push({
        from: open.from,
        to: offset + raw.length,
        ours: open.ours,
        base: open.base,
        theirs: open.theirs,
        at: open.at,
      })
      open = null
    } else if (open) open[open.part] = (open[open.part] ?? '') + raw
    offset += raw.length
  }
  return regions
}

/** Whether any conflict marker line is left in the text (complete region or not). */
export function hasConflictMarkers(text: string): boolean {
  return /^(<{7}|>{7})( |$)/m.test(text)
}
