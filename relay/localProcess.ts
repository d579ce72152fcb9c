import { spawn } from 'node:child_process'
import { StringDecoder } from 'node:string_decoder'
import { FrameLog } from '../src/run/FrameLog.ts'
import type { ExitReason, RunSpec } from '../src/run/frames.ts'

/** Variables a run inherits from the relay; everything else (its token above all) stays out. */
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TERM',
  'TMPDIR',
  'TZ',
]
/** After the main command exits, how long remaining output may take to drain before the run is declared over. */
const DRAIN_MS = 1_000

export interface LocalProcessOptions {
  /** Between SIGTERM and SIGKILL when a run is stopped. */
  killGraceMs: number
  historyChars: number
}

/** One `sh -c` run in its own process group, reporting through a FrameLog. */
export interface LocalProcess {
  readonly log: FrameLog
  readonly pid: number | undefined
  write(data: string): void
  /** Ends the run: SIGTERM to the whole group, SIGKILL after the grace period (at once when `now`). */
  stop(reason: Exclude<ExitReason, 'exited' | 'error'>, now?: boolean): void
  /** Flow control: stop reading output while the owner's socket is backed up. */
  pause(): void
  resume(): void
}

function runEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const name of INHERITED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name]
  return { ...env, ...extra }
}

/**
 * Spawns `spec.command` with `sh -c` in `cwd`, detached into a process group of its own so Stop,
 * the time limit and a disconnect reach everything it started. When the main command exits, what
 * is left of its group is killed too: a run's processes never outlive it.
 */
export function spawnRun(id: string, spec: RunSpec, cwd: string, options: LocalProcessOptions): LocalProcess {
  const log = new FrameLog(id, 'local', options.historyChars)
  const child = spawn('sh', ['-c', spec.command], {
    cwd,
    env: runEnv(spec.env),
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let reason: ExitReason = 'exited'
  let status: { code: number | null; signal: string | null } | null = null
  let graceTimer: NodeJS.Timeout | undefined
  let paused = false
  const timeout = spec.timeoutMs ? setTimeout(() => stop('timeout'), spec.timeoutMs) : undefined

  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return
    try {
      process.kill(-child.pid, signal)
    } catch {
      // ESRCH: the group is already gone.
    }
  }
  const finish = (code: number | null, signal: string | null, why: ExitReason) => {
    clearTimeout(timeout)
    clearTimeout(graceTimer)
    log.finish(code, signal, why)
  }
  function stop(why: Exclude<ExitReason, 'exited' | 'error'>, now = false) {
    if (log.exit) return
    if (reason === 'exited') reason = why
    if (now) return signalGroup('SIGKILL')
    signalGroup('SIGTERM')
    graceTimer ??= setTimeout(() => signalGroup('SIGKILL'), options.killGraceMs)
  }

  for (const type of ['stdout', 'stderr'] as const) {
    const decoder = new StringDecoder('utf8')
    const stream = child[type]
    stream.on('data', (chunk: Buffer) => log.output(type, decoder.write(chunk)))
    stream.on('end', () => log.output(type, decoder.end()))
  }
  // EPIPE when the command has closed its input: typing into it then simply goes nowhere.
  child.stdin.on('error', () => {})
  child.on('error', (error) => {
    log.output('stderr', `weft: could not start the command: ${error.message}\n`)
    finish(null, null, 'error')
  })
  child.on('exit', (code, signal) => {
    status = { code, signal }
    signalGroup('SIGKILL')
    // A process that left the group can hold the pipes open; do not wait on it forever (but do
    // wait while output is held back for a slow owner: that output is still coming).
    const giveUp = () => {
      if (paused) return void setTimeout(giveUp, DRAIN_MS).unref()
      child.stdout.destroy()
      child.stderr.destroy()
      finish(code, signal, reason)
    }
    setTimeout(giveUp, DRAIN_MS).unref()
  })
  child.on('close', () => finish(status?.code ?? null, status?.signal ?? null, reason))

  return {
    log,
    pid: child.pid,
    write(data) {
      if (!log.exit && child.stdin.writable) child.stdin.write(data)
    },
    stop,
    pause() {
      paused = true
      child.stdout.pause()
      child.stderr.pause()
    },
    resume() {
      paused = false
      child.stdout.resume()
      child.stderr.resume()
    },
  }
}
