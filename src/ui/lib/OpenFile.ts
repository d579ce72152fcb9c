import {
  EditorState,
  Transaction,
  type ChangeSet,
  type Extension,
  type TransactionSpec,
} from '@codemirror/state'
import { EditorView, type ViewUpdate } from '@codemirror/view'
import { TextClient } from '../../live/TextClient.ts'
import type { ChangesJSON, Heads, LiveMessage, PeerSelection, Selection } from '../../live/protocol.ts'
import { remoteCursors, setRemoteCursors } from './remoteCursors.ts'

export type SaveState = 'saved' | 'saving' | 'failed'

/** One window's line to a live file in the repository worker. */
export interface LiveConnection {
  edit(seq: number, base: Heads, changes: ChangesJSON): Promise<void>
  select(selection: Selection | null): Promise<void>
  resync(): Promise<void>
  /** Resolves once `heads` are on disk. */
  persist(heads: Heads): Promise<void>
  close(): void
}

export interface OpenFileOptions {
  path: string
  text: string
  extensions: Extension[]
  /** The file's live document, when it has one already. */
  live?: string
  /**
   * Opens the live document (creating it on first edit when `live` is undefined); messages about
   * it go to `onMessage`. Resolves with the document's URL and the connection.
   */
  connect: (
    live: string | undefined,
    onMessage: (message: LiveMessage) => void,
  ) => Promise<{ url: string; connection: LiveConnection }>
  onSaveState: (state: SaveState, error?: string) => void
  /** The text changed (typed here or arriving from peers). */
  onDocChanged?: () => void
}

/** The document position at the top of the view's visible area. */
const topOf = (view: EditorView) =>
  view.lineBlockAtHeight(view.scrollDOM.getBoundingClientRect().top - view.documentTop).from

const remote = [Transaction.remote.of(true), Transaction.addToHistory.of(false)]
/** How often an open file tells the worker it is still here (and re-sends its caret). */
const KEEP_ALIVE_MS = 5_000
const SAVE_DELAY_MS = 200

/**
 * One file open in the editor: its editor state (with its own undo history, kept while other files
 * are shown) bound both ways to its live document in the repository worker. Before the first edit
 * there is no live document; edits made meanwhile are kept and sent once it exists.
 */
export class OpenFile {
  readonly path: string
  state: EditorState
  #view: EditorView | null = null
  /** Position of the first visible line while detached, scrolled back to when shown again. */
  #top = 0
  readonly #client: TextClient
  #url: string | undefined
  #connection: Promise<LiveConnection> | null = null
  #closed = false
  #peers: PeerSelection[] = []
  #saveTimer: ReturnType<typeof setTimeout> | undefined
  #keepAlive: ReturnType<typeof setInterval> | undefined
  readonly #options: OpenFileOptions

