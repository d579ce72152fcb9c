/**
 * Typed input for a program that reads it synchronously (Python's `input()` blocks its worker):
 * the host appends UTF-8 bytes to a SharedArrayBuffer and the worker waits on it with
 * `Atomics.wait`. Needs cross-origin isolation (SharedArrayBuffer), which the app has.
 */

/** Header slots (Int32): end of the bytes written, a lock both sides take, and how far the reader has read. */
const LENGTH = 0
const LOCK = 1
const READ = 2
const HEADER_BYTES = 12

export const STDIN_CAPACITY = 64 * 1024

export function createStdinBuffer(capacity = STDIN_CAPACITY): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + capacity)
}

function locked<T>(header: Int32Array, body: () => T): T {
  // Held only for a copy: the host thread may not block, so it spins.
  while (Atomics.compareExchange(header, LOCK, 0, 1) !== 0);
  try {
    return body()
  } finally {
    Atomics.store(header, LOCK, 0)
  }
}

/** The host's end: appends what the user types. */
export class StdinWriter {
  readonly #header: Int32Array
  readonly #bytes: Uint8Array
  readonly #encoder = new TextEncoder()

  constructor(buffer: SharedArrayBuffer) {
    this.#header = new Int32Array(buffer, 0, 3)
    this.#bytes = new Uint8Array(buffer, HEADER_BYTES)
  }

  /** Appends `text`; false (nothing written) when it does not fit until the program reads. */
  write(text: string): boolean {
    const data = this.#encoder.encode(text)
    const written = locked(this.#header, () => {
      const length = Atomics.load(this.#header, LENGTH)
      if (length + data.length > this.#bytes.length) return false
      this.#bytes.set(data, length)
      Atomics.store(this.#header, LENGTH, length + data.length)
      return true
    })
    if (written) Atomics.notify(this.#header, LENGTH)
    return written
  }
}

/** The worker's end: blocks until input is there, then takes as much as the caller can hold. */
export class StdinReader {
  readonly #header: Int32Array
  readonly #bytes: Uint8Array

  constructor(buffer: SharedArrayBuffer) {
    this.#header = new Int32Array(buffer, 0, 3)
    this.#bytes = new Uint8Array(buffer, HEADER_BYTES)
  }

  /** Fills `target` from the input (waiting for some), returning how many bytes it took. */
  readInto(target: Uint8Array): number {
    for (;;) {
      let length = 0
      const taken = locked(this.#header, () => {
        length = Atomics.load(this.#header, LENGTH)
        const read = Atomics.load(this.#header, READ)
        const count = Math.min(length - read, target.length)
        target.set(this.#bytes.subarray(read, read + count))
        // All read: start over at the front, so the writer has the whole buffer again.
        const done = read + count === length
        Atomics.store(this.#header, READ, done ? 0 : read + count)
        if (done) Atomics.store(this.#header, LENGTH, 0)
        return count
      })
      if (taken > 0) return taken
      Atomics.wait(this.#header, LENGTH, length)
    }
  }
}
