/**
 * Reads a git repository's history for an import: the commits of the chosen branches (and tags),
 * parents before children, each with what changed against its first parent. Everything is read and
 * checked here, before Weft writes anything: a missing or corrupt object, a shallow clone, a
 * submodule or a path Weft refuses stops the import with an error naming it. Objects are read by
 * isomorphic-git (loose objects, packs, delta chains, packed refs).
 */
import git, { type ReadTreeResult } from 'isomorphic-git'
import { WeftError } from '../model/errors.ts'
import { foldPath, pathProblem, quotePath } from '../model/paths.ts'
import type { FileMode } from '../model/types.ts'
import { fsKind, joinFsPath, type GitRepository } from './gitRepository.ts'

/** A file as a git tree holds it. */
export interface GitFile {
  oid: string
  mode?: FileMode
}

/** One commit read from git, with its files' changes against its first parent (all files for a root). */
export interface GitCommitRecord {
  oid: string
  parents: string[]
  /** The message without its trailing newlines, as Weft shows it. */
  message: string
  /** `Name <email>`. */
  author: string
  /** The author's time, in milliseconds. */
  time: number
  /** The commit object's header lines after `tree` and `parent`. */
  headers: string
  /** The exact message, when it is not `message` plus one newline. */
  rawMessage?: string
  changes: { path: string; file: GitFile | null }[]
}

export interface GitHistory {
  /** Commits not yet known, parents before children. */
  commits: GitCommitRecord[]
  branches: { name: string; head: string }[]
  tags: { name: string; commit: string; object?: string }[]
  /** Tags left out (a tag of a tree or a blob), with why. */
  skipped: { name: string; reason: string }[]
}

export interface ReadOptions {
  /** Branch names to read; all local branches when absent. */
  branches?: string[]
  /** Named heads to read instead of the repository's branches, tags left out (a pushed commit). */
  heads?: { name: string; head: string }[]
  /** Commits already imported: not read again, nor their ancestors. */
  known?: (oid: string) => boolean
  onProgress?: (done: number, total: number | null) => void
}

const short = (oid: string) => oid.slice(0, 12)
const decoder = new TextDecoder()

/** A git error said in terms of the object being read. */
function unreadable(what: string, error: unknown): WeftError {
  const reason = error instanceof Error ? error.message : String(error)
  if ((error as { code?: string })?.code === 'NotFoundError')
    return new WeftError('not-found', `${what} is missing from the git repository.`)
  return new WeftError('bad-input', `${what} cannot be read: ${reason}`)
}

const MODES: Record<string, FileMode | undefined> = {
  '100644': undefined,
  '100755': 'executable',
  '120000': 'symlink',
}

export class GitHistoryReader {
  readonly #repo: GitRepository
  readonly #trees = new Map<string, ReadTreeResult['tree']>()

  constructor(repo: GitRepository) {
    this.#repo = repo
  }

  async read({
    branches,
    heads: named,
    known = () => false,
    onProgress,
  }: ReadOptions = {}): Promise<GitHistory> {
    await this.#refuseShallow()
    const heads = named ?? (await this.#branches(branches))
    const { tags, skipped } = named ? { tags: [], skipped: [] } : await this.#tags()
    const starts = [...heads.map((b) => b.head), ...tags.map((t) => t.commit)]
    const commits = await this.#walk(starts, known, onProgress)
    return { commits, branches: heads, tags, skipped }
  }

  async #refuseShallow(): Promise<void> {
    const { fs, gitdir } = this.#repo
    const shallow = joinFsPath(gitdir, 'shallow')
    if ((await fsKind(fs, shallow)) !== 'file') return
    const cut = String(await fs.promises.readFile(shallow, 'utf8'))
      .trim()
      .split('\n')
      .filter(Boolean)
    if (cut.length === 0) return
    throw new WeftError(
      'unsupported',
      `The git repository is a shallow clone: its history is cut at ${cut.length} commit(s) (${cut.slice(0, 3).map(short).join(', ')}), so it cannot be imported whole. Run \`git fetch --unshallow\` first.`,
    )
  }

