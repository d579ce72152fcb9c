/**
 * Agents that see each other (`weft agent`, the MCP `agent_status` tool): each agent works on its
 * own branch `agent/NAME`; the status says, for every agent branch, how far it is ahead of and
 * behind the target and — merged with the real engine, nothing written — which other agent
 * branches it would conflict with if both landed now, and where (file › declaration).
 */
import { WeftError } from '../model/errors.ts'
import type { FileMerger } from '../model/fileMerge.ts'
import { decodeText } from '../model/content.ts'
import type { BranchId } from '../model/types.ts'
import { planLanding, type LandingCandidate } from './landing.ts'
import type { LandingConflictReport } from './landings.ts'
import type { TreeConflict } from './mergeTrees.ts'
import type { VersionControl } from './VersionControl.ts'
import type { Workspace } from './Workspace.ts'

/** Agent branches are named `agent/NAME`. */
export const AGENT_PREFIX = 'agent/'

export interface AgentStatus {
  name: string
  branch: string
  head: string | null
  ahead: number
  behind: number
  /** Changes in its working files not yet committed (live: they count as the agent writes). */
  uncommitted: number
  /** Conflicts with the target itself (landing it alone would conflict). */
  target: LandingConflictReport['files']
  /** Other agent branches it would conflict with if both landed now, and where. */
  conflicts: LandingConflictReport[]
}

export interface AgentReport {
  target: string
  /** The target's head the predictions were made against. */
  targetHead: string | null
  agents: AgentStatus[]
}

/** Each conflicted file with the places the merge named inside it (`class Cart › method total`). */
export const conflictFiles = (conflicts: TreeConflict[]): LandingConflictReport['files'] =>
  conflicts.map((c) => ({
    path: c.path,
    places: [...new Set((c.places ?? []).map((p) => p.path).filter(Boolean))],
  }))

/**
 * The status of every agent branch against `targetId` (every pair merged onto the target). With
 * `previous`, a report made when the target and every agent had the heads they have now, the
 * predictions are taken from it and only the counts are new (a refresh as agents write is cheap).
 */
export async function agentStatus(
  ws: Workspace,
  vc: VersionControl,
  targetId: BranchId,
  mergeFile: FileMerger,
  previous?: AgentReport,
): Promise<AgentReport> {
  const doc = ws.handle.doc()
  const target = doc.branches[targetId]
  if (!target) throw new WeftError('not-found', 'The target branch does not exist.')
  const agents: LandingCandidate[] = ws
    .branches()
    .filter((b) => b.name.startsWith(AGENT_PREFIX) && b.id !== targetId)
    .map((b) => ({ branch: b.id, name: b.name, head: doc.branches[b.id].head }))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
  const counts = async (agent: LandingCandidate) => ({
    ...vc.aheadBehind(agent.branch, targetId),
    uncommitted: (await vc.status(agent.branch)).length,
  })
  const before = new Map((previous?.agents ?? []).map((a) => [a.branch, a]))
  const unchanged =
    previous !== undefined &&
    previous.targetHead === target.head &&
    before.size === agents.length &&
    agents.every((a) => before.get(a.name)?.head === a.head)
  if (unchanged) {
    const agentsNow: AgentStatus[] = []
    for (const agent of agents) agentsNow.push({ ...before.get(agent.name)!, ...(await counts(agent)) })
    return { target: target.name, targetHead: target.head, agents: agentsNow }
  }
  const readText = async (blob: string) => decodeText(await ws.blobs.read(blob))
  const plan = (candidates: LandingCandidate[]) =>
    planLanding({ commits: ws.handle.doc().commits, target: target.head, candidates, readText, mergeFile })
  const report = new Map<string, AgentStatus>()
  for (const agent of agents) {
    const alone = await plan([agent])
    report.set(agent.name, {
      name: agent.name.slice(AGENT_PREFIX.length),
      branch: agent.name,
      head: agent.head,
      ...(await counts(agent)),
      target: conflictFiles(alone.conflicts.flatMap((c) => c.conflicts)),
      conflicts: [],
    })
  }
  // Pairs that each land cleanly alone: a conflict between them is theirs, named on both.
  const clean = agents.filter((a) => report.get(a.name)!.target.length === 0)
  for (const [i, a] of clean.entries())
    for (const b of clean.slice(i + 1)) {
      const pair = await plan([a, b])
      const files = conflictFiles(pair.conflicts.flatMap((c) => c.conflicts))
      if (files.length === 0) continue
      report.get(a.name)!.conflicts.push({ branch: b.name, files })
      report.get(b.name)!.conflicts.push({ branch: a.name, files })
    }
  return { target: target.name, targetHead: target.head, agents: [...report.values()] }
}

/** `file › place` for each place (or the file alone), as the status prints conflicts. */
export const describeFiles = (files: LandingConflictReport['files']): string =>
  files.flatMap((f) => (f.places.length ? f.places.map((p) => `${f.path} › ${p}`) : [f.path])).join(', ')
