/**
 * `git-remote-weft`: git's remote helper for `weft::LINK` (see `git help remote-helpers`), so
 * `git clone weft::LINK`, `git fetch` and `git push` work against a Weft repository through the
 * person's profile (`$WEFT_HOME`) and its relays. Capabilities `list`, `fetch` and `push`:
 * - `list` names each Weft branch by the git id export-git gives its head, and HEAD;
 * - `fetch` writes the Weft commits git lacks into `$GIT_DIR` as objects (git moves the refs);
 * - `push` imports the pushed commits from `$GIT_DIR` and moves the Weft branch forward only:
 *   a push that is not a fast-forward, forced or not, is refused as git refuses one. A branch is
 *   deleted (`git push origin :NAME`) only if Weft's is still where git listed it and has no
 *   uncommitted changes, never the default branch; a new tag becomes a read-only tag name, an
 *   existing one is never moved or deleted.
 * Every line from git is checked here; one that is not the protocol stops the helper with an error.
 */
import * as fs from 'node:fs'
import { resolve } from 'node:path'
import { deflateSync } from 'node:zlib'
import { isValidAutomergeUrl, type AutomergeUrl } from '@automerge/automerge-repo'
import git from 'isomorphic-git'
import { exportGit, type GitExportReport } from '../../git/exportGit.ts'
import type { GitFs, GitRepository } from '../../git/gitRepository.ts'
import { importGit, knownCommits } from '../../git/importGit.ts'
import { WeftError } from '../../model/errors.ts'
import type { GitTag, RepositorySummary } from '../../model/types.ts'
import type { Workspace } from '../../repo/Workspace.ts'
import { branchNameProblem, VersionControl } from '../../repo/VersionControl.ts'
import { parseRoute } from '../../sync/links.ts'
import type { Io } from '../io.ts'
import type { Profile } from '../Profile.ts'
import { withProfile } from '../session.ts'
import { cloneLink, readShareLink, type ShareLink } from './clone.ts'

const nodeFs = fs as unknown as GitFs
const SHA = /^[0-9a-f]{40}$/

/** The repository `target` names (a Share link, a repository URL, or a name in this profile) and the branch HEAD names. */
async function repositoryOf(
  profile: Profile,
  target: string,
): Promise<{ summary: RepositorySummary; branch?: string }> {
  if (target.includes('#/open/')) {
    const link = readShareLink(target)
    if ('problem' in link) throw new WeftError('bad-input', link.problem.replace(/^weft clone: /, ''))
    const route = parseRoute(new URL(target, 'http://x').hash)
    const summary = await cloneLink(profile, link as ShareLink, false).catch((error: Error) => {
      throw new WeftError(
        'bad-input',
        `${error.message} Or run \`weft clone LINK --add-relay\` once, then git clone again.`,
      )
    })
    return { summary, branch: route.page === 'open' ? route.branch : undefined }
  }
  if (isValidAutomergeUrl(target)) return { summary: await profile.catalog.add(target as AutomergeUrl) }
  return { summary: profile.pick(target) }
}

/** A helper's session: one repository, one git directory, the ids export-git gives Weft's commits. */
class RemoteSession {
  dryRun = false
  readonly #ws: Workspace
  readonly #repo: GitRepository
  readonly #headBranch?: string
  /** What `list` told git each ref holds: a deletion is refused if Weft's branch moved since. */
  readonly #listed = new Map<string, string>()
  #exported?: { heads: string; report: Promise<GitExportReport> }

  constructor(ws: Workspace, repo: GitRepository, headBranch?: string) {
    this.#ws = ws
    this.#repo = repo
    this.#headBranch = headBranch
  }

  /**
   * Weft commit id → git commit id, and each tag's git object, computed (nothing written); kept
   * while the document is unchanged, so `list` and the pushes after it compute them once.
   */
  async #computed() {
    const heads = this.#ws.handle.heads().join(',')
    if (this.#exported?.heads !== heads)
      this.#exported = {
        heads,
        report: exportGit(this.#ws, this.#repo, { dryRun: true, trustImported: true }),
      }
    return this.#exported.report
  }

  async #ids() {
    return (await this.#computed()).ids
  }

  async list(): Promise<string> {
    const { ids, tagObjects } = await this.#computed()
    const doc = this.#ws.handle.doc()
    const lines: string[] = []
    for (const branch of this.#ws.branches()) {
      const head = doc.branches[branch.id]?.head
      if (head) lines.push(`${ids.get(head)} refs/heads/${branch.name}`)
    }
    const named = this.#ws.branches().find((b) => b.name === this.#headBranch || b.id === this.#headBranch)
    const head = named ?? this.#ws.branches().find((b) => b.id === doc.defaultBranch)
    for (const tag of tagObjects) lines.push(`${tag.oid} refs/tags/${tag.name}`)
    if (head && doc.branches[head.id]?.head) lines.push(`@refs/heads/${head.name} HEAD`)
    this.#listed.clear()
    for (const line of lines) {
      const [oid, ref] = line.split(' ')
      if (SHA.test(oid)) this.#listed.set(ref, oid)
    }
    return lines.map((l) => `${l}\n`).join('') + '\n'
  }

