/**
 * Git's conventions for a folder's working files being imported: `.gitignore` files at any depth,
 * each applying to its folder and below, a deeper file's patterns (negations too) overriding a
 * shallower one's, and nothing under a left-out folder brought back (as git reads them). Matching
 * a pattern is the `ignore` package's, git's own rules. Git's folder (`.git`) is never a working file.
 */
import ignore, { type Ignore } from 'ignore'
import { inGitFolder } from '../model/paths.ts'

export class GitIgnoreRules {
  /** Rules by the folder whose `.gitignore` they came from ('' for the top). */
  readonly #byFolder = new Map<string, Ignore>()
  /** Folders already judged (a folder's verdict decides everything in it). */
  readonly #folders = new Map<string, boolean>()

  /** Adds the patterns of the `.gitignore` in `folder` ('' for the top). */
  add(folder: string, text: string): void {
    // Git's default on Linux: patterns match case-sensitively.
    const rules = this.#byFolder.get(folder) ?? ignore({ ignorecase: false })
    rules.add(text)
    this.#byFolder.set(folder, rules)
    this.#folders.clear()
  }

  get empty(): boolean {
    return this.#byFolder.size === 0
  }

  /** Whether git leaves `path` out: a file, or a folder when `folder` is true. */
  ignores(path: string, folder = false): boolean {
    const parts = path.split('/')
    for (let depth = 1; depth < parts.length; depth++) {
      const above = parts.slice(0, depth).join('/')
      let verdict = this.#folders.get(above)
      if (verdict === undefined) this.#folders.set(above, (verdict = this.#own(above, true)))
      if (verdict) return true
    }
    return this.#own(path, folder)
  }

  /** The verdict of the patterns alone, the deepest `.gitignore` with an opinion winning. */
  #own(path: string, folder: boolean): boolean {
    const parts = path.split('/')
    let ignored = false
    for (let depth = 0; depth < parts.length; depth++) {
      const rules = this.#byFolder.get(parts.slice(0, depth).join('/'))
      if (!rules) continue
      const relative = parts.slice(depth).join('/') + (folder ? '/' : '')
      const verdict = rules.test(relative)
      if (verdict.ignored) ignored = true
      else if (verdict.unignored) ignored = false
    }
    return ignored
  }
}

/**
 * Splits a folder's files into those to import and those git would leave out, by every
 * `.gitignore` among them (read through `readText`); files of a `.git` folder are dropped and not
 * counted. The `.gitignore` files themselves are kept: git tracks them.
 */
export async function leaveOutIgnored<T extends { path: string }>(
  files: T[],
  readText: (file: T) => Promise<string>,
): Promise<{ kept: T[]; ignored: string[] }> {
  const working = files.filter((f) => !inGitFolder(f.path))
  const rules = new GitIgnoreRules()
  for (const file of working) {
    const slash = file.path.lastIndexOf('/')
    if (file.path.slice(slash + 1) === '.gitignore')
      rules.add(slash < 0 ? '' : file.path.slice(0, slash), await readText(file))
  }
  if (rules.empty) return { kept: working, ignored: [] }
  const kept: T[] = []
  const ignored: string[] = []
  for (const file of working) {
    if (rules.ignores(file.path)) ignored.push(file.path)
    else kept.push(file)
  }
  return { kept, ignored: ignored.sort() }
}
