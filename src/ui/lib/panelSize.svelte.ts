/** The width (or height) of a resizable panel in pixels, kept within its bounds and remembered across reloads. */
export class PanelSize {
  #stored = $state(0)
  /** The window's width (or height), so the panel never leaves the rest less than `othersNeed`. */
  #room = $state(0)

  constructor(
    /** Where the size is remembered (localStorage). */
    readonly key: string,
    fallback: number,
    readonly min: number,
    private readonly upper: number,
    private readonly othersNeed: number,
    /** Which of the window's sides bounds the panel. */
    private readonly axis: 'width' | 'height' = 'width',
  ) {
    this.#room = this.#windowSize()
    const saved = Number(localStorage.getItem(key))
    this.#stored = Number.isFinite(saved) && saved > 0 ? saved : fallback
    addEventListener('resize', this.#onresize)
  }

  #windowSize = () => (this.axis === 'width' ? innerWidth : innerHeight)

  #onresize = () => {
    this.#room = this.#windowSize()
  }

  /** The largest size that leaves the rest of the window usable. */
  get max(): number {
    return Math.max(this.min, Math.min(this.upper, this.#room - this.othersNeed))
  }

  get value(): number {
    return Math.round(Math.min(this.max, Math.max(this.min, this.#stored)))
  }

  set value(next: number) {
    this.#stored = Math.round(Math.min(this.max, Math.max(this.min, next)))
    try {
      localStorage.setItem(this.key, String(this.#stored))
    } catch {
      // Storage full or denied: the size still applies to this page.
    }
  }

  dispose(): void {
    removeEventListener('resize', this.#onresize)
  }
}
