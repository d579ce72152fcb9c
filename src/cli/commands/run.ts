import { readFileSync } from 'node:fs'
import { constants } from 'node:os'
import WebSocket from 'ws'
import type { ExitFrame, RunSpec } from '../../run/frames.ts'
import { LocalRunner, type RunSocket } from '../../run/localRunner.ts'
import type { Run } from '../../run/Runner.ts'
import { RunHistory } from '../../run/RunHistory.ts'
import { boundOutput, type RunRecord } from '../../run/runRecord.ts'
import { WeftError } from '../../model/errors.ts'
import { Profile } from '../Profile.ts'
import { commandArgs } from '../args.ts'

/** Where a terminal's bytes go and come from; the process's own streams by default. */
export interface Terminal {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
  /** Typed input, forwarded to the run; null for none. */
  stdin: (NodeJS.ReadableStream & { pause(): unknown }) | null
  /** Subscribes to Ctrl-C; returns the unsubscribe. */
  onInterrupt(stop: () => void): () => void
}

const processTerminal = (): Terminal => ({
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  onInterrupt(stop) {
    process.on('SIGINT', stop)
    return () => process.off('SIGINT', stop)
  },
})

const HELP = `Usage: weft run [--backend local] [--relay URL] [--runs-token T | --runs-token-file F] [--repo NAME] [--branch NAME]
                [--cwd DIR] [--env NAME=VALUE]… [--timeout SECONDS] -- COMMAND…
Runs COMMAND (with sh -c, words joined by spaces) over the branch's files on the relay's local runner
(a relay started with --runs; default relay http://127.0.0.1:8787 or $WEFT_RELAY). The runner token is
the runner's own, not the sync token: --runs-token, --runs-token-file (the relay's DATA/runs-token) or
$WEFT_RUNS_TOKEN.
Exit code: the command's; 128+n when killed by signal n, 124 on timeout; 2 when the run could not start.`

/** The exit code a shell would give for how a run ended. */
export function exitCodeOf(exit: ExitFrame): number {
  if (exit.reason === 'timeout') return 124
  if (exit.code !== null) return exit.code
  const number = exit.signal ? constants.signals[exit.signal as NodeJS.Signals] : undefined
  return number ? 128 + number : 1
}

