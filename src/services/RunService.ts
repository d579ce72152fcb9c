import { RunHistory } from '../run/RunHistory.ts'
import type { RunRecord } from '../run/runRecord.ts'
import { fromWindow, type ProfileContext } from './ProfileContext.ts'

/** A repository's shared run history: recording runs and streaming the recent ones. */
export class RunService {
  readonly #profile: ProfileContext

  constructor(profile: ProfileContext) {
    this.#profile = profile
  }

  /** Records a run (started, or ended) in the repository's shared run history. */
  async recordRun(id: string, run: RunRecord): Promise<void> {
    ;(await this.#runs(id)).record(run)
  }

  /** Streams the repository's recent runs (newest first), everyone's; stop with `unwatch`. */
  async watchRuns(id: string, onChange: (runs: RunRecord[]) => void): Promise<number> {
    const history = await this.#runs(id)
    const send = fromWindow(() => onChange(history.list()))
    history.handle.on('change', send)
    send(undefined)
    return this.#profile.watch(() => history.handle.off('change', send))
  }

  async #runs(id: string): Promise<RunHistory> {
    return RunHistory.ensure(this.#profile.repo, (await this.#profile.workspace(id)).handle)
  }
}
