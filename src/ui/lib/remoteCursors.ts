import { StateEffect, StateField, type Range } from '@codemirror/state'
import { Decoration, EditorView, WidgetType, type DecorationSet } from '@codemirror/view'

/** A peer's caret and selection, in this editor's positions. */
export interface RemoteCursor {
  peer: string
  name: string
  colour: string
  anchor: number
  head: number
}

/** Replaces the set of remote cursors shown. */
export const setRemoteCursors = StateEffect.define<RemoteCursor[]>()

class CaretWidget extends WidgetType {
  constructor(
    readonly name: string,
    readonly colour: string,
  ) {
    super()
  }
  eq(other: CaretWidget) {
    return other.name === this.name && other.colour === this.colour
  }
  toDOM() {
    const caret = document.createElement('span')
    caret.className = 'cm-remote-caret'
    caret.style.setProperty('--cursor-colour', this.colour)
    caret.setAttribute('role', 'img')
    caret.setAttribute('aria-label', `${this.name}'s cursor`)
    // The name is drawn by CSS from this attribute, so it never becomes part of the text.
    caret.dataset.name = this.name
    return caret
  }
  ignoreEvent() {
    return true
  }
}

function decorate(cursors: RemoteCursor[], length: number): DecorationSet {
  const ranges: Range<Decoration>[] = []
  for (const c of cursors) {
    const head = Math.min(c.head, length)
    const anchor = Math.min(c.anchor, length)
    if (anchor !== head) {
      const mark = Decoration.mark({
        attributes: { style: `background: color-mix(in srgb, ${c.colour} 25%, transparent)` },
      })
      ranges.push(mark.range(Math.min(anchor, head), Math.max(anchor, head)))
    }
    ranges.push(Decoration.widget({ widget: new CaretWidget(c.name, c.colour), side: 1 }).range(head))
  }
  return Decoration.set(ranges, true)
}

/** Shows peers' carets (with their names) and selections; they move with edits until replaced. */
export const remoteCursors = [
  StateField.define<DecorationSet>({
    create: () => Decoration.none,
    update(set, tr) {
      for (const effect of tr.effects)
        if (effect.is(setRemoteCursors)) return decorate(effect.value, tr.newDoc.length)
      return set.map(tr.changes)
    },
    provide: (field) => EditorView.decorations.from(field),
  }),
  EditorView.baseTheme({
    '.cm-remote-caret': {
      borderLeft: '2px solid var(--cursor-colour)',
      marginLeft: '-1px',
      marginRight: '-1px',
    },
    // The name sits in the caret's own line, taking its own room: drawn above the caret it covered
    // the line above, which is often the very text being discussed.
    '.cm-remote-caret::after': {
      content: 'attr(data-name)',
      display: 'inline-block',
      marginLeft: '2px',
      fontSize: '10px',
      lineHeight: '1.25',
      padding: '0 3px',
      borderRadius: '3px',
      verticalAlign: 'text-top',
      background: 'var(--cursor-colour)',
      color: '#11111b',
      whiteSpace: 'nowrap',
      pointerEvents: 'none',
      userSelect: 'none',
    },
  }),
]