  async #branches(names?: string[]): Promise<{ name: string; head: string }[]> {
    const { fs, gitdir } = this.#repo
    const all = await git.listBranches({ fs, gitdir })
    const chosen = names ?? all
    const missing = chosen.filter((n) => !all.includes(n))
    if (missing.length)
      throw new WeftError(
        'not-found',
        `The git repository has no branch ${missing.map((n) => `"${n}"`).join(', ')} (it has ${all.map((n) => `"${n}"`).join(', ') || 'none'}).`,
      )
    const result = []
    for (const name of chosen.sort()) {
      const head = await git.resolveRef({ fs, gitdir, ref: `refs/heads/${name}` })
      result.push({ name, head })
    }
    return result
  }

  async #tags(): Promise<Pick<GitHistory, 'tags' | 'skipped'>> {
    const { fs, gitdir, cache } = this.#repo
    const tags: GitHistory['tags'] = []
    const skipped: GitHistory['skipped'] = []
    for (const name of (await git.listTags({ fs, gitdir })).sort()) {
      const oid = await git.resolveRef({ fs, gitdir, ref: `refs/tags/${name}` })
      let target = oid
      let object: string | undefined
      // Follow annotated tags (of tags, too) down to what they name.
      for (let hops = 0; hops < 10; hops++) {
        let read
        try {
          read = await git.readObject({ fs, gitdir, cache, oid: target, format: 'content' })
        } catch (error) {
          throw unreadable(`Tag "${name}" (object ${short(target)})`, error)
        }
        if (read.type !== 'tag') break
        const raw = decoder.decode(read.object as Uint8Array)
        if (target === oid) object = raw
        target = /^object ([0-9a-f]{40})$/m.exec(raw)?.[1] ?? ''
        if (!target) throw new WeftError('bad-input', `Tag "${name}" (object ${short(oid)}) names no object.`)
      }
      const type = (
        await git.readObject({ fs, gitdir, cache, oid: target, format: 'deflated' }).catch(() => null)
      )?.type
      if (type !== undefined && type !== 'commit' && type !== 'deflated') {
        skipped.push({ name, reason: `it tags a ${type}, not a commit` })
        continue
      }
      tags.push(object === undefined ? { name, commit: target } : { name, commit: target, object })
    }
    return { tags, skipped }
  }

  /** Every commit reachable from `starts` and not known, parents first (depth first, iterative). */
  async #walk(
    starts: string[],
    known: (oid: string) => boolean,
    onProgress?: (done: number, total: number | null) => void,
  ): Promise<GitCommitRecord[]> {
    const parsed = new Map<string, { record: Omit<GitCommitRecord, 'changes'>; tree: string }>()
    const order: string[] = []
    const done = new Set<string>()
    const stack: { oid: string; child: string | null; expanded: boolean }[] = starts
      .slice()
      .reverse()
      .map((oid) => ({ oid, child: null, expanded: false }))
    while (stack.length) {
      const top = stack[stack.length - 1]
      if (done.has(top.oid) || known(top.oid)) {
        stack.pop()
        continue
      }
      if (!parsed.has(top.oid)) parsed.set(top.oid, await this.#commit(top.oid, top.child))
      const { record } = parsed.get(top.oid)!
      if (!top.expanded) {
        top.expanded = true
        for (const parent of record.parents.slice().reverse())
          if (!done.has(parent) && !known(parent))
            stack.push({ oid: parent, child: top.oid, expanded: false })
        continue
      }
      stack.pop()
      done.add(top.oid)
      order.push(top.oid)
      if (order.length % 100 === 0) onProgress?.(order.length, null)
    }
    // Changes against the first parent, read once every commit's tree is known.
    const result: GitCommitRecord[] = []
    for (const oid of order) {
      const { record, tree } = parsed.get(oid)!
      const parent = record.parents[0]
      const parentTree = parent ? (parsed.get(parent)?.tree ?? (await this.#commit(parent, oid)).tree) : null
      const changes: GitCommitRecord['changes'] = []
      try {
        await this.#diff(parentTree, tree, '', changes)
      } catch (error) {
        if (error instanceof WeftError)
          throw new WeftError(
            error.code,
            `Commit ${short(oid)} (${JSON.stringify(record.message.split('\n')[0].slice(0, 60))}): ${error.message}`,
          )
        throw error
      }
      result.push({ ...record, changes })
      if (result.length % 100 === 0) onProgress?.(result.length, order.length)
    }
    onProgress?.(result.length, order.length)
    return result
  }

  async #commit(
    oid: string,
    child: string | null,
  ): Promise<{ record: Omit<GitCommitRecord, 'changes'>; tree: string }> {
    const { fs, gitdir, cache } = this.#repo
    const what = child ? `Commit ${short(oid)}, a parent of ${short(child)},` : `Commit ${short(oid)}`
    let raw: string
    let commit
    try {
      const read = await git.readObject({ fs, gitdir, cache, oid, format: 'content' })
      if (read.type !== 'commit') throw new Error(`it is a ${read.type}, not a commit`)
      raw = decoder.decode(read.object as Uint8Array)
      commit = (await git.readCommit({ fs, gitdir, cache, oid })).commit
    } catch (error) {
      throw unreadable(what, error)
    }
    const blank = raw.indexOf('\n\n')
    const head = blank < 0 ? raw : raw.slice(0, blank)
    const rawMessage = blank < 0 ? '' : raw.slice(blank + 2)
    const lines = head.split('\n')
    let first = 0
    while (first < lines.length && /^(tree|parent) [0-9a-f]{40}$/.test(lines[first])) first++
    const message = rawMessage.replace(/\n+$/, '')
    const record: Omit<GitCommitRecord, 'changes'> = {
      oid,
      parents: commit.parent,
      message,
      author: `${commit.author.name} <${commit.author.email}>`,
      time: commit.author.timestamp * 1000,
      headers: lines.slice(first).join('\n'),
    }
    if (rawMessage !== message + '\n') record.rawMessage = rawMessage
    return { record, tree: commit.tree }
  }

  async #tree(oid: string, path: string): Promise<ReadTreeResult['tree']> {
    const cached = this.#trees.get(oid)
    if (cached) return cached
    const { fs, gitdir, cache } = this.#repo
    let entries
    try {
      entries = (await git.readTree({ fs, gitdir, cache, oid })).tree
    } catch (error) {
      throw unreadable(`Tree ${short(oid)} (folder ${quotePath(path || '/')})`, error)
    }
    // Two names one case-insensitive file system would put in one place.
    const folded = new Map<string, string>()
    for (const entry of entries) {
      const key = foldPath(entry.path)
      const other = folded.get(key)
      const at = (name: string) => quotePath(path ? `${path}/${name}` : name)
      if (other !== undefined)
        throw new WeftError(
          'bad-path',
          `${at(entry.path)} collides with ${at(other)} on a case-insensitive file system.`,
        )
      folded.set(key, entry.path)
    }
    this.#trees.set(oid, entries)
    return entries
  }

  /** Appends to `out` the files that differ between two trees (null: the empty tree). */
  async #diff(
    before: string | null,
    after: string | null,
    path: string,
    out: GitCommitRecord['changes'],
  ): Promise<void> {
    if (before === after) return
    const a = before ? await this.#tree(before, path) : []
    const b = after ? await this.#tree(after, path) : []
    const old = new Map(a.map((e) => [e.path, e]))
    const now = new Map(b.map((e) => [e.path, e]))
    for (const name of new Set([...old.keys(), ...now.keys()])) {
      const full = path ? `${path}/${name}` : name
      const was = old.get(name)
      const is = now.get(name)
      if (was && is && was.oid === is.oid && was.mode === is.mode) continue
      if (is?.type === 'commit')
        throw new WeftError(
          'unsupported',
          `${quotePath(full)} is a submodule (commit ${short(is.oid)} of another repository); Weft cannot hold submodules.`,
        )
      const wasTree = was?.type === 'tree' ? was.oid : null
      const isTree = is?.type === 'tree' ? is.oid : null
      if (wasTree || isTree) await this.#diff(wasTree, isTree, full, out)
      if (was && !wasTree && (!is || isTree)) out.push({ path: full, file: null })
      if (is && !isTree) {
        const problem = pathProblem(full)
        if (problem) throw new WeftError('bad-path', `${quotePath(full)}: ${problem}`)
        if (!(is.mode in MODES))
          throw new WeftError(
            'unsupported',
            `${quotePath(full)} has git mode ${is.mode}, which Weft does not keep.`,
          )
        const mode = MODES[is.mode]
        out.push({ path: full, file: mode ? { oid: is.oid, mode } : { oid: is.oid } })
      }
    }
  }
}
