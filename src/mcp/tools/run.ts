/**
 * `run`: a command over the branch's files on a relay's local runner, as `weft run -- CMD`. Offered
 * only when the server was given the runner's token (`weft mcp --runs-token-file F`), as `weft run`
 * needs it: the runner runs anything with its user's rights, so it is the person's choice to hand it on.
 */
import WebSocket from 'ws'
import { z } from 'zod'
import { stream, type Terminal } from '../../cli/commands/run.ts'
import type { RunSpec } from '../../run/frames.ts'
import { LocalRunner, type RunSocket } from '../../run/localRunner.ts'
import { RunHistory } from '../../run/RunHistory.ts'
import type { RunRecord } from '../../run/runRecord.ts'
import { TARGET, tool } from './tool.ts'

/** The run's output goes into its record only (the record keeps the latest, bounded). */
const silent: Terminal = {
  stdout: { write: () => true },
  stderr: { write: () => true },
  stdin: null,
  onInterrupt: () => () => {},
}

export const runTools = [
  tool({
    name: 'run',
    description:
      "Run a shell command (sh -c) over the branch's files as they are now, on the relay's local runner, as `weft run -- CMD`. Returns the exit code (124 on timeout) and the output (the latest part, when long); the run is kept in the repository's run history, which peers see.",
    input: {
      ...TARGET,
      command: z.string().min(1).describe('The command line, e.g. "npm test".'),
      cwd: z.string().min(1).optional().describe('Folder to run in, from the branch root.'),
      env: z.record(z.string(), z.string()).optional().describe('Extra environment variables.'),
      timeoutSeconds: z.number().positive().max(3600).optional().describe('Kill the run after this long.'),
    },
    available: (context) => context.runner !== undefined,
    run: async (
      { command, cwd, env, timeoutSeconds, ...target },
      { profile, author, runner, repository },
    ) => {
      const { ws, branch, summary } = await repository(target)
      const spec: RunSpec = {
        command,
        repo: summary.id,
        branch,
        ...(cwd ? { cwd } : {}),
        ...(env && Object.keys(env).length ? { env } : {}),
        ...(timeoutSeconds ? { timeoutMs: Math.round(timeoutSeconds * 1000) } : {}),
      }
      const local = new LocalRunner({
        relay: runner!.relay,
        token: runner!.token,
        connect: (url, protocols) => new WebSocket(url, protocols) as unknown as RunSocket,
      })
      const run = await local.start(spec, await ws.snapshotFiles(branch))
      const record: RunRecord = {
        id: run.id,
        command,
        ...(cwd ? { cwd } : {}),
        backend: 'local',
        by: author,
        started: Date.now(),
        exit: null,
        durationMs: null,
        output: [],
        truncated: false,
      }
      const exitCode = await stream(run, silent, record)
      ;(await RunHistory.ensure(profile.repo, ws.handle)).record(record)
      const text = (which: 'stdout' | 'stderr') =>
        record.output
          .filter((piece) => piece.stream === which)
          .map((piece) => piece.data)
          .join('')
      return {
        exitCode,
        reason: record.exit?.reason ?? null,
        stdout: text('stdout'),
        stderr: text('stderr'),
        truncated: record.truncated,
      }
    },
  }),
]
