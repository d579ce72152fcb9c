/**
 * `weft land` and the MCP `land` tool: verified landing (repo/landBranches.ts) with the check run
 * as the relay's local runner runs a command — the merged files in a folder of their own, the
 * command in its own process group, with the inherited environment only and a time limit.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { materialise } from '../../relay/runFiles.ts'
import { spawnRun } from '../../relay/localProcess.ts'
import { landBranches, type CheckRunner, type LandRequest } from '../repo/landBranches.ts'
import type { LandingAttempt } from '../repo/landings.ts'
import { OUTPUT_TAIL } from '../repo/landings.ts'
import type { VersionControl } from '../repo/VersionControl.ts'
import type { Workspace } from '../repo/Workspace.ts'

export type { CheckRunner } from '../repo/landBranches.ts'

const DEFAULT_TIMEOUT_MS = 10 * 60_000

/** The relay's local-runner process (own process group, inherited environment only, time limit) in a folder of its own. */
export const localCheck =
  (timeoutMs = DEFAULT_TIMEOUT_MS): CheckRunner =>
  async (files, command, onOutput) => {
    const dir = await mkdtemp(join(tmpdir(), 'weft-land-'))
    try {
      await materialise(dir, files)
      const run = spawnRun(crypto.randomUUID(), { command, repo: '', branch: '', timeoutMs }, dir, {
        killGraceMs: 2_000,
        historyChars: OUTPUT_TAIL,
      })
      run.log.subscribe((frame) => {
        if (frame.type === 'stdout' || frame.type === 'stderr') onOutput(frame.data)
      })
      const exit = await run.log.ended()
      if (exit.reason === 'timeout')
        onOutput(`\nweft land: the check took longer than ${timeoutMs} ms and was stopped.\n`)
      return exit.reason === 'exited' ? exit.code : null
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

/** Lands `request.branches` on `request.target`, the check a local process unless `runCheck` says otherwise. */
export const land = (
  ws: Workspace,
  vc: VersionControl,
  request: Omit<LandRequest, 'runCheck'> & { runCheck?: CheckRunner; timeoutMs?: number },
): Promise<LandingAttempt> =>
  landBranches(ws, vc, { ...request, runCheck: request.runCheck ?? localCheck(request.timeoutMs) })
