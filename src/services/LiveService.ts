import * as A from '@automerge/automerge/slim'
import type { AutomergeUrl } from '@automerge/automerge-repo/slim'
import { LiveFileServer } from '../live/LiveFileServer.ts'
import type { ChangesJSON, Heads, Identity, LiveMessage, Selection } from '../live/protocol.ts'
import { flushReady } from '../repo/flush.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

/** Live files a window's editor has open (see live/protocol.ts), and confirming their edits are stored. */
export class LiveService {
  readonly #profile: ProfileContext
  readonly #live: LiveFileServer

  constructor(profile: ProfileContext) {
    this.#profile = profile
    this.#live = new LiveFileServer(profile.repo, {
      // Every edit a window makes is this profile's person's: recorded as theirs (see repo/authorship.ts).
      // In order: each record builds on the previous edit's.
      onEdit: (url, before, after) => {
        this.#noting = this.#noting.then(() => this.#noteEdit(url, before, after))
      },
    })
  }

  #noting: Promise<void> = Promise.resolve()

  async #noteEdit(url: string, before: Heads, after: Heads): Promise<void> {
    try {
      // A window edits only files of repositories it opened: the one holding `url` is among those.
      for (const ws of await (await this.#profile.catalog).opened()) await ws.noteLiveEdit(url, before, after)
    } catch (error) {
      console.warn('An edit could not be recorded as yours:', error)
    }
  }

  /**
   * Opens a live file for a window's editor: messages arrive on `onMessage`, the first being the
   * whole text. Returns the session id for the calls below.
   */
  async liveOpen(
    url: AutomergeUrl,
    identity: Identity,
    onMessage: (message: LiveMessage) => void,
  ): Promise<number> {
    return this.#live.open(url, identity, fromWindow(onMessage))
  }

  /** The person renamed themselves: cursors in editors already open show the new name. */
  async liveRename(identity: Identity): Promise<void> {
    this.#live.rename(identity)
  }

  async liveEdit(session: number, seq: number, base: Heads, changes: ChangesJSON): Promise<void> {
    this.#live.edit(session, seq, base, changes)
  }

  /** Our caret moved; windows also call this as a keep-alive. */
  async liveSelect(session: number, selection: Selection | null): Promise<void> {
    this.#live.select(session, selection)
  }

  async liveResync(session: number): Promise<void> {
    this.#live.resync(session)
  }

  async liveClose(session: number): Promise<void> {
    this.#live.close(session)
  }

  /** Resolves once the document holds `heads` and is written to storage. */
  async persist(url: AutomergeUrl, heads: string[]): Promise<void> {
    const handle = await this.#profile.repo.find(url)
    if (!A.hasHeads(handle.doc(), heads)) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          handle.off('heads-changed', check)
          reject(new Error('The edit did not reach storage within 10 s.'))
        }, 10_000)
        const check = () => {
          if (!A.hasHeads(handle.doc(), heads)) return
          clearTimeout(timer)
          handle.off('heads-changed', check)
          resolve()
        }
        handle.on('heads-changed', check)
      })
    }
    await flushReady(this.#profile.repo, [handle.documentId])
  }
}
