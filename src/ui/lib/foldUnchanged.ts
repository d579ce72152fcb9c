import { RangeSetBuilder, StateEffect, StateField, type EditorState, type Extension } from '@codemirror/state'
import { Decoration, EditorView, ViewPlugin, WidgetType, type DecorationSet } from '@codemirror/view'

/**
 * Folding of long unchanged stretches, as VS Code's "collapse unchanged regions". Two uses:
 * `foldAllBut` folds the lines of one editor away from the lines it is told to keep (the resolver's
 * panes, which are separate editors); `accessibleFolds` makes the folds of @codemirror/merge's
 * `collapseUnchanged` (the diff view) buttons that a keyboard and a screen reader reach.
 */

/** How many lines of context stay around each kept run, and the shortest stretch worth folding. */
export interface FoldOptions {
  margin: number
  minSize: number
}

/** Unfolds the fold that covers this position, if any. */
const unfold = StateEffect.define<number>({ map: (pos, change) => change.mapPos(pos) })

/** The name a fold's button has, from the words it shows ("12 unchanged lines"). */
const unfoldLabel = (shown: string) => `Unfold ${shown}`

class FoldWidget extends WidgetType {
  constructor(readonly lines: number) {
    super()
  }
  eq(other: FoldWidget) {
    return other.lines === this.lines
  }
  toDOM(view: EditorView) {
    const button = document.createElement('button')
    button.type = 'button'
    button.className = 'cm-foldedUnchanged'
    button.textContent = `${this.lines} unchanged lines`
    button.setAttribute('aria-label', unfoldLabel(button.textContent))
    button.addEventListener('click', () => view.dispatch({ effects: unfold.of(view.posAtDOM(button)) }))
    return button
  }
  ignoreEvent() {
    return true
  }
  get estimatedHeight() {
    return 24
  }
}

/** Lines to keep in view: 0-based, [from, to) runs as `lineChanges` gives them (an empty run keeps line `from`). */
export type LineRuns = readonly { from: number; to: number }[]

/** The folds of `state`: every stretch of at least `minSize` lines more than `margin` lines from a kept line. */
function buildFolds(state: EditorState, keep: LineRuns, options: FoldOptions) {
  const { doc } = state
  const kept = new Array<boolean>(doc.lines).fill(false)
  for (const run of keep) {
    const last = Math.min(doc.lines - 1, Math.max(run.from, run.to - 1) + options.margin)
    for (let line = Math.max(0, run.from - options.margin); line <= last; line++) kept[line] = true
  }
  const builder = new RangeSetBuilder<Decoration>()
  let start = -1
  for (let line = 0; line <= doc.lines; line++) {
    const folded = line < doc.lines && !kept[line]
    if (folded && start < 0) start = line
    if (!folded && start >= 0) {
      if (line - start >= options.minSize)
        builder.add(
          doc.line(start + 1).from,
          doc.line(line).to,
          Decoration.replace({ widget: new FoldWidget(line - start), block: true }),
        )
      start = -1
    }
  }
  return builder.finish()
}

const foldTheme = EditorView.baseTheme({
  '.cm-foldedUnchanged': {
    display: 'block',
    width: '100%',
    textAlign: 'left',
    font: 'inherit',
    fontStyle: 'italic',
    padding: '3px 10px',
    border: 'none',
    borderRadius: '0',
    cursor: 'pointer',
    color: 'var(--ctp-subtext0)',
    background: 'var(--ctp-mantle)',
  },
  '.cm-foldedUnchanged:focus-visible, .cm-collapsedLines:focus-visible': {
    outline: '2px solid var(--ctp-lavender)',
    outlineOffset: '-2px',
  },
})

/**
 * Folds every stretch of the document more than `margin` lines from the lines `keep` gives for it,
 * each fold a button that unfolds it. Built once, from the document the editor opens with; edits move
 * the folds with the text.
 */
export function foldAllBut(keep: (state: EditorState) => LineRuns, options: FoldOptions): Extension {
  const folds = StateField.define<DecorationSet>({
    create: (state) => buildFolds(state, keep(state), options),
    update(deco, tr) {
      deco = deco.map(tr.changes)
      for (const effect of tr.effects)
        if (effect.is(unfold))
          deco = deco.update({ filter: (from, to) => effect.value < from || effect.value > to })
      return deco
    },
    provide: (field) => EditorView.decorations.from(field),
  })
  return [folds, foldTheme]
}

/** Unfolds whatever fold covers `pos` in `view` (where a move to a change or conflict lands). */
export function unfoldAt(view: EditorView, pos: number): void {
  view.dispatch({ effects: unfold.of(pos) })
}

/**
 * Gives the folds of @codemirror/merge's `collapseUnchanged` (plain `div`s that only a pointer opens)
 * a button's role, name and focus, and opens one with Enter or Space.
 */
export const accessibleFolds: Extension = [
  foldTheme,
  ViewPlugin.define((view) => {
    const label = () => {
      for (const fold of view.contentDOM.querySelectorAll<HTMLElement>('.cm-collapsedLines')) {
        if (fold.getAttribute('role') === 'button') continue
        fold.setAttribute('role', 'button')
        fold.tabIndex = 0
        fold.setAttribute('aria-label', unfoldLabel(fold.textContent ?? ''))
      }
    }
    const observer = new MutationObserver(label)
    observer.observe(view.contentDOM, { childList: true, subtree: true })
    label()
    return { destroy: () => observer.disconnect() }
  }),
  EditorView.domEventHandlers({
    keydown(event) {
      const fold = event.target instanceof HTMLElement && event.target.closest('.cm-collapsedLines')
      if (!fold || (event.key !== 'Enter' && event.key !== ' ')) return false
      event.preventDefault()
      ;(fold as HTMLElement).click()
      return true
    },
  }),
]
