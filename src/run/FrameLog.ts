import type { Backend, ExitFrame, ExitReason, OutputFrame, RunFrame, StartFrame } from './frames.ts'

/** Output kept for late subscribers by default: enough to fill a console, bounded on a busy run. */
export const DEFAULT_HISTORY_CHARS = 1024 * 1024

type Listener = (frame: RunFrame) => void

/**
 * One run's frames as a runner produces them: `start` at creation, output in order, `exit` once
 * (the first end wins; output after it is dropped). Keeps the start frame and the latest output up
 * to `historyChars` so a subscriber joining late sees the run so far, then everything live.
 */
export class FrameLog {
  readonly start: StartFrame
  #exit: ExitFrame | null = null
  readonly #began = performance.now()
  readonly #historyChars: number
  /** Retained output from `#head` on (dropping from the front by index: `shift` copies the array each time). */
  #history: OutputFrame[] = []
  #head = 0
  #historyLength = 0
  readonly #listeners = new Set<Listener>()
  readonly #ended: Promise<ExitFrame>
  #resolveEnded!: (frame: ExitFrame) => void

  constructor(id: string, backend: Backend, historyChars = DEFAULT_HISTORY_CHARS) {
    this.start = { type: 'start', id, backend, t: 0 }
    this.#historyChars = historyChars
    this.#ended = new Promise((resolve) => {
      this.#resolveEnded = resolve
    })
  }

  /** The exit frame, once the run has ended. */
  get exit(): ExitFrame | null {
    return this.#exit
  }

  /** Resolves with the exit frame. */
  ended(): Promise<ExitFrame> {
    return this.#ended
  }

  #now(): number {
    return Math.round(performance.now() - this.#began)
  }

  output(type: 'stdout' | 'stderr', data: string): void {
    if (data !== '') this.append({ type, data, t: this.#now() })
  }

  /** Ends the run; returns false when it had already ended. */
  finish(code: number | null, signal: string | null, reason: ExitReason): boolean {
    return this.append({ type: 'exit', code, signal, reason, t: this.#now() })
  }

  /** Adds a frame made elsewhere (a relayed run's), keeping its time; false once the run has ended. */
  append(frame: OutputFrame | ExitFrame): boolean {
    if (this.#exit) return false
    if (frame.type === 'exit') {
      this.#exit = frame
      this.#emit(frame)
      this.#listeners.clear()
      this.#resolveEnded(frame)
      return true
    }
    this.#history.push(frame)
    this.#historyLength += frame.data.length
    while (this.#historyLength > this.#historyChars && this.#history.length - this.#head > 1) {
      this.#historyLength -= this.#history[this.#head].data.length
      this.#head++
    }
    // Compact once half the array is dropped frames: amortised constant time per frame.
    if (this.#head > 1024 && this.#head * 2 > this.#history.length) {
      this.#history = this.#history.slice(this.#head)
      this.#head = 0
    }
    this.#emit(frame)
    return true
  }

  /** Calls `listener` with the retained frames now, then with every new one; returns the unsubscribe. */
  subscribe(listener: Listener): () => void {
    listener(this.start)
    for (let i = this.#head; i < this.#history.length; i++) listener(this.#history[i])
    if (this.#exit) {
      listener(this.#exit)
      return () => {}
    }
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** The frames as an async iterable (retained history first), ending after `exit`. */
  async *frames(): AsyncGenerator<RunFrame> {
    const queue: RunFrame[] = []
    let wake: (() => void) | null = null
    const unsubscribe = this.subscribe((frame) => {
      queue.push(frame)
      wake?.()
    })
    try {
      for (;;) {
        while (queue.length > 0) {
          const frame = queue.shift()!
          yield frame
          if (frame.type === 'exit') return
        }
        await new Promise<void>((resolve) => {
          wake = resolve
        })
        wake = null
      }
    } finally {
      unsubscribe()
    }
  }

  #emit(frame: RunFrame): void {
    for (const listener of this.#listeners) listener(frame)
  }
}
