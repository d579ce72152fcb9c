import * as A from '@automerge/automerge/slim'
import { encodeHeads, type AutomergeUrl, type DocHandle, type Repo } from '@automerge/automerge-repo/slim'
import { ChangeSet } from '@codemirror/state'
import type { LiveFileDoc } from '../model/types.ts'
import { WeftError } from '../model/errors.ts'
import { MAX_FILE_BYTES, formatBytes } from '../model/content.ts'
import { CONTENT, patchesToChanges, spliceChanges } from './liveText.ts'
import { CursorPresence, type PeerCursor } from './CursorPresence.ts'
import {
  sameHeads,
  type ChangesJSON,
  type Heads,
  type Identity,
  type LiveMessage,
  type Selection,
} from './protocol.ts'

/** Told of each edit this server applies for a window: the document, and its heads before and after. */
export type EditListener = (url: AutomergeUrl, before: Heads, after: Heads) => void

/** One window's view of one live file: what it was last told, so every update follows on from it. */
class LiveSession {
  readonly #handle: DocHandle<LiveFileDoc>
  readonly #send: (message: LiveMessage) => void
  readonly #presence: CursorPresence
  /** The heads and text length of the last state sent to the window. */
  #sent: Heads = []
  #length = 0
  #editing = false
  /** The number of the window's last edit applied. */
  #applied = 0
  readonly #onEdit: EditListener | undefined

  constructor(
    handle: DocHandle<LiveFileDoc>,
    identity: Identity,
    send: (message: LiveMessage) => void,
    onEdit?: EditListener,
  ) {
    this.#handle = handle
    this.#send = send
    this.#onEdit = onEdit
    this.resync()
    handle.on('change', this.#push)
    // Broadcast from here: this process is the peer the relay knows (see CursorPresence).
    this.#presence = new CursorPresence(
      handle,
      identity,
      (m) => handle.broadcast(m),
      (peers) => this.#sendPeers(peers),
    )
  }

  /** Sends the whole text; the window takes it as the new starting point. */
  resync(): void {
    const doc = this.#handle.doc()
    this.#sent = A.getHeads(doc)
    this.#length = doc.content.length
    this.#send({ type: 'snapshot', text: doc.content, heads: this.#sent, applied: this.#applied })
  }

