import type { RecordedConflict } from '../../repo/conflicts.ts'
import type { Host } from './host.ts'
import { oneAtATime } from './oneAtATime.ts'

/**
 * The conflicts a merge recorded on the branch (see src/repo/conflicts.ts), kept current for the
 * explorer, the tabs and the conflict notice: asked of the worker after each change of the
 * repository, one question at a time. A record a peer wrote malformed is refused there; its
 * message is `problem`, and nothing is marked from it.
 */
export class RecordedConflicts {
  list = $state.raw<RecordedConflict[]>([])
  problem = $state('')
  readonly #host: Host
  readonly #repoId: string
  #branch = ''
  #closed = false

  constructor(host: Host, repoId: string) {
    this.#host = host
    this.#repoId = repoId
  }

  /** Entry ids of the files still to settle. */
  get open(): ReadonlySet<string> {
    // eslint-disable-next-line svelte/prefer-svelte-reactivity -- built from `list` each time, never mutated
    return new Set(this.list.flatMap((c) => (c.settled ? [] : [c.id])))
  }

  /** Something on `branch` changed: ask again. */
  refresh(branch: string): void {
    if (!branch || this.#closed) return
    this.#branch = branch
    void this.#ask()
  }

  readonly #ask = oneAtATime(
    () => this.#askOnce(),
    () => this.#closed,
  )

  async #askOnce(): Promise<void> {
    try {
      const list = await this.#host.service.recordedConflicts(this.#repoId, this.#branch)
      if (this.#closed) return
      this.list = list
      this.problem = ''
    } catch (e) {
      if (this.#closed) return
      this.list = []
      this.problem = (e as Error).message
    }
  }

  close(): void {
    this.#closed = true
  }
}
