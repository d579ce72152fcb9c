/**
 * What `weft sync` and `weft checkout` decide, without touching the branch or the disk: the
 * three-way comparison of the base (what folder and branch last agreed on), the folder and the
 * branch, path by path. folder.ts gathers the three sides and carries the plan out.
 *
 *   folder vs base | branch vs base | decision
 *   same           | same           | nothing
 *   changed        | same           | send the folder's change to the branch (checkout: list it as unsent)
 *   same           | changed        | take the branch's change into the folder
 *   changed        | changed, alike | nothing to move; record that they agree
 *   changed        | changed, apart | conflict: nothing written either way
 *
 * A path the folder refuses (a link, a bad name, too big), or one beneath it, is left alone on both sides.
 */
import { isWithin } from '../model/paths.ts'
import type { EntryId, Sha256 } from '../model/types.ts'

/** The folder as scanned: its files' hashes, the paths it cannot take (with why) and its symbolic links. */
export interface FolderSide {
  files: ReadonlyMap<string, { sha: Sha256 }>
  refused: ReadonlyMap<string, string>
  links: ReadonlySet<string>
}

/** A file of the branch: its content hash and the entry to read it from. */
export interface BranchFile {
  sha: Sha256
  id: EntryId
}

export type FileAction =
  /** Reported, nothing done: a path the folder cannot take, or a branch file beyond a link in the folder. */
  | { kind: 'refuse'; path: string; reason: string }
  /** Changed differently on both sides: nothing written either way. */
  | { kind: 'conflict'; path: string }
  /** Both sides made the same change (`sha` undefined: both deleted it): only the base moves. */
  | { kind: 'agree'; path: string; sha: Sha256 | undefined }
  /** A change in the folder that a checkout lists but does not send. */
  | { kind: 'unsent'; path: string }
  | { kind: 'remove-from-branch'; path: string }
  | { kind: 'import-to-branch'; path: string; added: boolean }
  | { kind: 'delete-from-folder'; path: string }
  | { kind: 'write-to-folder'; path: string; id: EntryId }

/** True for a path at or under one the folder refused (a link replacing a folder, say). */
export const blockedIn = (folder: FolderSide) => {
  const refused = [...folder.refused.keys()]
  return (path: string) => refused.some((r) => isWithin(path, r))
}

/** The file actions that bring folder and branch together; `send` false (checkout) never changes the branch. */
export function planFiles(
  base: ReadonlyMap<string, Sha256>,
  branch: ReadonlyMap<string, BranchFile>,
  folder: FolderSide,
  send: boolean,
): FileAction[] {
  const actions: FileAction[] = [...folder.refused].map(([path, reason]) => ({
    kind: 'refuse' as const,
    path,
    reason,
  }))
  const blocked = blockedIn(folder)
  for (const path of new Set([...base.keys(), ...folder.files.keys(), ...branch.keys()])) {
    const was = base.get(path)
    const mine = folder.files.get(path)?.sha
    const theirs = branch.get(path)
    if (blocked(path)) {
      // As git: a branch file whose folder is a link here is not written ("beyond a symbolic link"), and said so.
      const link = [...folder.links].find((l) => l !== path && isWithin(path, l))
      if (link && theirs && theirs.sha !== was)
        actions.push({
          kind: 'refuse',
          path,
          reason: `is beyond a symbolic link ("${link}") in the folder, so the branch's file was not written.`,
        })
      continue
    }
    const other = theirs?.sha
    if (mine !== was && other !== was) {
      if (mine !== other) actions.push({ kind: 'conflict', path })
      else actions.push({ kind: 'agree', path, sha: mine })
    } else if (mine !== was) {
      if (!send) actions.push({ kind: 'unsent', path })
      else if (mine === undefined) actions.push({ kind: 'remove-from-branch', path })
      else actions.push({ kind: 'import-to-branch', path, added: !base.has(path) })
    } else if (theirs && other !== was) actions.push({ kind: 'write-to-folder', path, id: theirs.id })
    else if (other !== was) actions.push({ kind: 'delete-from-folder', path })
  }
  return actions
}

/** The explicit (possibly empty) folders the folder made or deleted since the base. */
export interface FolderChanges {
  /** Empty folders made in the folder that the branch has nothing at: to become folders on the branch. */
  made: string[]
  /** Explicit folders of the base gone from the folder, still empty folders on the branch: to go there too. */
  gone: string[]
}

/**
 * `known` are the explicit folders at the base; `entries` the branch's after the folder's file
 * changes were sent (a file deleted here may have been the only thing in a folder).
 */
export function planFolders(
  known: readonly string[],
  folder: { dirs: ReadonlySet<string>; empty: ReadonlySet<string> },
  entries: readonly { type: 'file' | 'dir'; path: string }[],
  blocked: (path: string) => boolean,
): FolderChanges {
  const inside = (path: string) => entries.some((e) => e.path.startsWith(path + '/'))
  const onBranch = (path: string) => entries.some((e) => e.path === path) || inside(path)
  return {
    made: [...folder.empty].filter((p) => !blocked(p) && !onBranch(p) && !known.includes(p)).sort(),
    gone: known.filter(
      (p) =>
        !folder.dirs.has(p) &&
        !blocked(p) &&
        entries.some((e) => e.type === 'dir' && e.path === p) &&
        !inside(p),
    ),
  }
}
