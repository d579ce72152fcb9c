import { WeftError } from './errors.ts'

/** Longest path accepted, in UTF-8 bytes (git and most file systems allow 4096; zip tools choke earlier). */
export const MAX_PATH_BYTES = 1024
/** Longest single name, in UTF-8 bytes (the common file-system limit). */
export const MAX_NAME_BYTES = 255

/** UTF-8 length without encoding (a whole tree is checked on every read: 5,000 paths must cost little). */
function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) bytes += 1
    else if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { bytes += 2; i++ }
    else bytes += 2 // three bytes, a lone surrogate included (encoded as U+FFFD)
  }
  return bytes
}

/** Code points HFS+ ignores in names, so that `.g\u200cit` is `.git` on a Mac (as git's `is_hfs_dotgit`). */
const HFS_IGNORED = /[\u200c-\u200f\u202a-\u202e\u206a-\u206f\ufeff]/g

/**
 * True for a name some file system treats as `.git`: any case, trailing dots or spaces (Windows
 * drops them), the 8.3 short name `git~1`, an NTFS stream suffix (`.git::$INDEX_ALLOCATION`), or
 * with code points HFS+ ignores. A checkout writing there would plant git hooks or config.
 */
export function isGitFolderName(name: string): boolean {
  if (!name.includes('g') && !name.includes('G')) return false
  return /^(\.git|git~1)[. ]*(:.*)?$/.test(name.replace(HFS_IGNORED, '').toLowerCase())
}

/** Why `path` is not an acceptable repository path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'A name is required.'
  if (path.includes('\0')) return 'A name cannot contain the NUL character.'
  if (/[\u0001-\u001f\u007f-\u009f]/.test(path)) return 'A name cannot contain control characters.'
  if (path.startsWith('/')) return `${quotePath(path)} starts with "/": paths are relative to the repository root.`
  if (path.includes('\\')) return `${quotePath(path)} contains "\\": use "/" to separate folders.`
  if (utf8Length(path) > MAX_PATH_BYTES) return `The path is longer than ${MAX_PATH_BYTES} bytes.`
  for (const name of path.split('/')) {
    if (name === '') return `${quotePath(path)} has an empty folder name (a doubled or trailing "/").`
    if (name === '.' || name === '..') return `${quotePath(path)} contains "${name}": paths cannot point outside or back into a folder.`
    if (utf8Length(name) > MAX_NAME_BYTES) return `The name ${quotePath(name.slice(0, 24))}… is longer than ${MAX_NAME_BYTES} bytes.`
    if (isGitFolderName(name)) return `${quotePath(path)} contains ${quotePath(name)}, which file systems treat as ".git": a checkout would write into git's own folder.`
  }
  return null
}

/** Characters that would hide or disguise a path in a message: controls, bidi overrides, invisible marks. */
const UNSAFE_IN_MESSAGE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g

/** A path (or id) quoted for a message: characters that hide or disguise text escaped as \u{…}, long ones shortened. */
export function quotePath(path: string, max = 160): string {
  const short = path.length > max ? `${path.slice(0, max)}…` : path
  return `"${short.replace(UNSAFE_IN_MESSAGE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`)}"`
}

/** How case-insensitive file systems (macOS, Windows) compare names: Unicode-normalized, lower case. */
export const foldPath = (path: string): string => path.normalize('NFC').toLowerCase()

/** A tree entry as the path rule sees it: its id, its kind, and its path as read from a document (not yet trusted). */
export interface PathEntry {
  id: string
  type: 'file' | 'dir'
  path: string
}

/** The first entry of a tree that cannot be written to a folder, with why. */
export interface TreeProblem {
  id: string
  path: string
  reason: string
}

/**
 * Why a whole tree cannot be written to a folder, or null when it can: the first entry with a bad
 * path, or two entries that would land on one file on a case-insensitive file system (equal
 * paths after case folding, or a file where another entry needs a folder).
 */
export function treeProblem(entries: Iterable<PathEntry>): TreeProblem | null {
  const files = new Map<string, PathEntry>()
  /** Folded folder path → the first entry needing it and its exact spelling. */
  const folders = new Map<string, { entry: PathEntry; path: string }>()
  /** Exact folder paths whose whole chain is in `folders` already. */
  const registered = new Set<string>()
  for (const entry of entries) {
    const reason = pathProblem(entry.path)
    if (reason) return { id: entry.id, path: entry.path, reason }
    const folded = foldPath(entry.path)
    if (entry.type === 'file') {
      const other = files.get(folded)
      if (other) return collision(entry, other.path)
      files.set(folded, entry)
    }
    // Folders it needs, exact and folded ('/' survives folding, so both split at the same names);
    // most entries share a folder whose chain is already registered.
    const innermost = entry.type === 'dir' ? entry.path : entry.path.slice(0, Math.max(entry.path.lastIndexOf('/'), 0))
    if (!innermost || registered.has(innermost)) continue
    registered.add(innermost)
    const exact = innermost.split('/')
    const foldedNames = foldPath(innermost).split('/')
    for (let i = 0, folder = '', key = ''; i < exact.length; i++) {
      folder = i ? `${folder}/${exact[i]}` : exact[0]
      key = i ? `${key}/${foldedNames[i]}` : foldedNames[0]
      const seen = folders.get(key)
      if (!seen) folders.set(key, { entry, path: folder })
      else if (seen.path !== folder) return collision(entry, seen.entry.path)
    }
  }
  for (const [folded, file] of files) {
    const folder = folders.get(folded)
    if (folder) return { id: file.id, path: file.path, reason: `is a file, but ${quotePath(folder.entry.path)} (entry ${quotePath(folder.entry.id, 40)}) needs a folder there.` }
  }
  return null
}

const collision = (entry: PathEntry, other: string): TreeProblem => ({
  id: entry.id,
  path: entry.path,
  reason: entry.path === other ? 'another entry has the same path.' : `collides with ${quotePath(other)} on a case-insensitive file system.`,
})

/** The message naming a tree's bad entry. */
export const treeProblemMessage = (problem: TreeProblem, what: string): string =>
  `${what} has an entry that cannot be used, so nothing was written: entry ${quotePath(problem.id, 40)} at ${quotePath(problem.path)}: ${problem.reason}`

/** Returns `entries` when the tree can be written to a folder; throws a `bad-path` WeftError naming the first bad entry otherwise. */
export function checkTree<T extends PathEntry>(entries: T[], what = 'This branch'): T[] {
  const problem = treeProblem(entries)
  if (problem) throw new WeftError('bad-path', treeProblemMessage(problem, what))
  return entries
}

/** Returns `path` when acceptable; throws a `bad-path` WeftError otherwise. */
export function checkPath(path: string): string {
  const problem = pathProblem(path)
  if (problem) throw new WeftError('bad-path', problem)
  return path
}

/** Joins a folder and a name; the root folder is ''. */
export function joinPath(folder: string, name: string): string {
  return folder === '' ? name : `${folder}/${name}`
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/')
  return slash < 0 ? '' : path.slice(0, slash)
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** True when `path` is `folder` itself or lies inside it. */
export function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder + '/')
}

/** All ancestor folders of a path, outermost first: `a/b/c.ts` → `a`, `a/b`. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split('/')
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'))
}
