import { MARKERS } from './markers.ts'
import type { ConflictPiece, Piece } from './pieces.ts'

/** A conflict as data: where it sits in the merged text and what each side had there. */
export interface MergeConflict {
  /** Node kind of the smallest node enclosing the conflict (`line` for line-merge conflicts). */
  kind: string
  /** Readable location, e.g. `class Cart › method total`; empty at top level. */
  path: string
  /** Offsets of the marker block in the merged text. */
  resultRange: { from: number; to: number }
  base: string
  left: string
  right: string
}

export interface MergedText {
  text: string
  conflicts: MergeConflict[]
}

const lines = (text: string): string[] => (text === '' ? [] : text.split(/(?<=\n)/))
const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : text + '\n')

/**
 * Renders pieces as text. Conflict markers need whole lines, so each conflict is widened to the
 * lines it touches (the rest of those lines joins all three versions), neighbouring conflicts on
 * one line fuse, and lines all three versions share move back out of the markers.
 */
export function renderPieces(pieces: Piece[]): MergedText {
  let text = ''
  const conflicts: MergeConflict[] = []
  let open: { sides: [string, string, string]; first: ConflictPiece } | undefined

  const close = () => {
    if (!open) return
    const [b, l, r] = open.sides
    const first = open.first
    open = undefined
    writeConflict(b, l, r, first)
  }
  const writeConflict = (b: string, l: string, r: string, first: ConflictPiece) => {
    const [bl, ll, rl] = [lines(b), lines(l), lines(r)]
    let head = 0
    while (
      head < bl.length &&
      head < ll.length &&
      head < rl.length &&
      bl[head] === ll[head] &&
      ll[head] === rl[head]
    )
      head++
    let tail = 0
    while (
      tail < bl.length - head &&
      tail < ll.length - head &&
      tail < rl.length - head &&
      bl[bl.length - 1 - tail] === ll[ll.length - 1 - tail] &&
      ll[ll.length - 1 - tail] === rl[rl.length - 1 - tail]
    )
      tail++
    // A version with nothing there but the indentation the conflict took back from its line: empty.
    const middle = (list: string[]) => {
      const joined = list.slice(head, list.length - tail).join('')
      return /^[ \t]*\n?$/.test(joined) ? '' : joined
    }
    let [mb, ml, mr] = [middle(bl), middle(ll), middle(rl)]
    text += ll.slice(0, head).join('')
    if (ml === mr || mr === mb) text += ml
    else if (ml === mb) text += mr
    else {
      // Blank lines that open every version with something in it separate the region from what
      // comes before: they go above the markers.
      const present = [mb, ml, mr].filter((side) => side !== '')
      const blank = present.reduce(
        (shortest, side) => Math.min(shortest, side.match(/^\n*/)![0].length),
        Infinity,
      )
      if (blank > 0 && present.every((side) => side.length > blank)) {
        text += '\n'.repeat(blank)
        ;[mb, ml, mr] = [mb, ml, mr].map((side) => side.slice(blank))
      }
      const from = text.length
      text += `${MARKERS.left}\n${withNewline(ml)}${MARKERS.base}\n${withNewline(mb)}${MARKERS.separator}\n${withNewline(mr)}${MARKERS.right}\n`
      conflicts.push({
        kind: first.kind,
        path: first.path.join(' › '),
        resultRange: { from, to: text.length },
        base: mb,
        left: ml,
        right: mr,
      })
    }
    text += ll.slice(ll.length - tail).join('')
  }

  for (const piece of pieces) {
    if (typeof piece === 'string') {
      if (!open) {
        text += piece
        continue
      }
      const newline = piece.indexOf('\n')
      if (newline < 0) {
        open.sides = open.sides.map((side) => side + piece) as [string, string, string]
        continue
      }
      const rest = piece.slice(newline + 1)
      open.sides = open.sides.map((side) => side + piece.slice(0, newline + 1)) as [string, string, string]
      close()
      text += rest
      continue
    }
    if (!open) {
      // Take back the start of the current line: it belongs to all three versions of the conflict.
      const lineStart = text.lastIndexOf('\n') + 1
      const head = text.slice(lineStart)
      text = text.slice(0, lineStart)
      open = { sides: [head, head, head], first: piece }
    }
    open.sides = [open.sides[0] + piece.base, open.sides[1] + piece.left, open.sides[2] + piece.right]
    // A conflict ending in a newline is already whole lines.
    if (open.sides.every((side) => side.endsWith('\n'))) close()
  }
  close()
  return { text, conflicts }
}
