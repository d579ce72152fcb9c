import { WeftError } from '../model/errors.ts'
import { decodeText } from '../model/content.ts'
import type { BranchId, EntryId } from '../model/types.ts'
import { branchConflicts, markRegions, type RecordedConflict } from '../repo/conflicts.ts'
import type { TreeConflict } from '../repo/mergeTrees.ts'
import { resolveConflict } from '../repo/resolveConflicts.ts'
import type { FileResolution } from '../repo/VersionControl.ts'
import type { ProfileContext } from './ProfileContext.ts'

/**
 * The conflicts a merge recorded on a branch (see src/repo/conflicts.ts), for any peer: listed, shown
 * to the resolver as marker text, and settled; the Changes view's commit then completes the merge.
 */
export class ConflictService {
  readonly #profile: ProfileContext

  constructor(profile: ProfileContext) {
    this.#profile = profile
  }

  /** The branch's recorded conflicts, settled or not. */
  async recordedConflicts(id: string, branch: BranchId): Promise<RecordedConflict[]> {
    return branchConflicts((await this.#profile.workspace(id)).handle.doc(), branch)
  }

  /**
   * The unsettled ones as the merge resolver shows a merge's conflicts: a text file's current text
   * with markers around each region still in place, each named where the engine named it.
   */
  async resolverConflicts(id: string, branch: BranchId): Promise<TreeConflict[]> {
    const ws = await this.#profile.workspace(id)
    const files = new Set(ws.entries(branch).flatMap((e) => (e.type === 'file' ? [e.id] : [])))
    const shown: TreeConflict[] = []
    for (const c of branchConflicts(ws.handle.doc(), branch)) {
      if (c.settled) continue
      const conflict: TreeConflict = {
        kind: c.kind,
        id: c.id,
        path: c.path,
        message: c.message,
        sides: c.sides,
      }
      const text =
        c.regions.length > 0 && files.has(c.id) ? decodeText(await ws.readBytes(branch, c.id)) : null
      if (text !== null) {
        const { text: merged, marked } = markRegions(text, c.regions)
        conflict.merged = merged
        if (marked.every((r) => r.place !== undefined))
          conflict.places = marked.map((r) => ({ kind: 'declaration', path: r.place! }))
      }
      shown.push(conflict)
    }
    return shown
  }

  /** Settles each answered conflict (by entry id): a text, or one side's version. */
  async settleConflicts(
    id: string,
    branch: BranchId,
    answers: Record<EntryId, FileResolution>,
  ): Promise<void> {
    const ws = await this.#profile.workspace(id)
    for (const [entry, answer] of Object.entries(answers)) {
      if ('text' in answer) await resolveConflict(ws, branch, { path: entry, how: 'text', text: answer.text })
      else if (answer.take === 'ours' || answer.take === 'theirs')
        await resolveConflict(ws, branch, { path: entry, how: answer.take })
      else throw new WeftError('bad-input', 'An answer is a text or one side.')
    }
    await this.#profile.saved(undefined)
  }
}
