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
    else if ((unit & 0xfc00) === 0xd800 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2
      i++
    } else bytes += 2 // three bytes, a lone surrogate included (encoded as U+FFFD)
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

/**
 * True for a path inside a `.git` folder (or the `.git` file of a worktree): git's own, never a
 * working file, so imports leave it out. Other spellings a file system takes for `.git` are left
 * to the path rule, which refuses them by name.
 */
export const inGitFolder = (path: string): boolean => path.split('/').includes('.git')

/**
 * The shallowest folder among `paths` (a picked folder's files) that holds `.git/HEAD`: a git
 * checkout's top ('' for the pick itself), or null when none does.
 */
export function gitFolderOf(paths: Iterable<string>): string | null {
  let found: string | null = null
  for (const path of paths) {
    const match = /^(?:(.*)\/)?\.git\/HEAD$/.exec(path)
    if (!match) continue
    const folder = match[1] ?? ''
    if (found === null || folder.split('/').length < found.split('/').length || folder === '') found = folder
  }
  return found
}

/** Why `path` is not an acceptable repository path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'A name is required.'
  if (path.includes('\0')) return 'A name cannot contain the NUL character.'
  if (/\p{Cc}/u.test(path)) return 'A name cannot contain control characters.'
  if (path.startsWith('/'))
    return `${quotePath(path)} starts with "/": paths are relative to the repository root.`
  if (path.includes('\\')) return `${quotePath(path)} contains "\\": use "/" to separate folders.`
  if (utf8Length(path) > MAX_PATH_BYTES) return `The path is longer than ${MAX_PATH_BYTES} bytes.`
  for (const name of path.split('/')) {
    if (name === '') return `${quotePath(path)} has an empty folder name (a doubled or trailing "/").`
    if (name === '.' || name === '..')
      return `${quotePath(path)} contains "${name}": paths cannot point outside or back into a folder.`
    if (utf8Length(name) > MAX_NAME_BYTES)
      return `The name ${quotePath(name.slice(0, 24))}… is longer than ${MAX_NAME_BYTES} bytes.`
    if (isGitFolderName(name))
      return `${quotePath(path)} contains ${quotePath(name)}, which file systems treat as ".git": a checkout would write into git's own folder.`
  }
  return null
}

/** Characters that would hide or disguise a path in a message: controls, bidi overrides, invisible marks. */
const UNSAFE_IN_MESSAGE = /[\p{Cc}\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/gu

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
    const innermost =
      entry.type === 'dir' ? entry.path : entry.path.slice(0, Math.max(entry.path.lastIndexOf('/'), 0))
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
    if (folder)
      return {
        id: file.id,
        path: file.path,
        reason: `is a file, but ${quotePath(folder.entry.path)} (entry ${quotePath(folder.entry.id, 40)}) needs a folder there.`,
      }
  }
  return null
}

