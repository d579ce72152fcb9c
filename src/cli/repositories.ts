/**
 * Starting a repository without a browser: `weft init NAME` and `weft import DIR`, and the Share link
 * that hands it on (`weft link`). The CLI commands and the MCP server's tools both call these.
 */
import { statSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import { WeftError } from '../model/errors.ts'
import type { RepositorySummary } from '../model/types.ts'
import { shareLink } from '../sync/links.ts'
import type { ImportReport } from '../repo/Workspace.ts'
import { VersionControl } from '../repo/VersionControl.ts'
import { scan } from './folder.ts'
import type { Profile } from './Profile.ts'

/** A repository's Share link, or why there is none yet and how to get one. */
export type LinkOutcome = { link: string; relay: string } | { link: null; hint: string }

export interface CreatedRepository {
  id: string
  name: string
  url: string
  branch: string
  share: LinkOutcome
}

export interface ImportedRepository extends CreatedRepository {
  added: number
  /** The commit that holds the imported files (none when nothing was imported). */
  commit: string | null
  /** Every entry of the folder not imported, by path, with why. */
  refused: ImportReport['refused']
  /** Folders left out unread, as checkouts leave them out (.git, .weft, node_modules). */
  ignored: string[]
  /** Files and folders (ending in "/") left out unread because a `.gitignore` of the folder ignores them. */
  gitignored: string[]
}

/** The app a relay serves, from its sync address: the page a Share link opens. */
const appUrlOf = (relay: string) => {
  const url = new URL(relay)
  return `${url.protocol === 'wss:' ? 'https:' : 'http:'}//${url.host}/`
}

/**
 * The link that opens `summary` on `branchName` in the app a relay serves, through a relay that
 * receives the repository (an own relay first); with no such relay, how to add one.
 */
export function repositoryLink(
  profile: Profile,
  summary: RepositorySummary,
  branchName: string,
): LinkOutcome {
  const relays = profile.relays.statuses()
  const relay = relays.find((r) => r.own) ?? relays.find((r) => r.repositories.includes(summary.url))
  if (!relay)
    return {
      link: null,
      hint: `No relay receives "${summary.name}" yet, so it has no Share link. Share it with \`weft relay add URL --repo "${summary.name}"\` (or make a relay your own with \`weft relay add URL --own\`), then \`weft link --repo "${summary.name}"\` prints the link.`,
    }
  return {
    link: shareLink(appUrlOf(relay.url), summary.url, branchName, profile.relays.linkAddress(relay.url)),
    relay: relay.url,
  }
}

/** A new repository's name: not blank, and not one this profile already uses (so `--repo NAME` finds one). */
function checkNewName(profile: Profile, name: string): string {
  const trimmed = name.trim()
  if (!trimmed) throw new WeftError('bad-name', 'A repository needs a name.')
  if (profile.catalog.list().some((r) => r.name === trimmed))
    throw new WeftError(
      'exists',
      `A repository named "${trimmed}" is already here; choose another name (see \`weft repos\`).`,
    )
  return trimmed
}

/**
 * Makes a new repository with `fill`, or none: when `fill` throws, the repository and its documents
 * are removed, so a failed import leaves nothing half-written behind.
 */
export async function createFilled<T>(
  profile: Profile,
  name: string,
  fill: (created: CreatedRepository) => Promise<T>,
): Promise<T> {
  const summary = profile.catalog.create(checkNewName(profile, name))
  try {
    return await fill(await describe(profile, summary))
  } catch (error) {
    await profile.catalog.remove(summary.id)
    throw error
  }
}

/** `weft init NAME`: an empty repository with a main branch, added to this profile. */
export async function createRepository(profile: Profile, name: string): Promise<CreatedRepository> {
  const summary = profile.catalog.create(checkNewName(profile, name))
  return describe(profile, summary)
}

async function describe(profile: Profile, summary: RepositorySummary): Promise<CreatedRepository> {
  // The catalog's workspace, not `profile.open`: that marks what is loaded as already sent, and a
  // new repository must reach the relay before the command ends.
  const ws = await profile.catalog.workspace(summary.id)
  const branch = ws.handle.doc().defaultBranch
  const branchName = ws.branches().find((b) => b.id === branch)?.name ?? 'main'
  return {
    id: summary.id,
    name: summary.name,
    url: summary.url,
    branch: branchName,
    share: repositoryLink(profile, summary, branchName),
  }
}

/**
 * `weft import DIR [--name NAME]`: a new repository holding DIR's files, committed as `author`.
 * The rules are the app's folder import (Workspace.importFiles: the path rule, the size limit, case
 * clashes), each refused entry reported by path; the folder is read as `weft sync` reads one (links
 * not followed, .git/.weft/node_modules and what its `.gitignore` files ignore left out). DIR is read before anything is created, so a
 * folder that cannot be read leaves no repository behind.
 */
export async function importFolder(
  profile: Profile,
  dir: string,
  { name, author }: { name?: string; author: string },
): Promise<ImportedRepository> {
  const root = resolve(dir)
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory())
    throw new WeftError('not-found', `"${dir}" is not a folder; nothing was imported.`)
  const repoName = checkNewName(profile, name ?? basename(root))
  const folder = await scan(root, { gitignore: true })
  const summary = profile.catalog.create(repoName)
  const created = await describe(profile, summary)
  const ws = await profile.catalog.workspace(summary.id)
  const vc = new VersionControl(ws)
  const branch = ws.handle.doc().defaultBranch
  const report = await ws.importFiles(
    branch,
    [...folder.files].map(([path, { bytes }]) => ({ path, bytes })),
  )
  const refused = [...[...folder.refused].map(([path, reason]) => ({ path, reason })), ...report.refused]
  refused.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  const commit = report.added > 0 ? await vc.commit(branch, `Import ${basename(root)}`, author) : null
  return {
    ...created,
    added: report.added,
    commit,
    refused,
    ignored: [...folder.ignored].sort(),
    gitignored: [...folder.gitignored].sort(),
  }
}

/** The lines `weft init`, `import` and `link` print about a repository's link. */
export const linkLines = (share: LinkOutcome): string[] =>
  share.link === null ? [share.hint] : [`Share link: ${share.link}`]
