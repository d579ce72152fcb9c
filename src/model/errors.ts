/** Reasons an operation is refused; each message tells the user what to do. */
export type WeftErrorCode =
  | 'bad-path' // a file or folder path the tree refuses
  | 'bad-name' // a repository or branch name
  | 'bad-input' // a missing or malformed argument, option or request
  | 'exists'
  | 'not-found'
  | 'not-allowed' // a rule forbids the operation (the default branch cannot be deleted)
  | 'unsupported' // an operation Weft cannot do yet
  | 'too-large'
  | 'binary'
  | 'bad-archive'
  | 'unavailable'

/** An error a user can act on. Crosses worker boundaries as `{code, message}`. */
export class WeftError extends Error {
  readonly code: WeftErrorCode
  constructor(code: WeftErrorCode, message: string) {
    super(message)
    this.name = 'WeftError'
    this.code = code
  }
}