  /**
   * Applies the window's edit number `seq`, made against `base` (heads it had heard), and answers
   * with every change since the last state sent: the edit as Automerge merged it with anything
   * concurrent.
   */
  edit(seq: number, base: Heads, json: ChangesJSON): void {
    if (seq !== this.#applied + 1)
      throw new WeftError(
        'bad-input',
        `Edit ${seq} arrived after edit ${this.#applied}; edits must come in order.`,
      )
    const doc = this.#handle.doc()
    if (!A.hasHeads(doc, base))
      throw new WeftError(
        'not-found',
        'The edit was made on a version of the file this worker does not have.',
      )
    let changes: ChangeSet
    try {
      changes = ChangeSet.fromJSON(json)
    } catch (error) {
      throw new WeftError('bad-input', `Malformed edit: ${(error as Error).message}`)
    }
    if (sameHeads(base, this.#sent) && changes.length !== this.#length)
      throw new WeftError(
        'bad-input',
        `Malformed edit: it spans ${changes.length} characters, the file has ${this.#length}.`,
      )
    if (changes.newLength > MAX_FILE_BYTES)
      throw new WeftError(
        'too-large',
        `The file would be over the ${formatBytes(MAX_FILE_BYTES)} file size limit.`,
      )
    this.#editing = true
    const before = A.getHeads(this.#handle.doc())
    try {
      this.#handle.changeAt(encodeHeads(base), (d) => spliceChanges(d, CONTENT, changes))
    } finally {
      this.#editing = false
    }
    this.#onEdit?.(this.#handle.url, before, A.getHeads(this.#handle.doc()))
    this.#applied = seq
    this.#update()
  }

  /** Our caret moved (positions in the text last sent). */
  select(selection: Selection | null): void {
    if (!selection) return this.#presence.update(null)
    const doc = this.#handle.doc()
    const at = (pos: number): A.Cursor =>
      A.getCursor(doc, CONTENT, pos >= doc.content.length ? 'end' : Math.max(0, pos))
    this.#presence.update({ anchor: at(selection.anchor), head: at(selection.head) })
  }

  rename(identity: Identity): void {
    this.#presence.rename(identity)
  }

  close(): void {
    this.#handle.off('change', this.#push)
    this.#presence.stop()
  }

  #push = (): void => {
    if (this.#editing) return
    if (this.#update()) this.#sendPeers(this.#presence.peers())
  }

  /** Sends the changes since the last state sent, if any. */
  #update(): boolean {
    const doc = this.#handle.doc()
    const heads = A.getHeads(doc)
    if (sameHeads(heads, this.#sent)) return false
    const changes = patchesToChanges(A.diff(doc, this.#sent, heads), CONTENT, this.#length)
    this.#send({
      type: 'update',
      from: this.#sent,
      to: heads,
      changes: changes.toJSON() as ChangesJSON,
      applied: this.#applied,
    })
    this.#sent = heads
    this.#length = changes.newLength
    return true
  }

  #sendPeers(peers: PeerCursor[]): void {
    const doc = this.#handle.doc()
    const selections = []
    for (const { from, user, selection } of peers) {
      try {
        const anchor = A.getCursorPosition(doc, CONTENT, selection.anchor)
        const head = A.getCursorPosition(doc, CONTENT, selection.head)
        selections.push({ peer: from, name: user.name, colour: user.colour, anchor, head })
      } catch {
        // A cursor into text not received yet: shown once that change arrives.
      }
    }
    this.#send({ type: 'peers', peers: selections })
  }
}

/**
 * Serves live files to windows (see protocol.ts). Runs beside the automerge-repo, in the repository
 * worker in the browser and in-process in Node.
 */
export class LiveFileServer {
  readonly #repo: Repo
  readonly #sessions = new Map<number, { session: LiveSession; seen: number }>()
  readonly #idleMs: number
  readonly #onEdit: EditListener | undefined
  readonly #sweep: ReturnType<typeof setInterval>
  #next = 1

  /**
   * A window that closes without saying so (a crash) leaves its session behind; sessions not heard
   * from for `idleMs` are closed, so their cursors leave peers' editors. Windows call `select` as a
   * keep-alive (hidden tabs' timers may run only once a minute, hence two minutes).
   */
  constructor(repo: Repo, { idleMs = 120_000, onEdit }: { idleMs?: number; onEdit?: EditListener } = {}) {
    this.#repo = repo
    this.#idleMs = idleMs
    this.#onEdit = onEdit
    this.#sweep = setInterval(() => this.#closeIdle(), Math.max(10, idleMs / 4))
    // In Node, an idle server must not keep the process alive.
    ;(this.#sweep as { unref?: () => void }).unref?.()
  }

  /** Opens a session on a live file; its first message is the snapshot. Returns the session id. */
  async open(url: AutomergeUrl, identity: Identity, send: (message: LiveMessage) => void): Promise<number> {
    const handle = await this.#repo.find<LiveFileDoc>(url)
    const id = this.#next++
    this.#sessions.set(id, {
      session: new LiveSession(handle, identity, send, this.#onEdit),
      seen: Date.now(),
    })
    return id
  }

  /**
   * The person renamed themselves. One server serves one browser profile, whose windows share one
   * identity: every open session takes the new name.
   */
  rename(identity: Identity): void {
    for (const { session } of this.#sessions.values()) session.rename(identity)
  }

  edit(id: number, seq: number, base: Heads, changes: ChangesJSON): void {
    this.#session(id).edit(seq, base, changes)
  }

  select(id: number, selection: Selection | null): void {
    this.#session(id).select(selection)
  }

  resync(id: number): void {
    this.#session(id).resync()
  }

  close(id: number): void {
    this.#sessions.get(id)?.session.close()
    this.#sessions.delete(id)
  }

  /** Closes every session and stops sweeping. */
  dispose(): void {
    clearInterval(this.#sweep)
    for (const id of [...this.#sessions.keys()]) this.close(id)
  }

  get size(): number {
    return this.#sessions.size
  }

  #session(id: number): LiveSession {
    const entry = this.#sessions.get(id)
    if (!entry) throw new WeftError('not-found', 'This file is no longer open for editing; reopen it.')
    entry.seen = Date.now()
    return entry.session
  }

  #closeIdle(): void {
    const cutoff = Date.now() - this.#idleMs
    for (const [id, entry] of this.#sessions) if (entry.seen < cutoff) this.close(id)
  }
}
