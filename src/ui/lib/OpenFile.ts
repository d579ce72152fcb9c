import * as A from '@automerge/automerge/slim'
import type { DocHandle } from '@automerge/automerge-repo/slim'
import { ChangeSet, EditorState, Transaction, type Extension, type TransactionSpec } from '@codemirror/state'
import { EditorView, type ViewUpdate } from '@codemirror/view'
import type { LiveFileDoc } from '../../repo/types.ts'
import { CONTENT, patchesToChanges, spliceChanges } from './liveText.ts'
import type { Identity } from './identity.ts'
import { remoteCursors, setRemoteCursors, type RemoteCursor } from './remoteCursors.ts'
import { CursorPresence, type CursorMessage, type CursorSelection } from './cursorPresence.ts'

export type SaveState = 'saved' | 'saving' | 'failed'

export interface OpenFileOptions {
  path: string
  text: string
  extensions: Extension[]
  /** The live document, when the file has one already. */
  handle?: DocHandle<LiveFileDoc>
  /** Creates (or finds) the live document on first edit. */
  openLive: () => Promise<DocHandle<LiveFileDoc>>
  /** Asks the storage owner to persist these heads; resolves once they are on disk. */
  persist: (handle: DocHandle<LiveFileDoc>, heads: A.Heads) => Promise<void>
  onSaveState: (state: SaveState, error?: string) => void
  /** Who we are to peers: shown at our cursor in their editors. */
  identity: Identity
  /** Sends our cursor to everyone on this file (through the repository worker). */
  broadcast: (handle: DocHandle<LiveFileDoc>, message: CursorMessage) => void
}

/** The change that turns `a` into `b`, as one replaced range (common prefix and suffix kept). */
function replaceDiff(a: string, b: string): ChangeSet {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB-- }
  return ChangeSet.of(start === endA && start === endB ? [] : [{ from: start, to: endA, insert: b.slice(start, endB) }], a.length)
}

const remote = [Transaction.remote.of(true), Transaction.addToHistory.of(false)]

/**
 * One file open in the editor: its editor state (with its own undo history, kept while other files
 * are shown) bound both ways to its live Automerge document. Before the first edit there is no live
 * document; edits made meanwhile are kept and replayed onto it once it exists.
 */
export class OpenFile {
  readonly path: string
  state: EditorState
  #view: EditorView | null = null
  #handle: DocHandle<LiveFileDoc> | null = null
  #heads: A.Heads = []
  #baseText: string
  #pending: ChangeSet | null = null
  #opening = false
  #applyingLocal = false
  #saveTimer: ReturnType<typeof setTimeout> | undefined
  #presence: CursorPresence | null = null
  readonly #options: OpenFileOptions

