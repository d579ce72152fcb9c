/**
 * Verified landing (`weft land`, the MCP `land` tool, the app's Land): branches merged onto a target in canonical
 * order (repo/landing.ts), the merged files checked by a command, and the target advanced only when
 * the check exits 0 — compare-and-set, so a target that moved meanwhile is left alone. When the
 * check fails, subsets are landed to find the branches that break it (group testing: halves of the
 * set, accepted greedily), and `partial` lands the largest passing set found. Every attempt is
 * recorded in the repository (landings.ts). Where the check runs is the caller's: a local process
 * (cli/landing.ts) or the app's browser runner.
 */
import { decodeText, encodeText } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'
import type { FileMerger } from '../model/fileMerge.ts'
import type { BranchId } from '../model/types.ts'
import { conflictFiles } from './agents.ts'
import { planLanding, canonicalOrder, type LandingCandidate, type LandingPlan } from './landing.ts'
import {
  OUTPUT_TAIL,
  saveLanding,
  type LandingAttempt,
  type LandingConflictReport,
  type LandingVerdict,
} from './landings.ts'
import type { TreeConflict } from './mergeTrees.ts'
import type { VersionControl } from './VersionControl.ts'
import type { Workspace } from './Workspace.ts'

/** A merged file handed to the check: its path from the root and its bytes. */
export interface CheckFile {
  path: string
  bytes: Uint8Array
}

/** Runs `command` over `files` (the merged result), streaming its output; resolves with its exit code (null: killed). */
export type CheckRunner = (
  files: CheckFile[],
  command: string,
  onOutput: (text: string) => void,
) => Promise<number | null>

export interface LandRequest {
  target: BranchId
  /** Branch names (or ids) to land; their order does not matter. */
  branches: string[]
  check: string
  /** Land the largest passing set when not all of them pass. */
  partial?: boolean
  author: string
  mergeFile: FileMerger
  /** Where the check's output streams to while it runs. */
  onOutput?: (text: string) => void
  /** How the check runs. */
  runCheck: CheckRunner
}

/** Where each conflict of a branch sits: its file, and inside it the declarations the merge named. */
const conflictReport = (name: string, conflicts: TreeConflict[]): LandingConflictReport => ({
  branch: name,
  files: conflictFiles(conflicts),
})

interface CheckResult {
  pass: boolean
  plan: LandingPlan
  exitCode: number | null
  output: string
}