/** `weft run`: streams the run's stdout and stderr to the terminal; returns its exit code. */
export async function runCommand(
  argv: string[],
  io: { err: (line: string) => void },
  terminal: Terminal = processTerminal(),
): Promise<number> {
  const parsed = commandArgs(
    'run',
    argv,
    {
      backend: { type: 'string', default: 'local' },
      relay: { type: 'string' },
      token: { type: 'string' },
      'runs-token': { type: 'string' },
      'runs-token-file': { type: 'string' },
      repo: { type: 'string' },
      branch: { type: 'string' },
      home: { type: 'string' },
      cwd: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      timeout: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    io.err,
    HELP,
  )
  if (!parsed) return 2
  const { values: opts, positionals } = parsed
  if (opts.help) {
    terminal.stdout.write(`${HELP}\n`)
    return 0
  }
  const usage = (message: string) => {
    io.err(`weft run: ${message}\n${HELP}`)
    return 2
  }
  if (positionals.length === 0) return usage('say what to run after --.')
  if (opts.backend !== 'local')
    return usage(
      `only the local backend runs from a terminal (the ${opts.backend} backend runs in the browser).`,
    )
  if (opts.token !== undefined)
    return usage(
      '--token is the sync token, which never runs commands; pass the runner token with --runs-token or --runs-token-file.',
    )
  let token = opts['runs-token'] ?? process.env.WEFT_RUNS_TOKEN
  if (!token && opts['runs-token-file']) {
    try {
      token = readFileSync(opts['runs-token-file'], 'utf8').trim()
    } catch (error) {
      return usage(`cannot read the runner token file: ${(error as Error).message}`)
    }
  }
  if (!token)
    return usage(
      "the local runner needs its token: --runs-token T, --runs-token-file F (the relay's DATA/runs-token) or $WEFT_RUNS_TOKEN.",
    )
  const env: Record<string, string> = {}
  for (const pair of opts.env) {
    const eq = pair.indexOf('=')
    if (eq <= 0) return usage(`--env expects NAME=VALUE, got "${pair}".`)
    env[pair.slice(0, eq)] = pair.slice(eq + 1)
  }
  const seconds = opts.timeout === undefined ? undefined : Number(opts.timeout)
  if (seconds !== undefined && !(seconds > 0)) return usage('--timeout expects a number of seconds.')

  let run: Run
  let spec: RunSpec
  try {
    const branch = await branchFiles(opts, positionals.join(' '))
    spec = branch.spec
    const files = branch.files
    if (Object.keys(env).length) spec.env = env
    if (seconds) spec.timeoutMs = Math.round(seconds * 1000)
    const runner = new LocalRunner({
      relay: opts.relay ?? process.env.WEFT_RELAY ?? 'http://127.0.0.1:8787',
      token,
      connect: (url, protocols) => new WebSocket(url, protocols) as unknown as RunSocket,
    })
    run = await runner.start(spec, files)
  } catch (error) {
    io.err(`weft run: ${(error as Error).message}`)
    return 2
  }
  const record: RunRecord = {
    id: run.id,
    command: spec.command,
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    backend: 'local',
    by: process.env.WEFT_AUTHOR ?? process.env.USER ?? 'agent',
    started: Date.now(),
    exit: null,
    durationMs: null,
    output: [],
    truncated: false,
  }
  const code = await stream(run, terminal, record)
  // Kept in the repository, so the people (and agents) sharing it see this run and its output.
  await keepRun(opts, spec.repo, record).catch((error: Error) =>
    io.err(`weft run: the run was not kept in the repository: ${error.message}`),
  )
  return code
}

async function keepRun(opts: { home?: string }, repoId: string, record: RunRecord): Promise<void> {
  const profile = await Profile.open(opts.home)
  try {
    const { ws } = await profile.open(profile.pick(repoId))
    ;(await RunHistory.ensure(profile.repo, ws.handle)).record(record)
  } finally {
    await profile.close()
  }
}

/** The spec and files for the chosen repository and branch of the profile. */
async function branchFiles(
  opts: { repo?: string; branch?: string; home?: string; cwd?: string },
  command: string,
) {
  const profile = await Profile.open(opts.home)
  try {
    const summary = profile.pick(opts.repo)
    const { ws } = await profile.open(summary)
    const branch = opts.branch
      ? ws.branches().find((b) => b.name === opts.branch || b.id === opts.branch)?.id
      : profile.currentBranch(ws, summary.id)
    if (!branch) throw new WeftError('not-found', `No branch "${opts.branch}"; see \`weft branch\`.`)
    const spec: RunSpec = { command, repo: summary.id, branch, ...(opts.cwd ? { cwd: opts.cwd } : {}) }
    return { spec, files: await ws.snapshotFiles(branch) }
  } finally {
    await profile.close()
  }
}

/** Streams a run to `terminal` and into `record` (bounded) until it ends; returns its exit code. */
export async function stream(run: Run, terminal: Terminal, record: RunRecord): Promise<number> {
  const forward = (chunk: Buffer | string) => run.stdin(String(chunk))
  terminal.stdin?.on('data', forward)
  const unsubscribe = terminal.onInterrupt(() => run.kill())
  try {
    for await (const frame of run.frames()) {
      if (frame.type === 'stdout' || frame.type === 'stderr') {
        ;(frame.type === 'stdout' ? terminal.stdout : terminal.stderr).write(frame.data)
        record.output.push({ stream: frame.type, data: frame.data })
        if (record.output.length > 1_000) Object.assign(record, boundOutput(record))
      } else if (frame.type === 'exit') {
        record.exit = { code: frame.code, signal: frame.signal, reason: frame.reason }
        record.durationMs = frame.t
        if (frame.reason !== 'exited')
          terminal.stderr.write(
            `weft run: ${frame.reason === 'timeout' ? 'time limit reached' : frame.reason}\n`,
          )
        return exitCodeOf(frame)
      }
    }
    return 1
  } finally {
    unsubscribe()
    terminal.stdin?.off('data', forward)
    terminal.stdin?.pause()
  }
}
