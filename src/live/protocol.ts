/**
 * How a window edits a live file that only the repository worker holds. The worker is the authority:
 * a window keeps the text it last heard (at known heads), sends its edits against those heads, and
 * hears back, in order on one channel, every change since, its own edits included as Automerge
 * merged them. Windows never load Automerge documents, so a large file never blocks a UI thread.
 */

/** Automerge change hashes (hex). */
export type Heads = string[]

/** A CodeMirror `ChangeSet` in its JSON form (`ChangeSet.toJSON()`). */
export type ChangesJSON = (number | [number, ...string[]])[]

/** Who an editor is to peers: a name and a colour. */
export interface Identity {
  name: string
  colour: string
}

/** A caret or selection in positions of the text at the heads the window last heard. */
export interface Selection {
  anchor: number
  head: number
}

export interface PeerSelection extends Selection {
  peer: string
  name: string
  colour: string
}

/**
 * Worker → window, in order, on one channel per open file. `applied` is the number of the window's
 * last edit the worker has applied (edits are numbered from 1), so the window knows which of its
 * edits a message already contains.
 */
export type LiveMessage =
  /** The whole text: the first message, and the answer to a resync. */
  | { type: 'snapshot'; text: string; heads: Heads; applied: number }
  /** Changes from `from` to `to`: the window's edit `applied` as merged, and anyone else's. */
  | { type: 'update'; from: Heads; to: Heads; changes: ChangesJSON; applied: number }
  /** Everyone else's carets, in positions of the text at the heads last sent. */
  | { type: 'peers'; peers: PeerSelection[] }

export const sameHeads = (a: Heads, b: Heads): boolean =>
  a.length === b.length && a.every((h) => b.includes(h))
