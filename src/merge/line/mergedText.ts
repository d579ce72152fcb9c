import { MARKERS } from './markers.ts'
import type { ConflictPiece, Piece } from './pieces.ts'
import { textLines } from '../../model/textLines.ts'

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

const withNewline = (text: string): string => (text === '' || text.endsWith('\n') ? text : text + '\n')

/**
 * Renders pieces as text. Conflict markers need whole lines, so each conflict is widened to the
 * lines it touches (the rest of those lines joins all three versions), neighbouring conflicts on
 * one line fuse, and lines all three versions share move back out of the markers.
 */
export function renderPieces(pieces: Piece[]): MergedText {
  const renderer = new PieceRenderer()
  for (const piece of pieces) {
    if (typeof piece === 'string') renderer.addText(piece)
    else renderer.addConflict(piece)
  }
  return renderer.finish()
}

type Versions = [base: string, left: string, right: string]

/** A merged text being written; a conflict stays open, collecting its versions, until its line ends. */
class PieceRenderer {
  private text = ''
  private readonly conflicts: MergeConflict[] = []
  /** The open conflict: its versions from the start of its first line, and its first piece. */
  private open: { sides: Versions; first: ConflictPiece } | undefined

  addText(piece: string): void {
    const { open } = this
    if (!open) {
      this.text += piece
      return
    }
    const newline = piece.indexOf('\n')
    if (newline < 0) {
      open.sides = open.sides.map((side) => side + piece) as Versions
      return
    }
    open.sides = open.sides.map((side) => side + piece.slice(0, newline + 1)) as Versions
    this.close()
    this.text += piece.slice(newline + 1)
  }

  addConflict(piece: ConflictPiece): void {
    if (!this.open) {
      // Take back the start of the current line: it belongs to all three versions of the conflict.
      const lineStart = this.text.lastIndexOf('\n') + 1
      const head = this.text.slice(lineStart)
      this.text = this.text.slice(0, lineStart)
      this.open = { sides: [head, head, head], first: piece }
    }
    const { sides } = this.open
    this.open.sides = [sides[0] + piece.base, sides[1] + piece.left, sides[2] + piece.right]
    // A conflict ending in a newline is already whole lines.
    if (this.open.sides.every((side) => side.endsWith('\n'))) this.close()
  }

  finish(): MergedText {
    this.close()
    return { text: this.text, conflicts: this.conflicts }
  }

  private close(): void {
    if (!this.open) return
    const { sides, first } = this.open
    this.open = undefined
    this.writeConflict(sides, first)
  }

  /** A conflict's versions: the lines all three share at either end go outside the markers. */
  private writeConflict([base, left, right]: Versions, first: ConflictPiece): void {
    const [baseLines, leftLines, rightLines] = [textLines(base), textLines(left), textLines(right)]
    const { head, tail } = sharedEnds(baseLines, leftLines, rightLines)
    // A version with nothing there but the indentation the conflict took back from its line: empty.
    const middle = (list: string[]) => {
      const joined = list.slice(head, list.length - tail).join('')
      return /^[ \t]*\n?$/.test(joined) ? '' : joined
    }
    const versions: Versions = [middle(baseLines), middle(leftLines), middle(rightLines)]
    const [b, l, r] = versions
    this.text += leftLines.slice(0, head).join('')
    if (l === r || r === b) this.text += l
    else if (l === b) this.text += r
    else this.writeMarkers(versions, first)
    this.text += leftLines.slice(leftLines.length - tail).join('')
  }

  private writeMarkers(versions: Versions, first: ConflictPiece): void {
    // Blank lines that open every version with something in it separate the region from what
    // comes before: they go above the markers.
    const present = versions.filter((side) => side !== '')
    const blank = present.reduce(
      (shortest, side) => Math.min(shortest, side.match(/^\n*/)![0].length),
      Infinity,
    )
    if (blank > 0 && present.every((side) => side.length > blank)) {
      this.text += '\n'.repeat(blank)
      versions = versions.map((side) => side.slice(blank)) as Versions
    }
    const [base, left, right] = versions
    const from = this.text.length
    this.text += `${MARKERS.left}\n${withNewline(left)}${MARKERS.base}\n${withNewline(base)}${MARKERS.separator}\n${withNewline(right)}${MARKERS.right}\n`
    this.conflicts.push({
      kind: first.kind,
      path: first.path.join(' › '),
      resultRange: { from, to: this.text.length },
      base,
      left,
      right,
    })
  }
}

/** How many lines all three versions share at their start (`head`) and, after those, at their end (`tail`). */
function sharedEnds(base: string[], left: string[], right: string[]): { head: number; tail: number } {
  let head = 0
  while (
    head < base.length &&
    head < left.length &&
    head < right.length &&
    base[head] === left[head] &&
    left[head] === right[head]
  )
    head++
  let tail = 0
  while (
    tail < base.length - head &&
    tail < left.length - head &&
    tail < right.length - head &&
    base[base.length - 1 - tail] === left[left.length - 1 - tail] &&
    left[left.length - 1 - tail] === right[right.length - 1 - tail]
  )
    tail++
  return { head, tail }
}
