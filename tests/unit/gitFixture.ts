/**
 * Real git for the tests of the git round trip: a public repository's history as a bundle (written by
 * nobody here), and git run with a fixed author and no system or user configuration, so the ids it
 * makes do not depend on the machine.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const GIT_BUNDLE = join(import.meta.dirname, 'fixtures/git/balanced-match.bundle')

/** The environment git runs in; `extra` adds to it (PATH, WEFT_HOME…). */
export function gitTestEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: 'Ada',
    GIT_AUTHOR_EMAIL: 'ada@example.invalid',
    GIT_COMMITTER_NAME: 'Ada',
    GIT_COMMITTER_EMAIL: 'ada@example.invalid',
    GIT_CONFIG_NOSYSTEM: '1',
    HOME: mkdtempSync(join(tmpdir(), 'weft-git-home-')),
    ...extra,
  }
}

/** `git -C dir …` in `env`, its standard output as text. */
export function gitRunner(env: NodeJS.ProcessEnv) {
  return (dir: string, ...args: string[]): string =>
    execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}