/** Lands `request.branches` on `request.target`; the attempt, also recorded in the repository. */
export async function landBranches(
  ws: Workspace,
  vc: VersionControl,
  request: LandRequest,
): Promise<LandingAttempt> {
  const started = Date.now()
  const doc = ws.handle.doc()
  const target = doc.branches[request.target]
  if (!target) throw new WeftError('not-found', 'The target branch does not exist.')
  if (request.branches.length === 0) throw new WeftError('bad-input', 'Name at least one branch to land.')
  if (!request.check.trim())
    throw new WeftError('bad-input', 'A landing needs a check command (--check "CMD").')
  const byName = new Map<string, LandingCandidate>()
  for (const name of request.branches) {
    const found = ws.branches().find((b) => b.name === name || b.id === name)
    if (!found) throw new WeftError('not-found', `No branch "${name}"; see \`weft branch\`.`)
    if (found.id === request.target)
      throw new WeftError('bad-input', `"${found.name}" is the target; name the branches to land onto it.`)
    byName.set(found.name, { branch: found.id, name: found.name, head: doc.branches[found.id].head })
  }
  const candidates = canonicalOrder([...byName.values()])
  const base = target.head
  const readText = async (blob: string) => decodeText(await ws.blobs.read(blob))
  const plan = (set: LandingCandidate[]) =>
    planLanding({
      commits: ws.handle.doc().commits,
      target: base,
      candidates: set,
      readText,
      mergeFile: request.mergeFile,
    })
  let checks = 0

  /** Runs the check over `set` merged onto the target; a set that conflicts fails without running. */
  const check = async (set: LandingCandidate[]): Promise<CheckResult> => {
    const planned = await plan(set)
    if (planned.conflicts.length > 0) return { pass: false, plan: planned, exitCode: null, output: '' }
    const files = await Promise.all(
      Object.values(planned.snapshot).map(async (f) => {
        const text = planned.texts.get(f.blob)
        return { path: f.path, bytes: text === undefined ? await ws.blobs.read(f.blob) : encodeText(text) }
      }),
    )
    checks++
    const names = set.map((c) => c.name).join(', ') || `${target.name} alone`
    request.onOutput?.(`weft land: checking ${names}\n`)
    let output = ''
    const exitCode = await request.runCheck(files, request.check, (text) => {
      output = (output + text).slice(-OUTPUT_TAIL)
      request.onOutput?.(text)
    })
    return { pass: exitCode === 0, plan: planned, exitCode, output }
  }

  const attempt = (verdict: LandingVerdict, fields: Partial<LandingAttempt>): LandingAttempt => {
    const result: LandingAttempt = {
      id: crypto.randomUUID(),
      by: request.author,
      started,
      durationMs: Date.now() - started,
      target: target.name,
      base,
      branches: candidates.map((c) => ({ name: c.name, head: c.head })),
      check: request.check,
      verdict,
      landed: [],
      culprits: [],
      conflicts: [],
      checks,
      exitCode: null,
      output: '',
      head: null,
      ...fields,
    }
    saveLanding(ws.handle, result)
    return result
  }
  /** Records `result`'s plan on the target; 'moved' when the target moved meanwhile. */
  const advance = async (
    verdict: LandingVerdict,
    result: CheckResult,
    fields: Partial<LandingAttempt>,
  ): Promise<LandingAttempt> => {
    const landed = result.plan.steps.map((s) => s.candidate.name)
    try {
      const head = await vc.recordLanding(request.target, result.plan, request.author, request.mergeFile)
      return attempt(verdict, {
        ...fields,
        landed,
        head: head ?? base,
        exitCode: result.exitCode,
        output: result.output,
      })
    } catch (error) {
      if (!(error instanceof WeftError) || error.code !== 'exists') throw error
      return attempt('moved', {
        ...fields,
        exitCode: result.exitCode,
        output: `${result.output}\nweft land: ${error.message}`,
      })
    }
  }

  const whole = await plan(candidates)
  const conflicts = whole.conflicts.map((c) => conflictReport(c.candidate.name, c.conflicts))
  const conflicting = new Set(whole.conflicts.map((c) => c.candidate.name))
  const landable = candidates.filter((c) => !conflicting.has(c.name))
  if (conflicts.length > 0 && (!request.partial || landable.length === 0))
    return attempt('conflicts', { conflicts })

  const all = await check(landable)
  if (all.pass) return advance(conflicts.length > 0 ? 'partial' : 'landed', all, { conflicts })

  // Is any branch to blame at all? If the target alone fails, no subset can pass.
  const alone = await check([])
  if (!alone.pass)
    return attempt('target-fails', { conflicts, exitCode: alone.exitCode, output: alone.output })

  // Group testing: halves of the set are added while they pass; a failing single branch is a culprit.
  const accepted: LandingCandidate[] = []
  const culprits: string[] = []
  const passing: { last: CheckResult | null } = { last: null }
  const add = async (group: LandingCandidate[]): Promise<void> => {
    const result = await check([...accepted, ...group])
    if (result.pass) {
      accepted.push(...group)
      passing.last = result
    } else if (group.length === 1) culprits.push(group[0].name)
    else {
      const half = Math.ceil(group.length / 2)
      await add(group.slice(0, half))
      await add(group.slice(half))
    }
  }
  if (landable.length === 1) culprits.push(landable[0].name)
  else {
    const half = Math.ceil(landable.length / 2)
    await add(landable.slice(0, half))
    await add(landable.slice(half))
  }
  const found = { conflicts, culprits: culprits.sort() }
  if (request.partial && passing.last) return advance('partial', passing.last, found)
  return attempt('failed', { ...found, exitCode: all.exitCode, output: all.output })
}
