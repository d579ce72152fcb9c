/**
 * Settling the conflicts a branch carries (see conflicts.ts), file by file or region by region: the
 * settled text becomes the working file (an uncommitted change, as any edit) and the record says how
 * it was settled; the commit that follows completes the merge.
 */
import { hasConflictMarkers } from '../merge/conflictMarkers.ts'
import { decodeText, encodeText } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'
import { quotePath } from '../model/paths.ts'
import type { BranchId, EntryId } from '../model/types.ts'
import {
  branchConflicts,
  fileSettlement,
  settleRegion,
  toRecord,
  withMarkers,
  type RecordedConflict,
  type Settlement,
} from './conflicts.ts'
import type { Workspace } from './Workspace.ts'

export interface ResolveRequest {
  /** The conflicted file's path (as `weft conflicts` lists it) or entry id. */
  path: string
  how: Settlement
  /** The settled text, for 'text'. */
  text?: string
  /** Settle only this region (1-based, as listed); else every unsettled region of the file. */
  region?: number
}

/** The recorded conflict at `path` (or entry id) on the branch. */
export function findConflict(ws: Workspace, branch: BranchId, path: string): RecordedConflict {
  const recorded = branchConflicts(ws.handle.doc(), branch)
  const shownAt = ws.entries(branch).find((e) => e.path === path)?.id
  const found = recorded.find((c) => c.id === path || c.path === path || c.id === shownAt)
  if (!found)
    throw new WeftError(
      'not-found',
      `No conflict is recorded at ${quotePath(path)} on this branch; \`weft conflicts\` lists them.`,
    )
  return found
}

/** Settles one conflicted file (or one of its regions) on the branch; returns its record as it now is. */
export async function resolveConflict(
  ws: Workspace,
  branch: BranchId,
  { path, how, text, region }: ResolveRequest,
): Promise<RecordedConflict> {
  const conflict = findConflict(ws, branch, path)
  if (conflict.settled)
    throw new WeftError('exists', `${quotePath(conflict.path)} is already settled (${conflict.settled}).`)
  if (how === 'text') {
    if (text === undefined)
      throw new WeftError('bad-input', 'Settling with a text of your own needs that text.')
    if (hasConflictMarkers(text))
      throw new WeftError('bad-input', `The text for ${quotePath(conflict.path)} still has conflict markers.`)
  }
  const entry = ws.entries(branch).find((e) => e.id === conflict.id)
  const at = entry?.path ?? conflict.path
  let settled: RecordedConflict
  if (conflict.regions.length > 0 && (region !== undefined || how !== 'text')) {
    if (!entry || entry.type !== 'file')
      throw new WeftError('not-found', `${quotePath(conflict.path)} is no longer on this branch.`)
    const current = decodeText(await ws.readBytes(branch, conflict.id))
    if (current === null) throw new WeftError('binary', `${quotePath(at)} is no longer text.`)
    let next = { text: current, regions: conflict.regions }
    const indexes =
      region !== undefined ? [region - 1] : conflict.regions.flatMap((r, i) => (r.settled ? [] : [i]))
    for (const i of indexes)
      next = settleRegion({ ...conflict, regions: next.regions }, next.text, i, how, text)
    if (next.text !== current) await write(ws, branch, at, encodeText(next.text))
    settled = { ...conflict, regions: next.regions }
    const whole = fileSettlement(next.regions)
    if (whole) settled.settled = whole
  } else if (how === 'text') {
    await write(ws, branch, at, encodeText(text!))
    settled = { ...conflict, settled: 'text' }
  } else {
    if (region !== undefined)
      throw new WeftError(
        'bad-input',
        `${quotePath(conflict.path)} has no regions: it is a ${conflict.kind} conflict.`,
      )
    if (how === 'both')
      throw new WeftError(
        'bad-input',
        `${quotePath(conflict.path)} is a ${conflict.kind} conflict: take --ours, --theirs or --base, or give --file.`,
      )
    const side = conflict.sides[how]
    if (!side) {
      if (entry) await ws.remove(branch, at)
    } else {
      const current = entry?.type === 'file' ? await ws.contentHash(branch, entry.id) : null
      if (current?.hash !== side.blob) await write(ws, branch, at, await ws.blobs.read(side.blob))
      if (conflict.kind === 'rename/rename' && side.path !== at) await ws.move(branch, at, side.path)
    }
    settled = { ...conflict, settled: how }
  }
  record(ws, branch, conflict.id, settled)
  return settled
}

/** Marks a conflicted file settled by a text already written to it (a synced folder's resolved file). */
export function markSettled(ws: Workspace, branch: BranchId, id: EntryId): void {
  const conflict = branchConflicts(ws.handle.doc(), branch).find((c) => c.id === id)
  if (conflict && !conflict.settled) record(ws, branch, id, { ...conflict, settled: 'text' })
}

/**
 * The branch's files with unsettled content conflicts, as people read them: with markers around each
 * region (checkout, sync, export, the resolver). By entry id.
 */
export async function markedFiles(ws: Workspace, branch: BranchId): Promise<Map<EntryId, string>> {
  const marked = new Map<EntryId, string>()
  const files = new Set(ws.entries(branch).flatMap((e) => (e.type === 'file' ? [e.id] : [])))
  for (const conflict of branchConflicts(ws.handle.doc(), branch)) {
    if (conflict.settled || conflict.regions.length === 0 || !files.has(conflict.id)) continue
    const text = decodeText(await ws.readBytes(branch, conflict.id))
    if (text !== null) marked.set(conflict.id, withMarkers(text, conflict.regions))
  }
  return marked
}

async function write(ws: Workspace, branch: BranchId, path: string, bytes: Uint8Array): Promise<void> {
  const report = await ws.importFiles(branch, [{ path, bytes }])
  if (report.refused.length) throw new WeftError('bad-path', report.refused[0].reason)
}

function record(ws: Workspace, branch: BranchId, id: EntryId, conflict: RecordedConflict): void {
  ws.handle.change((d) => {
    const conflicts = d.branches[branch]?.conflicts
    if (conflicts?.[id]) conflicts[id] = toRecord(conflict)
  })
}
