import { randomBytes } from 'node:crypto'
import { dirname } from 'node:path'
import { chmodSync, mkdirSync, openSync, readFileSync, statSync, writeSync, closeSync } from 'node:fs'

/** The runner token's shape: what a generated one looks like, and what an operator's must be. */
const TOKEN_SHAPE = /^[A-Za-z0-9._~-]{24,256}$/

export class RunnerTokenError extends Error {}

export interface RunnerToken {
  token: string
  /** Where it is kept (null when it came from the environment). */
  file: string | null
  /** Whether this start wrote a new one. */
  created: boolean
}

/** A fresh random runner token: 32 bytes, base64url. */
export function newRunnerToken(): string {
  return randomBytes(32).toString('base64url')
}

function checked(token: string, from: string): string {
  if (!TOKEN_SHAPE.test(token))
    throw new RunnerTokenError(
      `The runner token in ${from} must be 24 to 256 letters, digits or ._~- (generate one by deleting the file).`,
    )
  return token
}

/**
 * The local runner's own token: `$WEFT_RUNS_TOKEN` when set; otherwise read from `file`, which is
 * created (mode 0600, with a new random token) when missing. A file others may read is refused, as
 * ssh refuses such a key: the token lets its holder run commands as the relay's user.
 */
export function loadRunnerToken(file: string, fromEnv: string | undefined): RunnerToken {
  if (fromEnv !== undefined && fromEnv !== '')
    return { token: checked(fromEnv, '$WEFT_RUNS_TOKEN'), file: null, created: false }
  let fd: number
  try {
    mkdirSync(dirname(file), { recursive: true })
    fd = openSync(file, 'wx', 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new RunnerTokenError(`Cannot create the runner token file ${file}: ${(error as Error).message}`)
    const mode = statSync(file).mode & 0o777
    if (mode & 0o077)
      throw new RunnerTokenError(
        `The runner token file ${file} can be read by others (mode ${mode.toString(8)}); run \`chmod 600 ${file}\` or delete it for a new one.`,
      )
    return { token: checked(readFileSync(file, 'utf8').trim(), file), file, created: false }
  }
  const token = newRunnerToken()
  try {
    writeSync(fd, `${token}\n`)
  } finally {
    closeSync(fd)
  }
  // The umask may have narrowed the mode further, never widened it; make it exactly 0600.
  chmodSync(file, 0o600)
  return { token, file, created: true }
}
