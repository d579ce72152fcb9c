import { rm } from 'node:fs/promises'
import type { RunSpec } from '../src/run/frames.ts'
import { DEFAULT_HISTORY_CHARS } from '../src/run/FrameLog.ts'
import { spawnRun, type LocalProcess } from './localProcess.ts'

/** A finished run stays watchable (its frames so far) this long. */
const LINGER_MS = 30_000

/** What the registry needs of a socket on a run: a way to end it when the relay shuts down. */
export interface Watcher {
  close(code: number, reason: string): void
  terminate(): void
}

/** A run the relay holds: posted and waiting for its owner, running, or lingering after its end. */
export interface RegisteredRun {
  readonly id: string
  /** The run's private folder (its files), removed when the run ends or is dropped. */
  readonly dir: string
  readonly cwd: string
  readonly spec: RunSpec
  /** Null until the owner attaches; its `log` holds the run's frames for late viewers. */
  process: LocalProcess | null
  owner: Watcher | null
  readonly watchers: Set<Watcher>
  claimTimer: NodeJS.Timeout
}

export interface RunRegistryOptions {
  /** Runs at once (posted or running); `full` says when one more must be refused. */
  maxRuns: number
  /** How long a posted run waits for its owner before it is dropped. */
  claimMs: number
  /** Between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs?: number
  /** Output kept per run for viewers who join late. */
  historyChars?: number
  log: (line: string) => void
}

/**
 * The relay's runs by id, transport-free: a posted run is registered with its folder, starts when
 * its first watcher (the owner) attaches, and is forgotten when nobody claims it in time, or a
 * while after it ends. Counts runs against the limit from posting to exit.
 */
export class RunRegistry {
  readonly #runs = new Map<string, RegisteredRun>()
  #active = 0

  constructor(private readonly options: RunRegistryOptions) {}

  /** True when another run would exceed `maxRuns`. */
  get full(): boolean {
    return this.#active >= this.options.maxRuns
  }

  get(id: string): RegisteredRun | undefined {
    return this.#runs.get(id)
  }

  /** Registers a run whose files are in `dir`; it is dropped unless its owner attaches within `claimMs`. */
  add(dir: string, cwd: string, spec: RunSpec): RegisteredRun {
    const id = crypto.randomUUID()
    const claimTimer = setTimeout(() => {
      this.options.log(`run ${id} dropped: nobody connected within ${this.options.claimMs / 1000} s`)
      this.#forget(this.#runs.get(id)!)
    }, this.options.claimMs)
    const run: RegisteredRun = {
      id,
      dir,
      cwd,
      spec,
      process: null,
      owner: null,
      watchers: new Set(),
      claimTimer,
    }
    this.#runs.set(id, run)
    this.#active++
    return run
  }

  /** Adds a watcher to the run; the first one owns it and starts its process. */
  attach(run: RegisteredRun, watcher: Watcher): { process: LocalProcess; isOwner: boolean } {
    run.watchers.add(watcher)
    const process = run.process ?? this.#start(run, watcher)
    return { process, isOwner: watcher === run.owner }
  }

  detach(run: RegisteredRun, watcher: Watcher): void {
    run.watchers.delete(watcher)
  }

  /** Kills every run at once, closes its watchers and removes its folder. */
  async close(): Promise<void> {
    const ending: Promise<unknown>[] = []
    for (const run of this.#runs.values()) {
      if (run.process) {
        run.process.stop('killed', true)
        ending.push(run.process.log.ended())
      } else this.#forget(run)
      for (const watcher of run.watchers) {
        watcher.close(1001, 'relay shutting down')
        setTimeout(() => watcher.terminate(), 1_000).unref()
      }
    }
    await Promise.race([Promise.all(ending), new Promise((resolve) => setTimeout(resolve, 3_000))])
    for (const run of this.#runs.values()) void rm(run.dir, { recursive: true, force: true })
    this.#runs.clear()
  }

  #start(run: RegisteredRun, owner: Watcher): LocalProcess {
    clearTimeout(run.claimTimer)
    run.owner = owner
    const process = spawnRun(run.id, run.spec, run.cwd, {
      killGraceMs: this.options.killGraceMs ?? 2_000,
      historyChars: this.options.historyChars ?? DEFAULT_HISTORY_CHARS,
    })
    run.process = process
    this.options.log(`run ${run.id} started (pid ${process.pid}): ${run.spec.command.slice(0, 80)}`)
    void process.log.ended().then((exit) => {
      this.#active--
      this.options.log(
        `run ${run.id} ended: ${exit.reason}${exit.code !== null ? ` ${exit.code}` : ''}${exit.signal ? ` ${exit.signal}` : ''}`,
      )
      void rm(run.dir, { recursive: true, force: true })
      setTimeout(() => this.#runs.delete(run.id), LINGER_MS).unref()
    })
    return process
  }

  /** Drops a run that never started from the registry and its folder from disk. */
  #forget(run: RegisteredRun): void {
    clearTimeout(run.claimTimer)
    if (this.#runs.get(run.id) === run && !run.process) this.#active--
    this.#runs.delete(run.id)
    void rm(run.dir, { recursive: true, force: true })
  }
}
