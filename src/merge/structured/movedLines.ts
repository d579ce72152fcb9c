/**
 * Edits that follow code one side moved, told by its lines: conflicts where one side replaced
 * code the other side moved elsewhere (into a new function, a new wrapper), or where one side
 * already made the other's change while moving it.
 */
import { matchLines } from '../line/diff3.ts'
import type { Piece } from '../line/pieces.ts'

/**
 * Whether `side` already made every change `other` made to `base`: each stretch of lines `other`
 * changed replaces lines, none of which `side` still has, by lines `side` has, all of them. Lines
 * are compared trimmed (the code may have been reindented); lines without a word tell nothing; a
 * stretch that only inserts or only deletes is never taken as made.
 */
export function madeAlready(base: string, other: string, side: string): boolean {
  const lines = (text: string) => text.split('\n').map((line) => line.trim())
  const [bl, ol] = [lines(base), lines(other)]
  const has = new Set(lines(side))
  const meaningful = (line: string) => /\w/.test(line)
  const toOther = matchLines(bl, ol)
  let [b, o, hunks] = [0, 0, 0]
  for (let anchor = 0; anchor <= bl.length; anchor++) {
    if (anchor < bl.length && toOther[anchor] < 0) continue
    const oEnd = anchor < bl.length ? toOther[anchor] : ol.length
    const added = ol.slice(o, oEnd).filter(meaningful)
    const dropped = bl.slice(b, anchor).filter((line) => meaningful(line) && !added.includes(line))
    if (oEnd > o || anchor > b) {
      if (
        added.length === 0 ||
        dropped.length === 0 ||
        !added.every((line) => has.has(line)) ||
        dropped.some((line) => has.has(line))
      )
        return false
      hunks++
    }
    ;[b, o] = [anchor + 1, oEnd + 1]
  }
  return hunks > 0
}

/** A stretch of lines one side replaced: the base's lines (trimmed), and the new ones under the base's indentation. */
interface LineEdit {
  dropped: string[]
  lines: string[]
  indent: string
}

/**
 * The stretches `editor` changed in `base`, each replacing whole lines that occur once in the
 * base, or undefined when some stretch only inserts or deletes, or replaces lines without a word.
 */
function lineEdits(base: string, editor: string): LineEdit[] | undefined {
  const [bl, el] = [base.split('\n'), editor.split('\n')]
  const bt = bl.map((line) => line.trim())
  const toEditor = matchLines(
    bt,
    el.map((line) => line.trim()),
  )
  const edits: LineEdit[] = []
  let [b, e] = [0, 0]
  for (let anchor = 0; anchor <= bl.length; anchor++) {
    if (anchor < bl.length && toEditor[anchor] < 0) continue
    const eEnd = anchor < bl.length ? toEditor[anchor] : el.length
    if (eEnd > e || anchor > b) {
      const dropped = bt.slice(b, anchor)
      if (
        eEnd === e ||
        anchor === b ||
        !dropped.some((line) => /\w/.test(line)) ||
        occurrences(bt, dropped).length !== 1
      )
        return undefined
      // The first line may start mid-line, its indentation unknown.
      if (b === 0 && !/^\s/.test(bl[0])) return undefined
      edits.push({ dropped, lines: el.slice(e, eEnd), indent: bl[b].match(/^\s*/)![0] })
    }
    ;[b, e] = [anchor + 1, eEnd + 1]
  }
  return edits
}

/**
 * The editor's version of all the base's lines as one edit, for edits `lineEdits` cannot place on
 * their own (lines inserted into the block): the block must have two lines with words at least.
 */
function wholeEdit(base: string, editor: string, baseFile: string[]): LineEdit[] | undefined {
  // Line breaks around the block are the spacing it sits in, not part of it.
  const dropped = base
    .trim()
    .split('\n')
    .map((line) => line.trim())
  if (dropped.filter((line) => /\w/.test(line)).length < 2) return undefined
  const [at] = occurrences(baseFile, dropped)
  if (at === undefined) return undefined
  // The block may start mid-line: its indentation is the base file's.
  const indent = baseFile[at].match(/^\s*/)![0]
  const lines = editor.trim().split('\n')
  return [{ dropped, lines: [indent + lines[0], ...lines.slice(1)], indent }]
}

/** Where the block of trimmed lines `block` starts in `lines` (compared trimmed). */
const occurrences = (lines: string[], block: string[]): number[] =>
  lines.flatMap((_, i) => (block.every((line, k) => lines[i + k]?.trim() === line) ? [i] : []))

/**
 * Conflicts where one side replaced code that the other side moved elsewhere (into a new
 * function, a new wrapper): the mover's version is kept and the editor's changes are made where
 * the moved lines now are, once and unambiguously, reindented like them; otherwise the conflict stays.
 */
export function followMovedEdits(pieces: Piece[], base: string, left: string, right: string): void {
  // Lines the base has elsewhere too, the mover twice or the editor still, may not have moved at all.
  const [baseFile, leftFile, rightFile] = [base, left, right].map((text) => text.split('\n'))
  const count = (file: string[], block: string[]) => occurrences(file, block).length
  const texts = () => pieces.flatMap((piece, i) => (typeof piece === 'string' ? [[i, piece] as const] : []))
  pieces.forEach((piece, index) => {
    if (typeof piece === 'string') return
    const ways: [string, string, string[], string[]][] = [
      [piece.left, piece.right, leftFile, rightFile],
      [piece.right, piece.left, rightFile, leftFile],
    ]
    for (const [mover, editor, moverFile, editorFile] of ways) {
      const edits = lineEdits(piece.base, editor) ?? wholeEdit(piece.base, editor, baseFile)
      const moved = ({ dropped }: LineEdit) =>
        count(baseFile, dropped) === 1 && count(moverFile, dropped) === 1 && count(editorFile, dropped) === 0
      if (!edits || edits.length === 0 || !edits.every(moved)) continue
      const others = pieces.flatMap((other, i) =>
        i === index || typeof other === 'string' ? [] : [other.left, other.right],
      )
      const targets = edits.map(({ dropped }) => {
        if (
          occurrences(mover.split('\n'), dropped).length > 0 ||
          others.some((text) => occurrences(text.split('\n'), dropped).length > 0)
        )
          return undefined
        const found = texts().flatMap(([i, text]) =>
          occurrences(text.split('\n'), dropped).map((line) => [i, line] as const),
        )
        // A piece's first line may start mid-line, its indentation in the piece before.
        return found.length === 1 && found[0][1] > 0 ? found[0] : undefined
      })
      // Two edits in one piece would shift each other's lines: left as a conflict.
      if (
        targets.some((target) => target === undefined) ||
        new Set(targets.map((target) => target![0])).size !== targets.length
      )
        continue
      edits.forEach(({ dropped, lines, indent }, k) => {
        const [i, at] = targets[k]!
        const text = (pieces[i] as string).split('\n')
        const to = text[at].match(/^\s*/)![0]
        text.splice(
          at,
          dropped.length,
          ...lines.map((line) => (line.startsWith(indent) ? to + line.slice(indent.length) : line)),
        )
        pieces[i] = text.join('\n')
      })
      pieces[index] = mover
      return
    }
  })
}
