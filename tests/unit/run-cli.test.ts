import '@automerge/automerge-repo'
import { join } from 'node:path'
import { writeFileSync } from 'node:fs'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../relay/server.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { exitCodeOf, runCommand, type Terminal } from '../../src/cli/commands/run.ts'
import { tempDir } from './helpers.ts'

const TOKEN = 'cli-runner-token-0123456789'
let relay: Relay
const home = tempDir('weft-run-cli-')

beforeAll(async () => {
  relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(tempDir(), 'data'),
    token: 'cli-sync-token',
    maxMessageBytes: 1 << 20,
    messagesPerSecond: 500,
    log: () => {},
    runs: { token: TOKEN, killGraceMs: 300 },
  })
  // A profile with one repository holding a script and a data file, as `weft clone` would leave it.
  const profile = await Profile.open(home)
  const summary = profile.catalog.create('demo')
  const { ws } = await profile.open(summary)
  const encode = (text: string) => new TextEncoder().encode(text)
  await ws.importFiles(profile.currentBranch(ws, summary.id), [
    { path: 'greet.sh', bytes: encode('#!/bin/sh\necho "hello $1"\necho "from stderr" >&2\nexit 7\n') },
    { path: 'lib/data.txt', bytes: encode('data\n') },
  ])
  await profile.close()
})
afterAll(async () => {
  await relay?.close()
})

const quiet = (): Terminal => ({
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdin: null,
  onInterrupt: () => () => {},
})

/** `weft run ARGS` in-process, capturing the terminal. */
async function weftRun(args: string[], input?: string) {
  let stdout = ''
  let stderr = ''
  const errors: string[] = []
  const stdin = new PassThrough()
  const terminal: Terminal = {
    stdout: {
      write: (text: string) => {
        stdout += text
      },
    },
    stderr: {
      write: (text: string) => {
        stderr += text
      },
    },
    stdin,
    onInterrupt: () => () => {},
  }
  const done = runCommand(
    ['--home', home, '--relay', relay.url, '--runs-token', TOKEN, ...args],
    { err: (line) => errors.push(line) },
    terminal,
  )
  if (input !== undefined) setTimeout(() => stdin.write(input), 100)
  const code = await done
  return { code, stdout, stderr, errors }
}

describe('weft run', () => {
  it('streams stdout and stderr of a command over the branch files and exits with its code', async () => {
    expect(await weftRun(['--', './greet.sh', 'world'])).toEqual({
      code: 7,
      stdout: 'hello world\n',
      stderr: 'from stderr\n',
      errors: [],
    })
  })

  it('runs in --cwd with --env, and forwards typed input', async () => {
    const result = await weftRun(
      ['--cwd', 'lib', '--env', 'WHO=agent', '--', 'cat data.txt; read x; echo "$WHO typed $x"'],
      'yes\n',
    )
    expect(result).toMatchObject({ code: 0, stdout: 'data\nagent typed yes\n' })
  })

  it('exits 124 on its time limit', async () => {
    const result = await weftRun(['--timeout', '0.3', '--', 'sleep 30'])
    expect(result).toMatchObject({ code: 124, stderr: 'weft run: time limit reached\n' })
  })

  it('explains usage problems and refusals with exit 2', async () => {
    expect((await weftRun([])).errors[0]).toMatch(/^weft run: say what to run after --\./)
    expect((await weftRun(['--backend', 'webcontainer', '--', 'ls'])).errors[0]).toMatch(
      /only the local backend runs from a terminal/,
    )
    const errors: string[] = []
    expect(
      await runCommand(['--home', home, '--relay', relay.url, '--runs-token', 'wrong', '--', 'ls'], {
        err: (line) => errors.push(line),
      }),
    ).toBe(2)
    expect(errors).toEqual([
      'weft run: Missing or wrong runner token (send it as Authorization: Bearer; it is not the sync token).',
    ])
    // The sync token is not the runner's: refused with a word on which token to pass.
    const sync: string[] = []
    expect(
      await runCommand(['--home', home, '--relay', relay.url, '--token', 'cli-sync-token', '--', 'ls'], {
        err: (line) => sync.push(line),
      }),
    ).toBe(2)
    expect(sync[0]).toMatch(/^weft run: --token is the sync token, which never runs commands/)
  })

  it('reads the runner token from --runs-token-file or $WEFT_RUNS_TOKEN', async () => {
    const file = join(tempDir('weft-run-token-'), 'runs-token')
    writeFileSync(file, `${TOKEN}\n`, { mode: 0o600 })
    const run = (args: string[]) =>
      runCommand(['--home', home, '--relay', relay.url, ...args, '--', 'exit 5'], { err: () => {} }, quiet())
    expect(await run(['--runs-token-file', file])).toBe(5)
    process.env.WEFT_RUNS_TOKEN = TOKEN
    try {
      expect(await run([])).toBe(5)
    } finally {
      delete process.env.WEFT_RUNS_TOKEN
    }
  })

  it('maps how a run ended to a shell exit code', () => {
    expect(exitCodeOf({ type: 'exit', code: null, signal: 'SIGTERM', reason: 'killed', t: 1 })).toBe(143)
    expect(exitCodeOf({ type: 'exit', code: null, signal: 'SIGKILL', reason: 'timeout', t: 1 })).toBe(124)
    expect(exitCodeOf({ type: 'exit', code: null, signal: null, reason: 'disconnected', t: 1 })).toBe(1)
  })
})
