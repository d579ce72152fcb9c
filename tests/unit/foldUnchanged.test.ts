import { describe, expect, it } from 'vitest'
import { EditorState } from '@codemirror/state'
import { EditorView, type DecorationSet } from '@codemirror/view'
import { foldAllBut, type LineRuns } from '../../src/ui/lib/foldUnchanged.ts'

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n')

/** The folded stretches of `state` as 1-based [first, last] line numbers. */
function folds(state: EditorState): [number, number][] {
  const found: [number, number][] = []
  for (const source of state.facet(EditorView.decorations)) {
    if (typeof source === 'function') continue
    ;(source as DecorationSet).between(0, state.doc.length, (from, to) => {
      found.push([state.doc.lineAt(from).number, state.doc.lineAt(to).number])
    })
  }
  return found
}

const stateWith = (doc: string, keep: LineRuns, margin = 3, minSize = 6) =>
  EditorState.create({ doc, extensions: foldAllBut(() => keep, { margin, minSize }) })

describe('folding unchanged stretches', () => {
  it('folds everything more than `margin` lines from a kept run, before, between and after', () => {
    // Lines 50–51 and 80 (0-based runs [49, 51) and [79, 80)) are kept, with 3 lines around each.
    const state = stateWith(lines(100), [
      { from: 49, to: 51 },
      { from: 79, to: 80 },
    ])
    expect(folds(state)).toEqual([
      [1, 46],
      [55, 76],
      [84, 100],
    ])
  })

  it('leaves stretches shorter than `minSize` open, and an empty run keeps the line it names', () => {
    const state = stateWith(lines(20), [{ from: 9, to: 9 }], 3, 6)
    // Line 10 kept with 7–13; 1–6 is six lines (folded), 14–20 seven (folded).
    expect(folds(state)).toEqual([
      [1, 6],
      [14, 20],
    ])
    expect(folds(stateWith(lines(20), [{ from: 9, to: 9 }], 3, 7))).toEqual([[14, 20]])
  })

  it('folds nothing when every line is near a kept run, and moves folds with edits', () => {
    expect(folds(stateWith(lines(8), [{ from: 3, to: 5 }]))).toEqual([])
    const state = stateWith(lines(30), [{ from: 0, to: 1 }])
    expect(folds(state)).toEqual([[5, 30]])
    const edited = state.update({ changes: { from: 0, insert: 'new first line\n' } }).state
    expect(folds(edited)).toEqual([[6, 31]])
  })
})
