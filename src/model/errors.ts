/** Reasons an operation is refused; each message tells the user what to do. */
export type WeftErrorCode =
  'bad-path' | 'exists' | 'not-found' | 'too-large' | 'binary' | 'bad-archive' | 'unavailable' | 'bad-input'

/** An error a user can act on. Crosses worker boundaries as `{code, message}`. */
export class WeftError extends Error {
  readonly code: WeftErrorCode
  constructor(code: WeftErrorCode, message: string) {
    super(message)
    this.name = 'WeftError'
    this.code = code
  }
}