  constructor(options: OpenFileOptions) {
    this.#options = options
    this.path = options.path
    this.state = EditorState.create({
      doc: options.text,
      extensions: [
        ...options.extensions,
        // Positions must match the stored text, so "\r" stays a character rather than part of a line break.
        EditorState.lineSeparator.of('\n'),
        remoteCursors,
        EditorView.updateListener.of((update) => this.#onUpdate(update)),
        // Kept as it scrolls: when the view is taken away (a branch switch) it can no longer be measured.
        EditorView.domEventObservers({
          scroll: (_event, view) => {
            if (view === this.#view) this.#top = topOf(view)
          },
        }),
      ],
    })
    this.#client = new TextClient(options.text, {
      show: (changes) => this.#showRemote(changes),
      send: async (seq, base, changes) => (await this.#connection!).edit(seq, base, changes),
      resync: () => void this.#resync(),
      accepted: (heads) => this.#scheduleSave(heads),
      refused: (message) => this.#options.onSaveState('failed', message),
    })
    if (options.live) this.follow(options.live)
  }

  /** Shows this file in `view` (or detaches it with null), keeping undo history and scroll position. */
  attach(view: EditorView | null): void {
    if (!view && this.#view?.dom.isConnected) this.#top = topOf(this.#view)
    this.#view = view
    if (!view) return
    // A view just made with this state has it already: setting it again would rebuild the view's
    // plugins and DOM for nothing, in the task that first shows the editor (bench:first-open).
    if (view.state !== this.state) view.setState(this.state)
    const top = Math.min(this.#top, this.state.doc.length)
    if (top > 0) view.dispatch({ effects: EditorView.scrollIntoView(top, { y: 'start', yMargin: 0 }) })
  }

  /** The selection and the first visible line's position, to show the file as it was after a reload. */
  get viewState(): { anchor: number; head: number; top: number } {
    const { anchor, head } = this.state.selection.main
    return { anchor, head, top: this.#view?.dom.isConnected ? topOf(this.#view) : this.#top }
  }

  /** Puts back a selection and scroll position from `viewState` (clamped: the file may have changed since). */
  restoreViewState({ anchor, head, top }: { anchor: number; head: number; top: number }): void {
    const length = this.state.doc.length
    this.#dispatch({ selection: { anchor: Math.min(anchor, length), head: Math.min(head, length) } })
    this.#top = Math.min(top, length)
  }

  get hasLive(): boolean {
    return this.#url !== undefined
  }

  /** The live document this file is bound to, if any. */
  get liveUrl(): string | undefined {
    return this.#url
  }

  /** Binds to a live document (one a peer created meanwhile, say), unless bound already. */
  follow(live: string): void {
    if (!this.#connection) this.#connect(live)
  }

  #connect(live: string | undefined): void {
    if (live) this.#url = live
    const connecting = this.#options.connect(live, (message) => this.#receive(message))
    this.#connection = connecting.then(({ url, connection }) => {
      this.#url = url
      if (this.#closed) connection.close()
      clearInterval(this.#keepAlive)
      this.#keepAlive = setInterval(() => void this.#sendSelection(), KEEP_ALIVE_MS)
      return connection
    })
    this.#connection.catch((error: Error) => {
      this.#connection = null
      this.#options.onSaveState('failed', error?.message ?? String(error))
    })
  }

  /** Asks for a snapshot; when the worker has forgotten this file, opens it again (that sends one). */
  async #resync(): Promise<void> {
    const connection = await this.#connection
    await connection?.resync().catch(() => {
      connection.close()
      this.#connection = null
      if (!this.#closed) this.#connect(this.#url)
    })
  }

  #receive(message: LiveMessage): void {
    if (this.#closed) return
    if (message.type === 'peers') {
      this.#peers = message.peers
      this.#showPeers()
      return
    }
    this.#client.receive(message)
    // Peers' carets may point into text that just arrived.
    if (message.type === 'update') this.#showPeers()
  }

  #showPeers(): void {
    const length = this.state.doc.length
    const at = (pos: number) => Math.min(length, this.#client.toShown(pos))
    const cursors = this.#peers.map((p) => ({ ...p, anchor: at(p.anchor), head: at(p.head) }))
    this.#dispatch({ effects: setRemoteCursors.of(cursors) })
  }

  #onUpdate(update: ViewUpdate): void {
    this.state = update.state
    let typed = false
    for (const tr of update.transactions) {
      if (!tr.docChanged || tr.annotation(Transaction.remote)) continue
      typed = true
      this.#client.local(tr.changes)
    }
    if (typed) {
      this.#options.onSaveState('saving')
      if (!this.#connection) this.#connect(undefined)
    }
    if (update.selectionSet || update.docChanged) void this.#sendSelection()
    if (update.docChanged) this.#options.onDocChanged?.()
  }

  async #sendSelection(): Promise<void> {
    if (!this.#connection) return
    const connection = await this.#connection
    const { anchor, head } = this.state.selection.main
    await connection
      .select({ anchor: this.#client.toHeard(anchor), head: this.#client.toHeard(head) })
      .catch(() => this.#resync())
  }

  #showRemote(changes: ChangeSet): void {
    if (!changes.empty) this.#dispatch({ changes, annotations: remote })
  }

  /** Updates the shown view, or the kept state when this file is in the background. */
  #dispatch(spec: TransactionSpec): void {
    if (this.#view) this.#view.dispatch(spec)
    else {
      this.state = this.state.update(spec).state
      if (spec.changes) this.#options.onDocChanged?.()
    }
  }

  /** Puts the cursor at the start of line `line` (1-based, clamped) and scrolls it into view. */
  goToLine(line: number): void {
    const target = this.state.doc.line(Math.min(Math.max(1, line), this.state.doc.lines))
    this.#dispatch({ selection: { anchor: target.from }, scrollIntoView: true })
    this.#view?.focus()
  }

  #scheduleSave(heads: Heads): void {
    clearTimeout(this.#saveTimer)
    this.#saveTimer = setTimeout(() => {
      void this.#connection
        ?.then((c) => c.persist(heads))
        .then(
          () => {
            if (this.#client.settled) this.#options.onSaveState('saved')
          },
          (error: Error) => this.#options.onSaveState('failed', error?.message ?? String(error)),
        )
    }, SAVE_DELAY_MS)
  }

  destroy(): void {
    this.#closed = true
    clearTimeout(this.#saveTimer)
    clearInterval(this.#keepAlive)
    // Closing says goodbye, so peers drop our caret at once.
    void this.#connection?.then(
      (c) => c.close(),
      () => {},
    )
    this.#view = null
  }
}