  constructor(options: OpenFileOptions) {
    this.#options = options
    this.path = options.path
    this.#baseText = options.text
    this.state = EditorState.create({
      doc: options.text,
      extensions: [...options.extensions, remoteCursors, EditorView.updateListener.of((update) => this.#onUpdate(update))],
    })
    if (options.handle) this.adopt(options.handle)
  }

  /** Shows this file in `view` (or detaches it with null), keeping undo history. */
  attach(view: EditorView | null): void {
    this.#view = view
    if (view) view.setState(this.state)
  }

  get hasLive(): boolean {
    return this.#handle !== null
  }

  /** The live document this file is bound to, if any. */
  get liveUrl(): string | undefined {
    return this.#handle?.url
  }

  /** Binds to the live document, reconciling any difference from what the editor shows. */
  adopt(handle: DocHandle<LiveFileDoc>): void {
    if (this.#handle) return
    const liveText = handle.doc().content
    const theirs = replaceDiff(this.#baseText, liveText)
    const ours = this.#pending ?? ChangeSet.empty(this.#baseText.length)
    this.#handle = handle
    this.#heads = A.getHeads(handle.doc())
    this.#pending = null
    // Our unsynced edits were made against the base text; move them past the live document's
    // changes, and show those changes in the editor moved past ours.
    if (!ours.empty) this.#applyLocal(ours.map(theirs))
    if (!theirs.empty) this.#applyRemote(theirs.map(ours, true))
    handle.on('change', this.#onRemote)
    this.#startPresence(handle)
  }

  #startPresence(handle: DocHandle<LiveFileDoc>): void {
    const send = (message: CursorMessage) => this.#options.broadcast(handle, message)
    this.#presence = new CursorPresence(handle, this.#options.identity, send, () => this.#showPeers())
    this.#presence.update(this.#selectionCursors())
  }

  /** Our main selection as Automerge cursors (positions are the same in editor and document). */
  #selectionCursors(): CursorSelection | null {
    if (!this.#handle) return null
    const doc = this.#handle.doc()
    const at = (pos: number): A.Cursor => A.getCursor(doc, CONTENT, pos >= doc.content.length ? 'end' : pos)
    const { anchor, head } = this.state.selection.main
    return { anchor: at(anchor), head: at(head) }
  }

  #showPeers(): void {
    if (!this.#presence || !this.#handle) return
    const doc = this.#handle.doc()
    const cursors: RemoteCursor[] = []
    for (const { from, user, selection } of this.#presence.peers()) {
      try {
        const anchor = A.getCursorPosition(doc, CONTENT, selection.anchor)
        const head = A.getCursorPosition(doc, CONTENT, selection.head)
        cursors.push({ peer: from, name: user.name, colour: user.colour, anchor, head })
      } catch {
        // A cursor into text we have not received yet: shown once the change arrives.
      }
    }
    this.#dispatch({ effects: setRemoteCursors.of(cursors) })
  }

  #onUpdate(update: ViewUpdate): void {
    this.state = update.state
    for (const tr of update.transactions) {
      if (!tr.docChanged || tr.annotation(Transaction.remote)) continue
      if (this.#handle) this.#applyLocal(tr.changes)
      else this.#queue(tr.changes)
    }
    if (this.#presence && (update.selectionSet || update.docChanged)) this.#presence.update(this.#selectionCursors())
  }

  #queue(changes: ChangeSet): void {
    this.#pending = this.#pending ? this.#pending.compose(changes) : changes
    this.#options.onSaveState('saving')
    if (this.#opening) return
    this.#opening = true
    this.#options.openLive().then(
      (handle) => this.adopt(handle),
      (error: Error) => {
        this.#opening = false
        this.#options.onSaveState('failed', error?.message ?? String(error))
      },
    )
  }

  #applyLocal(changes: ChangeSet): void {
    const handle = this.#handle!
    this.#applyingLocal = true
    try {
      handle.change((d) => spliceChanges(d, CONTENT, changes))
    } finally {
      this.#applyingLocal = false
    }
    this.#heads = A.getHeads(handle.doc())
    this.#scheduleSave()
  }

  #onRemote = (): void => {
    if (this.#applyingLocal || !this.#handle) return
    const heads = A.getHeads(this.#handle.doc())
    if (A.equals(heads, this.#heads)) return
    const patches = A.diff(this.#handle.doc(), this.#heads, heads)
    this.#heads = heads
    this.#applyRemote(patchesToChanges(patches, CONTENT, this.state.doc.length))
    // Peers' cursors may point into text that just arrived.
    this.#showPeers()
  }


  #applyRemote(changes: ChangeSet): void {
    if (!changes.empty) this.#dispatch({ changes, annotations: remote })
  }

  /** Updates the shown view, or the kept state when this file is in the background. */
  #dispatch(spec: TransactionSpec): void {
    if (this.#view) this.#view.dispatch(spec)
    else this.state = this.state.update(spec).state
  }

  #scheduleSave(): void {
    this.#options.onSaveState('saving')
    clearTimeout(this.#saveTimer)
    this.#saveTimer = setTimeout(() => {
      const heads = this.#heads
      this.#options.persist(this.#handle!, heads).then(
        () => { if (A.equals(heads, this.#heads)) this.#options.onSaveState('saved') },
        (error: Error) => this.#options.onSaveState('failed', error?.message ?? String(error)),
      )
    }, 200)
  }

  destroy(): void {
    clearTimeout(this.#saveTimer)
    // Stopping says goodbye, so peers drop our cursor at once.
    this.#presence?.stop()
    this.#handle?.off('change', this.#onRemote)
    this.#view = null
  }
}
