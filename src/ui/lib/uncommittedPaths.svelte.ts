import type { ChangeKind } from '../../repo/history.ts'
import type { Host } from './host.ts'
import { oneAtATime } from './oneAtATime.ts'

/** A file's uncommitted change as a tab and a tree item show it: the letter drawn and the words read out. */
export const CHANGE_MARKS: Record<Exclude<ChangeKind, 'deleted'>, { letter: string; description: string }> = {
  added: { letter: 'A', description: 'Added' },
  modified: { letter: 'M', description: 'Modified' },
  renamed: { letter: 'R', description: 'Renamed' },
}

export type UncommittedMap = ReadonlyMap<string, Exclude<ChangeKind, 'deleted'>>

/** Wait after a change before asking again: typing saves every few hundred milliseconds. */
const REFRESH_DELAY_MS = 250

/**
 * The branch's files with uncommitted changes, by path, for the modified markers on tabs and tree
 * items. Asked of the worker (which compares with the head commit, off the main thread) a moment
 * after each change; one question at a time.
 */
export class UncommittedPaths {
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- replaced whole, never mutated
  changes = $state.raw<UncommittedMap>(new Map())
  readonly #host: Host
  readonly #repoId: string
  #timer: ReturnType<typeof setTimeout> | undefined
  #branch = ''
  #closed = false

  constructor(host: Host, repoId: string) {
    this.#host = host
    this.#repoId = repoId
  }

  /** Something on `branch` changed (the tree, a save, a peer's edit): ask again shortly. */
  refresh(branch: string): void {
    if (!branch || this.#closed) return
    this.#branch = branch
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => void this.#ask(), REFRESH_DELAY_MS)
  }

  readonly #ask = oneAtATime(
    () => this.#askOnce(),
    () => this.#closed,
  )

  async #askOnce(): Promise<void> {
    try {
      const list = await this.#host.service.status(this.#repoId, this.#branch)
      if (this.#closed) return
      // eslint-disable-next-line svelte/prefer-svelte-reactivity -- built here, then assigned whole
      const next = new Map<string, Exclude<ChangeKind, 'deleted'>>()
      for (const change of list) if (change.kind !== 'deleted') next.set(change.path, change.kind)
      this.changes = next
    } catch {
      // The branch may be gone (deleted by a peer); its markers simply stay as they were.
    }
  }

  close(): void {
    this.#closed = true
    clearTimeout(this.#timer)
  }
}
