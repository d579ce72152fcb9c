/** The width (or height) of a resizable panel in pixels, kept within its bounds and remembered across reloads. */
export class PanelSize {
  #stored = $state(0)
  /** The window's width, so the panel never leaves the rest of the workbench less than `othersNeed`. */
  #room = $state(innerWidth)

  constructor(
    /** Where the size is remembered (localStorage). */
    readonly key: string,
    fallback: number,
    readonly min: number,
    private readonly upper: number,
    private readonly othersNeed: number,
  ) {
    const saved = Number(localStorage.getItem(key))
    this.#stored = Number.isFinite(saved) && saved > 0 ? saved : fallback
    addEventListener('resize', this.#onresize)
  }

  #onresize = () => {
    this.#room = innerWidth
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
