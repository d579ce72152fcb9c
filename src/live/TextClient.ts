import { ChangeSet, Text } from '@codemirror/state'
import { sameHeads, type ChangesJSON, type Heads, type LiveMessage } from './protocol.ts'

/** Texts are split on "\n" only, as the editor is set up, so positions match the stored text. */
export const toText = (text: string): Text => Text.of(text.split('\n'))

/** The change that turns `a` into `b`, as one replaced range (common prefix and suffix kept). */
export function replaceDiff(a: string, b: string): ChangeSet {
  let start = 0
  while (start < a.length && start < b.length && a[start] === b[start]) start++
  let endA = a.length
  let endB = b.length
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--
    endB--
  }
  return ChangeSet.of(
    start === endA && start === endB ? [] : [{ from: start, to: endA, insert: b.slice(start, endB) }],
    a.length,
  )
}

export interface TextClientIO {
  /** Applies changes to the text the editor shows now. */
  show(changes: ChangeSet): void
  /** Sends edit number `seq`, made against `base`; a rejection makes the client ask for a snapshot. */
  send(seq: number, base: Heads, changes: ChangesJSON): Promise<void>
  /** Asks for a snapshot (the worker answers on the message channel). */
  resync(): void
  /** The worker has taken our edits up to `heads`. */
  accepted(heads: Heads): void
  /** An edit was refused; the editor keeps it, and it is retried after a snapshot. */
  refused(message: string): void
}

/** Give up resending after this many refusals in a row, so a bad edit cannot loop forever. */
const MAX_REFUSALS = 3

/**
 * The window's side of a live file (see protocol.ts), in the manner of CodeMirror's collab: the
 * text last heard from the worker, at known heads; one edit in flight; edits typed meanwhile
 * buffered. Updates from the worker are moved past our unconfirmed edits and shown; our edits are
 * moved past them. When the worker's merge of our edit differs from our guess (concurrent inserts
 * at one place ordered otherwise), the editor is corrected to the worker's text.
 */
export class TextClient {
  readonly #io: TextClientIO
  #text: Text
  /** Null until the first snapshot: edits are buffered until then. */
  #heads: Heads | null = null
  #inflight: ChangeSet | null = null
  /** The number of our last edit the worker has applied; the edit in flight is the next. */
  #applied = 0
  #buffer: ChangeSet | null = null
  #refusals = 0
  #resyncing = false

  constructor(text: string, io: TextClientIO) {
    this.#text = toText(text)
    this.#io = io
  }

  /** Whether every local edit has been taken by the worker. */
  get settled(): boolean {
    return this.#heads !== null && !this.#inflight && !this.#buffer
  }

  /** An edit made in the editor. */
  local(changes: ChangeSet): void {
    this.#buffer = this.#buffer ? this.#buffer.compose(changes) : changes
    this.#flush()
  }

  receive(message: LiveMessage): void {
    if (message.type === 'snapshot') this.#reset(message.text, message.heads, message.applied)
    else if (message.type === 'update') {
      if (!this.#heads || !sameHeads(message.from, this.#heads)) {
        // Follows a state we never had (an update overtaken by a snapshot): start over from a snapshot.
        this.#requestSnapshot()
        return
      }
      const changes = ChangeSet.fromJSON(message.changes)
      const own = this.#inflight !== null && message.applied > this.#applied
      this.#applied = message.applied
      if (own) this.#accept(changes, message.to)
      else this.#remote(changes, message.to)
    }
  }

  /** A position in the text last heard, in the text the editor shows. */
  toShown(pos: number): number {
    const pending = this.#pending()
    return pending ? pending.mapPos(pos, 1) : pos
  }

  /** A position in the text the editor shows, in the text last heard. */
  toHeard(pos: number): number {
    const pending = this.#pending()
    return pending ? pending.invertedDesc.mapPos(pos, -1) : pos
  }

  #pending(): ChangeSet | null {
    if (this.#inflight && this.#buffer) return this.#inflight.compose(this.#buffer)
    return this.#inflight ?? this.#buffer
  }

  /** Takes the worker's text as the truth and moves our unconfirmed edits on top of it. */
  #reset(text: string, heads: Heads, applied: number): void {
    this.#resyncing = false
    // The edit in flight is either in the snapshot already or still ours to send.
    const inSnapshot = this.#inflight && applied > this.#applied
    const heard = inSnapshot ? this.#inflight!.apply(this.#text) : this.#text
    const ours = inSnapshot ? this.#buffer : this.#pending()
    const theirs = replaceDiff(heard.toString(), text)
    this.#applied = applied
    this.#io.show(ours ? theirs.map(ours) : theirs)
    this.#buffer = ours ? ours.map(theirs, true) : null
    this.#inflight = null
    this.#text = toText(text)
    this.#heads = heads
    this.#flush()
  }

  /** Someone else's changes: shown after our unconfirmed edits, which move past them. */
  #remote(changes: ChangeSet, heads: Heads): void {
    let shown = changes
    if (this.#inflight) {
      const inflight = this.#inflight.map(shown, true)
      shown = shown.map(this.#inflight)
      this.#inflight = inflight
    }
    if (this.#buffer) {
      const buffer = this.#buffer.map(shown, true)
      shown = shown.map(this.#buffer)
      this.#buffer = buffer
    }
    this.#io.show(shown)
    this.#text = changes.apply(this.#text)
    this.#heads = heads
  }

  /** Our edit as the worker merged it. */
  #accept(changes: ChangeSet, heads: Heads): void {
    const guess = this.#inflight ?? ChangeSet.empty(this.#text.length)
    const text = changes.apply(this.#text)
    if (JSON.stringify(changes.toJSON()) !== JSON.stringify(guess.toJSON())) {
      const correction = replaceDiff(guess.apply(this.#text).toString(), text.toString())
      if (!correction.empty) {
        this.#io.show(this.#buffer ? correction.map(this.#buffer) : correction)
        if (this.#buffer) this.#buffer = this.#buffer.map(correction, true)
      }
    }
    this.#text = text
    this.#heads = heads
    this.#inflight = null
    this.#refusals = 0
    this.#io.accepted(heads)
    this.#flush()
  }

  #flush(): void {
    if (!this.#heads || this.#resyncing || this.#inflight || !this.#buffer || this.#refusals >= MAX_REFUSALS)
      return
    this.#inflight = this.#buffer
    this.#buffer = null
    this.#io
      .send(this.#applied + 1, this.#heads, this.#inflight.toJSON() as ChangesJSON)
      .catch((error: unknown) => {
        this.#refusals++
        this.#io.refused((error as Error)?.message ?? String(error))
        this.#requestSnapshot()
      })
  }

  #requestSnapshot(): void {
    if (this.#resyncing) return
    this.#resyncing = true
    this.#io.resync()
  }
}
