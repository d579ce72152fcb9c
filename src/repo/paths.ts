import { WeftError } from './errors.ts'

/** Longest path accepted, in UTF-8 bytes (git and most file systems allow 4096; zip tools choke earlier). */
export const MAX_PATH_BYTES = 1024
/** Longest single name, in UTF-8 bytes (the common file-system limit). */
export const MAX_NAME_BYTES = 255

const utf8 = new TextEncoder()

/** Why `path` is not an acceptable repository path, or null when it is. */
export function pathProblem(path: string): string | null {
  if (path.length === 0) return 'A name is required.'
  if (path.includes('\0')) return 'A name cannot contain the NUL character.'
  if (/[\u0001-\u001f\u007f]/.test(path)) return 'A name cannot contain control characters.'
  if (path.startsWith('/')) return `"${path}" starts with "/": paths are relative to the repository root.`
  if (path.includes('\\')) return `"${path}" contains "\\": use "/" to separate folders.`
  if (utf8.encode(path).length > MAX_PATH_BYTES) return `The path is longer than ${MAX_PATH_BYTES} bytes.`
  for (const name of path.split('/')) {
    if (name === '') return `"${path}" has an empty folder name (a doubled or trailing "/").`
    if (name === '.' || name === '..') return `"${path}" contains "${name}": paths cannot point outside or back into a folder.`
    if (utf8.encode(name).length > MAX_NAME_BYTES) return `The name "${name.slice(0, 24)}…" is longer than ${MAX_NAME_BYTES} bytes.`
  }
  return null
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