  /** Writes every Weft commit git lacks into the git directory; `wanted` must then be there. */
  async fetch(wanted: string[]): Promise<string> {
    await exportGit(this.#ws, this.#repo, { writeRefs: false })
    const { fs, gitdir, cache } = this.#repo
    for (const oid of wanted) {
      const found = await git.readObject({ fs, gitdir, cache, oid, format: 'deflated' }).catch(() => null)
      if (!found)
        throw new WeftError(
          'not-found',
          `Weft no longer has commit ${oid.slice(0, 12)} (a branch moved since git listed it); fetch again.`,
        )
    }
    return '\n'
  }

  /** One `push` line's answer: `ok DST` or `error DST WHY`. */
  async push(spec: string, err: (line: string) => void): Promise<string> {
    const match = /^(\+?)([^:]*):(\S+)$/.exec(spec)
    if (!match) throw new WeftError('bad-input', `git sent a push line that is not +?SRC:DST: "${spec}".`)
    const [, force, src, dst] = match
    if (dst.startsWith('refs/tags/')) return this.#pushTag(src, dst)
    if (!dst.startsWith('refs/heads/'))
      return `error ${dst} Weft takes branches (refs/heads/…) and tags (refs/tags/…) only\n`
    const name = dst.slice('refs/heads/'.length)
    if (!src) return this.#deleteBranch(name, dst)
    const { fs, gitdir, cache } = this.#repo
    const oid = await git.resolveRef({ fs, gitdir, ref: src }).catch(() => null)
    if (!oid || !SHA.test(oid)) return `error ${dst} git has no commit ${src}\n`
    const doc = this.#ws.handle.doc()
    const branch = this.#ws.branches().find((b) => b.name === name)
    const head = branch ? doc.branches[branch.id]?.head : null
    if (branch && head) {
      const current = (await this.#ids()).get(head)!
      if (current === oid) return `ok ${dst}\n`
      const ahead = await git
        .isDescendent({ fs, gitdir, cache, oid, ancestor: current, depth: -1 })
        .catch(() => false)
      if (!ahead) {
        if (force)
          err(
            `weft: Weft's ${name} has commits ${src} does not contain; Weft takes no forced push. Fetch, merge and push again.`,
          )
        return `error ${dst} non-fast-forward\n`
      }
      if ((await new VersionControl(this.#ws).status(branch.id)).length > 0)
        return `error ${dst} Weft's ${name} has uncommitted changes; commit them in Weft first\n`
    }
    if (this.dryRun) return `ok ${dst}\n`
    let report
    try {
      report = await importGit(this.#ws, this.#repo, { heads: [{ name, head: oid }] })
    } catch (error) {
      // A name or path Weft refuses, found before anything was written: this ref only is refused.
      if (!(error instanceof WeftError)) throw error
      return `error ${dst} ${error.message.replace(/\s+/g, ' ')}\n`
    }
    const placed = report.branches.find((b) => b.name === name)
    if (placed?.outcome === 'refused') return `error ${dst} ${placed.reason ?? 'refused'}\n`
    return `ok ${dst}\n`
  }

  /** `git push origin :NAME`: Weft's branch goes only if it is still what git saw and holds no uncommitted work. */
  async #deleteBranch(name: string, dst: string): Promise<string> {
    const branch = this.#ws.branches().find((b) => b.name === name)
    if (!branch) return `error ${dst} Weft has no branch ${name}\n`
    const doc = this.#ws.handle.doc()
    if (doc.defaultBranch === branch.id)
      return `error ${dst} ${name} is the repository's default branch in Weft; it cannot be deleted\n`
    const head = doc.branches[branch.id]?.head ?? null
    const listed = this.#listed.get(dst)
    if (!head || !listed || (await this.#ids()).get(head) !== listed)
      return `error ${dst} Weft's ${name} moved since git listed it; fetch first\n`
    const vc = new VersionControl(this.#ws)
    if ((await vc.status(branch.id)).length > 0)
      return `error ${dst} Weft's ${name} has uncommitted changes; commit or discard them in Weft first\n`
    if (this.dryRun) return `ok ${dst}\n`
    // Checked again with no wait in between: a commit may have come in while status was read.
    if (this.#ws.handle.doc().branches[branch.id]?.head !== head)
      return `error ${dst} Weft's ${name} moved since git listed it; fetch first\n`
    vc.deleteBranch(branch.id)
    return `ok ${dst}\n`
  }

  /**
   * A tag pushed from git: a new name on a commit Weft holds becomes a read-only tag name (an
   * annotated tag kept as git's object, so a clone gets the same id). Weft's tags never move and are
   * not deleted through git.
   */
  async #pushTag(src: string, dst: string): Promise<string> {
    const name = dst.slice('refs/tags/'.length)
    if (!src) return `error ${dst} Weft's tags are read-only names; they are not deleted through git\n`
    if (branchNameProblem(name))
      return `error ${dst} "${name}" is not a tag name Weft keeps: use letters, digits, "-", "_", "." and "/"\n`
    const { fs, gitdir, cache } = this.#repo
    const oid = await git.resolveRef({ fs, gitdir, ref: src }).catch(() => null)
    if (!oid || !SHA.test(oid)) return `error ${dst} git has no object ${src}\n`
    const existing = (await this.#computed()).tagObjects.find((t) => t.name === name)
    if (existing)
      return existing.oid === oid
        ? `ok ${dst}\n`
        : `error ${dst} Weft's tag ${name} names ${existing.oid.slice(0, 12)}; Weft's tags are read-only names and do not move\n`
    const read = await git.readObject({ fs, gitdir, cache, oid, format: 'content' }).catch(() => null)
    if (!read) return `error ${dst} git has no object ${oid.slice(0, 12)}\n`
    let commit = oid
    let object: string | undefined
    if (read.type === 'tag') {
      object = new TextDecoder().decode(read.object as Uint8Array)
      const named = /^object ([0-9a-f]{40})\ntype (\w+)$/m.exec(object)
      if (!named || named[2] !== 'commit') return `error ${dst} Weft keeps tags of commits only\n`
      commit = named[1]
    } else if (read.type !== 'commit') return `error ${dst} Weft keeps tags of commits only\n`
    const weftId = (await knownCommits(this.#ws, this.#repo)).get(commit)
    if (!weftId)
      return `error ${dst} the commit it tags (${commit.slice(0, 12)}) is not in Weft; push a branch that holds it first\n`
    if (this.dryRun) return `ok ${dst}\n`
    const tag: GitTag = object === undefined ? { name, commit: weftId } : { name, commit: weftId, object }
    this.#ws.handle.change((d) => {
      if (!d.gitTags) d.gitTags = []
      const at = d.gitTags.findIndex((t) => t.name > name)
      d.gitTags.splice(at < 0 ? d.gitTags.length : at, 0, tag)
    })
    return `ok ${dst}\n`
  }
}

/** The protocol's lines: one by one from git, or all of stdin at once (a test's script). */
async function* linesOf(io: Io): AsyncIterable<string> {
  if (io.lines) {
    yield* io.lines()
    return
  }
  const text = new TextDecoder().decode(await io.stdin())
  yield* text.split('\n')
}

/** `git-remote-weft REMOTE URL` (run by git, with `$GIT_DIR` set): the remote-helper protocol on stdin and stdout. */
export const remoteHelper = (argv: string[], io: Io) =>
  withProfile(
    'remote-helper',
    argv,
    io,
    {
      refuse: (args) =>
        args.length !== 2
          ? 'git-remote-weft: expected REMOTE and URL; git runs it for `git clone weft::LINK`.'
          : !process.env.GIT_DIR
            ? 'git-remote-weft: $GIT_DIR is not set; git runs it for `git clone weft::LINK`.'
            : undefined,
    },
    async ({ profile, args, io }) => {
      const { summary, branch } = await repositoryOf(profile, args[1])
      const { ws } = await profile.open(summary)
      const repo: GitRepository = {
        fs: nodeFs,
        gitdir: resolve(process.env.GIT_DIR!),
        cache: {},
        deflate: (bytes) => deflateSync(bytes),
      }
      const session = new RemoteSession(ws, repo, branch)
      const fetches: string[] = []
      const pushes: string[] = []
      for await (const raw of linesOf(io)) {
        const line = raw.replace(/\r$/, '')
        if (line === '') {
          if (fetches.length) io.out(await session.fetch(fetches.splice(0)))
          else if (pushes.length) {
            let answers = ''
            for (const spec of pushes.splice(0)) answers += await session.push(spec, io.err)
            io.out(answers + '\n')
          } else break
          continue
        }
        const [command, ...rest] = line.split(' ')
        if (command === 'capabilities' && rest.length === 0) io.out('option\nlist\nfetch\npush\n\n')
        else if (command === 'list' && (rest.length === 0 || rest.join(' ') === 'for-push'))
          io.out(await session.list())
        else if (command === 'option' && rest.length >= 2) {
          if (rest[0] === 'dry-run') session.dryRun = rest[1] === 'true'
          io.out(['dry-run', 'verbosity', 'progress'].includes(rest[0]) ? 'ok\n' : 'unsupported\n')
        } else if (command === 'fetch' && rest.length === 2 && SHA.test(rest[0]) && !pushes.length)
          fetches.push(rest[0])
        else if (command === 'push' && rest.length === 1 && !fetches.length) pushes.push(rest[0])
        else
          throw new WeftError(
            'bad-input',
            `git sent a line that is not the remote-helper protocol: "${line.slice(0, 80)}".`,
          )
      }
      return 0
    },
  )
