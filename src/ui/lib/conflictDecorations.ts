import { RangeSetBuilder, StateEffect, StateField, type Extension, type Text } from '@codemirror/state'
import { Decoration, EditorView, type DecorationSet } from '@codemirror/view'
import { conflictRegions, type ConflictRegion } from '../../merge/conflictMarkers.ts'

/** What a line of a merge result or of one side is, for its colour. */
type Part = 'marker' | 'ours' | 'base' | 'theirs'

const lineClass = (part: Part, current: boolean) =>
  Decoration.line({ class: `cm-conflict-${part}${current ? ' cm-conflict-current' : ''}` })
const decorations = {
  false: Object.fromEntries(
    (['marker', 'ours', 'base', 'theirs'] as const).map((p) => [p, lineClass(p, false)]),
  ),
  true: Object.fromEntries(
    (['marker', 'ours', 'base', 'theirs'] as const).map((p) => [p, lineClass(p, true)]),
  ),
} as Record<'true' | 'false', Record<Part, Decoration>>

/** The same tints in every pane: ours green, theirs blue, base yellow, marker lines red. */
const tints = EditorView.baseTheme({
  '.cm-conflict-marker': {
    backgroundColor: 'color-mix(in srgb, var(--ctp-red) 22%, transparent)',
    color: 'var(--ctp-subtext0)',
  },
  '.cm-conflict-ours': { backgroundColor: 'color-mix(in srgb, var(--ctp-green) 20%, transparent)' },
  '.cm-conflict-theirs': { backgroundColor: 'color-mix(in srgb, var(--ctp-blue) 22%, transparent)' },
  '.cm-conflict-base': { backgroundColor: 'color-mix(in srgb, var(--ctp-yellow) 18%, transparent)' },
  '.cm-conflict-current': { boxShadow: 'inset 3px 0 var(--ctp-peach)' },
})

function partAt(region: ConflictRegion, pos: number): Part {
  const { at } = region
  if (pos < at.ours) return 'marker'
  if (pos < at.ours + region.ours.length) return 'ours'
  if (at.base !== null && region.base !== null) {
    if (pos < at.base) return 'marker'
    if (pos < at.base + region.base.length) return 'base'
  }
  if (pos < at.theirs) return 'marker'
  return pos < at.theirs + region.theirs.length ? 'theirs' : 'marker'
}

/** Which conflict of the result is the current one (the one F7 moved to), by its index. */
export const setCurrentConflict = StateEffect.define<number>()

const currentConflict = StateField.define<number>({
  create: () => 0,
  update(index, tr) {
    for (const effect of tr.effects) if (effect.is(setCurrentConflict)) index = effect.value
    return index
  },
})

function regionDecorations(doc: Text, current: number): DecorationSet {
  const builder = new RangeSetBuilder<Decoration>()
  conflictRegions(doc.toString()).forEach((region, i) => {
    for (let pos = region.from; pos < region.to && pos <= doc.length;) {
      const line = doc.lineAt(pos)
      builder.add(line.from, line.from, decorations[`${i === current}`][partAt(region, line.from)])
      pos = line.to + 1
    }
  })
  return builder.finish()
}

/** For the editable result: each conflict region's marker lines and sections tinted, the current one marked. */
export function conflictHighlighting(): Extension {
  const regions = StateField.define<DecorationSet>({
    create: (state) => regionDecorations(state.doc, state.field(currentConflict)),
    update(set, tr) {
      const moved = tr.effects.some((e) => e.is(setCurrentConflict))
      return tr.docChanged || moved ? regionDecorations(tr.state.doc, tr.state.field(currentConflict)) : set
    },
    provide: (field) => EditorView.decorations.from(field),
  })
  return [currentConflict, regions, tints]
}

/** For a read-only side: the given lines (0-based, [from, to) runs) tinted as `part`. */
export function changedLines(
  runs: readonly { from: number; to: number }[],
  part: Exclude<Part, 'marker'>,
): Extension {
  const field = StateField.define<DecorationSet>({
    create(state) {
      const builder = new RangeSetBuilder<Decoration>()
      const lines = new Set<number>()
      for (const run of runs) for (let n = run.from; n < run.to; n++) lines.add(n)
      for (const n of [...lines].sort((a, b) => a - b))
        if (n < state.doc.lines) {
          const from = state.doc.line(n + 1).from
          builder.add(from, from, decorations.false[part])
        }
      return builder.finish()
    },
    update: (set) => set,
    provide: (f) => EditorView.decorations.from(f),
  })
  return [field, tints]
}
