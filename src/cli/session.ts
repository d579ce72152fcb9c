/**
 * The plumbing every profile command shares: one set of flags, relay addresses checked before the
 * profile is touched, the profile opened and closed (saying what did not reach the relay), output as
 * text or `--json`, and any error as one line with exit code 2.
 */
import type { ListedEntry, BranchId, RepositorySummary } from '../model/types.ts'
import { WeftError } from '../model/errors.ts'
import type { VersionControl } from '../repo/VersionControl.ts'
import type { Workspace } from '../repo/Workspace.ts'
import { commandArgs } from './args.ts'
import type { Io } from './io.ts'
import { Profile } from './Profile.ts'
import { relayProblem, validRelay } from './relayAddress.ts'

/** The flags of every profile command (one set: a flag another command uses is accepted and ignored). */
const parseFlags = (command: string, argv: string[], err: (line: string) => void) =>
  commandArgs(
    command,
    argv,
    {
      repo: { type: 'string' },
      branch: { type: 'string' },
      json: { type: 'boolean', default: false },
      relay: { type: 'string', multiple: true, default: [] },
      home: { type: 'string' },
      message: { type: 'string', short: 'm' },
      from: { type: 'string' },
      author: { type: 'string' },
      'add-relay': { type: 'boolean', default: false },
      include: { type: 'string', multiple: true },
      own: { type: 'boolean', default: false },
      name: { type: 'string' },
      // weft land and weft agent
      into: { type: 'string' },
      check: { type: 'string' },
      partial: { type: 'boolean', default: false },
      dir: { type: 'string' },
      'keep-conflicts': { type: 'boolean', default: false },
      ours: { type: 'boolean', default: false },
      theirs: { type: 'boolean', default: false },
      base: { type: 'boolean', default: false },
      both: { type: 'boolean', default: false },
      file: { type: 'string' },
      region: { type: 'string' },
      branches: { type: 'string', multiple: true },
      force: { type: 'boolean', default: false },
    },
    err,
  )

export type ProfileFlags = NonNullable<ReturnType<typeof parseFlags>>['values']

/** Who the command acts as: `--author`, `$WEFT_AUTHOR`, the user, or "agent" (at most 40 characters). */
export const authorOf = (opts: { author?: string }): string =>
  (opts.author ?? process.env.WEFT_AUTHOR ?? process.env.USER ?? 'agent').trim().slice(0, 40) || 'agent'

/** Prints `value` as JSON with `--json`, else the text `plain` makes. */
export type Print = (value: unknown, plain: () => string) => void

export interface ProfileSession {
  command: string
  profile: Profile
  opts: ProfileFlags
  /** The positional arguments after the command's name. */
  args: string[]
  io: Io
  print: Print
  /** Throws a usage error unless at least `n` arguments were given. */
  need(n: number): void
}

export interface RepositorySession extends ProfileSession, RepositoryContext {}

export interface SessionOptions {
  /** Commands that only read: no warning about documents not yet on the relay. */
  readsOnly?: boolean
  /** False for a command that must not sync (relay list|add|remove edit where the profile syncs). */
  connect?: boolean
  /** Checks the arguments before the profile is opened: the line to print (exit 2), or undefined. */
  refuse?: (args: string[]) => string | undefined
}

/** Runs `body` with the profile open; returns its exit code, or 2 on bad flags or any error. */
export async function withProfile(
  command: string,
  argv: string[],
  io: Io,
  options: SessionOptions,
  body: (session: ProfileSession) => Promise<number>,
): Promise<number> {
  const parsed = parseFlags(command, argv, io.err)
  if (!parsed) return 2
  const { values: opts, positionals: args } = parsed
  // Every address from the command line or a link is checked here, before the profile is touched.
  const bad = opts.relay.find((address) => !validRelay(address))
  if (bad !== undefined) {
    io.err(`weft ${command}: ${relayProblem(bad)}`)
    return 2
  }
  const refused = options.refuse?.(args)
  if (refused !== undefined) {
    io.err(refused)
    return 2
  }
  let profile: Profile
  try {
    profile = await Profile.open(opts.home, opts.relay, {
      connect: options.connect ?? true,
      author: authorOf(opts),
    })
  } catch (error) {
    io.err(`weft ${command}: ${(error as Error).message}`)
    return 2
  }
  const print: Print = (value, plain) => io.out((opts.json ? JSON.stringify(value, null, 2) : plain()) + '\n')
  const need = (n: number) => {
    if (args.length < n) throw new WeftError('bad-input', 'Missing argument; see `weft help`.')
  }
  try {
    return await body({ command, profile, opts, args, io, print, need })
  } catch (error) {
    io.err(`weft ${command}: ${(error as Error).message}`)
    return 2
  } finally {
    const pending = await profile.close()
    if (pending > 0 && !options.readsOnly)
      io.err(
        `weft: ${pending} document(s) saved locally but not yet on the relay; run any weft command later to retry.`,
      )
  }
}

/** What a command needs to act on one repository and branch (the CLI's and the MCP server's tools alike). */
export interface RepositoryContext {
  summary: RepositorySummary
  ws: Workspace
  vc: VersionControl
  /** The branch named, else the profile's current branch of the repository. */
  branch: BranchId
  author: string
  branchByName(name: string): BranchId
  /** The file at `path` on the branch; throws when there is none. */
  entry(path: string): Extract<ListedEntry, { type: 'file' }>
  /** A commit by full id or unique prefix (as `weft log` prints them). */
  resolveCommit(prefix: string): string
}

/** Opens repository `repo` (name or id; the only one when not given) of an open profile, on `branch` or its current branch. */
export async function openRepository(
  profile: Profile,
  { repo, branch: branchName, author }: { repo?: string; branch?: string; author: string },
): Promise<RepositoryContext> {
  const summary = profile.pick(repo)
  const { ws, vc } = await profile.open(summary)
  const branchByName = (name: string) => {
    const found = ws.branches().find((b) => b.name === name || b.id === name)
    if (!found) throw new WeftError('not-found', `No branch "${name}"; see \`weft branch\`.`)
    return found.id
  }
  const branch = branchName ? branchByName(branchName) : profile.currentBranch(ws, summary.id)
  const entry = (path: string) => {
    const found = ws.entries(branch).find((e) => e.path === path)
    if (!found || found.type !== 'file') throw new WeftError('not-found', `No file "${path}" on this branch.`)
    return found
  }
  const resolveCommit = (prefix: string) => {
    const matches = Object.keys(ws.handle.doc().commits).filter((id) => id.startsWith(prefix))
    if (matches.length !== 1)
      throw new WeftError(
        'not-found',
        matches.length
          ? `"${prefix}" matches several commits; give more of its id.`
          : `No commit "${prefix}".`,
      )
    return matches[0]
  }
  return { summary, ws, vc, branch, author, branchByName, entry, resolveCommit }
}

/** Runs `body` on one repository (`--repo`) and branch (`--branch`) of the profile. */
export function withRepository(
  command: string,
  argv: string[],
  io: Io,
  options: SessionOptions,
  body: (session: RepositorySession) => Promise<number>,
): Promise<number> {
  return withProfile(command, argv, io, options, async (session) => {
    const { profile, opts } = session
    const context = await openRepository(profile, {
      repo: opts.repo,
      branch: opts.branch,
      author: authorOf(opts),
    })
    return body({ ...session, ...context })
  })
}