const collision = (entry: PathEntry, other: string): TreeProblem => ({
  id: entry.id,
  path: entry.path,
  reason:
    entry.path === other
      ? 'another entry has the same path.'
      : `collides with ${quotePath(other)} on a case-insensitive file system.`,
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

/** An entry shown at another path than its own, so that no two entries land on one file. */
export interface RenamedEntry {
  id: string
  /** Its path in the document. */
  from: string
  /** Where every reader sees it. */
  to: string
  /** Why, for the person: what it collided with. */
  reason: string
}

/** A tree as every reader sees it: its entries at their shown paths, and the ones moved there. */
export interface ResolvedTree<T> {
  entries: T[]
  renamed: RenamedEntry[]
  /** The first entry whose own path is refused (it keeps its path and takes no part in the resolution). */
  problem: TreeProblem | null
}

const byId = (a: PathEntry, b: PathEntry) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The one view of a tree every reader shares, in which no two entries land on one file on any file
 * system. Entries are keyed by random id, so two peers creating `src/util.ts` at once give two entries
 * with one path (a normal outcome, not an attack): nothing is refused and nothing dropped. Instead:
 * - folders spelled in several cases (`Src/a`, `src/b`) are shown in one spelling, the smallest;
 * - of files on one path in any case, the smallest entry id keeps it; a file where a folder is needed
 *   gives way to the folder;
 * - every other one is shown at `name (conflict <id>).ext`, derived from its entry id and free of every
 *   other path, so every peer computes the same view whatever order it holds the entries in.
 * Folder entries on one path are all shown there (a folder made twice is still one folder).
 * An entry whose own path `pathProblem` refuses is passed through unchanged and reported in `problem`.
 */
export function resolveCollisions<T extends PathEntry>(entries: readonly T[]): ResolvedTree<T> {
  let problem: TreeProblem | null = null
  /** Folded folder path → the smallest spelling of its last name seen. */
  const folderName = new Map<string, string>()
  /** Exact folder path → its folded path, for every folder whose chain is registered. */
  const folded = new Map<string, string>()
  const register = (innermost: string) => {
    if (!innermost || folded.has(innermost)) return
    const exact = innermost.split('/')
    const foldedNames = foldPath(innermost).split('/')
    for (let i = 0, folder = '', key = ''; i < exact.length; i++) {
      folder = i ? `${folder}/${exact[i]}` : exact[0]
      key = i ? `${key}/${foldedNames[i]}` : foldedNames[0]
      if (folded.has(folder)) continue
      folded.set(folder, key)
      const seen = folderName.get(key)
      if (seen === undefined || exact[i] < seen) folderName.set(key, exact[i])
    }
  }
  const valid: boolean[] = new Array(entries.length)
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    const reason = pathProblem(entry.path)
    valid[i] = reason === null
    if (reason) {
      problem ??= { id: entry.id, path: entry.path, reason }
      continue
    }
    register(entry.type === 'dir' ? entry.path : parentOf(entry.path))
  }

  /** Exact folder path → how it is shown: each name in its folder's one spelling. */
  const shownFolder = new Map<string, string>()
  const showFolder = (folder: string): string => {
    if (!folder) return ''
    let shown = shownFolder.get(folder)
    if (shown !== undefined) return shown
    const key = folded.get(folder)!
    const slash = folder.lastIndexOf('/')
    const name = folderName.get(key)!
    shown = slash < 0 ? name : `${showFolder(folder.slice(0, slash))}/${name}`
    shownFolder.set(folder, shown)
    return shown
  }

  const out: T[] = entries.slice()
  const renamed: RenamedEntry[] = []
  /** Folded shown file path → the index of the first file there; and of every file, where several are. */
  const files = new Map<string, number>()
  const collided = new Map<string, number[]>()
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]
    if (!valid[i]) continue
    if (entry.type === 'dir') {
      const shown = showFolder(entry.path)
      if (shown !== entry.path) {
        out[i] = { ...entry, path: shown }
        renamed.push({
          id: entry.id,
          from: entry.path,
          to: shown,
          reason: `is spelled ${quotePath(shown)} by another entry; names that differ only in case are one folder on macOS and Windows.`,
        })
      }
      continue
    }
    const slash = entry.path.lastIndexOf('/')
    let shown = entry.path
    if (slash > 0) {
      const folder = entry.path.slice(0, slash)
      const shownParent = showFolder(folder)
      if (shownParent !== folder) out[i] = { ...entry, path: (shown = shownParent + entry.path.slice(slash)) }
    }
    const key = foldPath(shown)
    const first = files.get(key)
    if (first === undefined) {
      files.set(key, i)
      if (folderName.has(key)) collided.set(key, [i])
    } else {
      const sharing = collided.get(key)
      if (sharing) sharing.push(i)
      else collided.set(key, [first, i])
    }
  }

  const assigned = new Set<string>()
  const moved = new Set<string>()
  const taken = (key: string) => files.has(key) || folderName.has(key) || assigned.has(key)
  for (const key of [...collided.keys()].sort()) {
    const sharing = collided
      .get(key)!
      .map((i) => ({ i, entry: out[i] }))
      .sort((a, b) => byId(a.entry, b.entry))
    const folderThere = folderName.has(key)
    sharing.forEach(({ i, entry }, rank) => {
      if (rank === 0 && !folderThere) return
      const to = conflictPath(entry.path, entry.id, (candidate) => taken(foldPath(candidate)))
      assigned.add(foldPath(to))
      const keeper = sharing[0].entry
      const reason = folderThere
        ? `${quotePath(entry.path)} is a file, but another entry needs a folder there.`
        : entry.path === keeper.path
          ? `entry ${quotePath(keeper.id, 40)} has the same path.`
          : `${quotePath(keeper.path)} (entry ${quotePath(keeper.id, 40)}) is the same name on a case-insensitive file system.`
      out[i] = { ...entry, path: to }
      moved.add(entry.id)
      renamed.push({ id: entry.id, from: entries[i].path, to, reason })
    })
  }
  // Files moved only into their folder's one spelling are reported too.
  for (let i = 0; i < entries.length; i++)
    if (out[i] !== entries[i] && entries[i].type === 'file' && !moved.has(entries[i].id))
      renamed.push({
        id: entries[i].id,
        from: entries[i].path,
        to: out[i].path,
        reason: `its folder is spelled ${quotePath(parentOf(out[i].path))} by another entry; names that differ only in case are one folder on macOS and Windows.`,
      })
  renamed.sort((a, b) => (a.to < b.to ? -1 : a.to > b.to ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { entries: out, renamed, problem }
}

/**
 * `dir/name (conflict <tag>).ext` for entry `id`: the tag is the id's first letters and digits (more of
 * them, then a counter, while the name is taken), the name shortened to fit the path rule. Never
 * fails (a read must not): where the folder's path leaves no room, the entry is shown at the root.
 */
function conflictPath(path: string, id: string, isTaken: (candidate: string) => boolean): string {
  const letters = id.replace(/[^0-9A-Za-z]/g, '').slice(0, 32) || 'entry'
  const tags = [...new Set([6, 12, 32].map((n) => letters.slice(0, n)))]
  const name = baseName(path)
  for (const folder of [parentOf(path), '']) {
    for (let attempt = 0; ; attempt++) {
      // A bounded search in the entry's folder; at the root, until a free name (finitely many are taken).
      if (folder && attempt >= tags.length + 100) break
      const tag = attempt < tags.length ? tags[attempt] : `${letters}-${attempt - tags.length + 2}`
      const candidate = fitName(folder, name, ` (conflict ${tag})`)
      if (candidate === null) break
      if (!isTaken(candidate)) return candidate
    }
  }
  throw new Error('unreachable: the root always has room for a conflict name')
}

/** `folder/stem<suffix>.ext`, the stem (then the extension) shortened until the path rule accepts it; null if nothing fits. */
function fitName(folder: string, name: string, suffix: string): string | null {
  const dot = name.lastIndexOf('.')
  for (const [stemText, ext] of dot > 0
    ? [
        [name.slice(0, dot), name.slice(dot)],
        [name, ''],
      ]
    : [[name, '']]) {
    let stem = Array.from(stemText)
    for (;;) {
      const candidate = joinPath(folder, `${stem.join('')}${suffix}${ext}`)
      if (pathProblem(candidate) === null) return candidate
      if (stem.length <= 1) break
      stem = stem.slice(0, -Math.ceil(stem.length / 8))
    }
  }
  return null
}

/**
 * The tree as every reader sees it (see `resolveCollisions`); throws a `bad-path` WeftError naming the
 * first entry whose own path is refused (`..`, absolute, `.git`, control characters): such a tree is
 * refused whole.
 */
export function resolveTree<T extends PathEntry>(
  entries: readonly T[],
  what = 'This branch',
): ResolvedTree<T> {
  const resolved = resolveCollisions(entries)
  if (resolved.problem) throw new WeftError('bad-path', treeProblemMessage(resolved.problem, what))
  return resolved
}

/** One line telling the person where a colliding entry is shown, and why. */
export const renamedMessage = (r: RenamedEntry): string =>
  `${quotePath(r.from)} (entry ${quotePath(r.id, 40)}) is shown as ${quotePath(r.to)}: ${r.reason}`
