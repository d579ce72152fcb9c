/**
 * `weft checkout DIR` and `weft sync DIR`: a branch's working files as a plain folder on disk, for
 * tools that want files. `DIR/.weft/checkout.json` records what the folder and the branch last agreed
 * on (path → sha256), so `sync` tells a change made in the folder from one made on the branch.
 */
import {
  closeSync,
  constants,
  lstatSync,
  mkdirSync,
  openSync,
  writeSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { join, resolve } from 'node:path'
import { GitIgnoreRules } from '../git/gitIgnore.ts'
import { decodeText, encodeText, oversize, sha256 } from '../model/content.ts'
import { hasConflictMarkers } from '../merge/conflictMarkers.ts'
import { branchConflicts } from '../repo/conflicts.ts'
import { markedFiles, markSettled } from '../repo/resolveConflicts.ts'
import { WeftError } from '../model/errors.ts'
import { ancestorsOf, parentOf, pathProblem, renamedMessage, type RenamedEntry } from '../model/paths.ts'
import type { BranchId, EntryId, Sha256 } from '../model/types.ts'
import type { VersionControl } from '../repo/VersionControl.ts'
import type { Workspace } from '../repo/Workspace.ts'
import { blockedIn, planFiles, planFolders, type BranchFile, type FileAction } from './folderPlan.ts'

/** Folders never synced: Weft's own manifest, another VCS, and installed dependencies. */
const UNSYNCED_FOLDERS = new Set(['.weft', '.git', 'node_modules'])
const MANIFEST = join('.weft', 'checkout.json')

interface Manifest {
  /** The repository document's URL: the same repository in every profile. */
  repo: string
  repoName: string
  branch: BranchId
  /** What folder and branch agreed on at the last checkout or sync. */
  files: Record<string, Sha256>
  /** Explicit (possibly empty) folders of the branch at that time. */
  folders: string[]
}

export type FolderChangeKind =
  'added' | 'modified' | 'deleted' | 'updated' | 'removed' | 'conflict' | 'refused' | 'unsent'

/** One line of the summary; folders end in "/". */
export interface FolderChange {
  kind: FolderChangeKind
  path: string
  reason?: string
}

export interface FolderReport {
  dir: string
  repo: string
  branch: BranchId
  changes: FolderChange[]
  /** Branch entries that collide with another and are written at a disambiguated name. */
  renamed: RenamedEntry[]
}

export interface FolderContext {
  ws: Workspace
  vc: VersionControl
  branch: BranchId
  /** False when the branch is the profile's current one rather than named with --branch. */
  branchGiven: boolean
  print: (value: unknown, plain: () => string) => void
  /** One line for stderr (a notice that does not fail the command). */
  warn?: (line: string) => void
}

const SYMBOLS: Record<FolderChangeKind, string> = {
  added: '+',
  modified: '~',
  deleted: '-',
  updated: '↓',
  removed: '↓',
  conflict: '!',
  refused: '✗',
  unsent: '~',
}

/** In any spelling a case-insensitive or Windows file system gives the same folder (`.WEFT`, `.weft.`): a branch entry `.WEFT/checkout.json` must not overwrite the manifest on macOS. */
const ignoredName = (name: string) => UNSYNCED_FOLDERS.has(name.toLowerCase().replace(/[. ]+$/, ''))
const ignoredPath = (path: string) => path.split('/').some(ignoredName)

/** `weft checkout DIR`: writes the branch into a new (or empty) folder; an existing checkout of the same branch is brought up to date, its local edits kept. */
export async function checkout(dir: string, ctx: FolderContext): Promise<number> {
  const root = resolve(dir)
  const manifest = readManifest(root)
  if (manifest) {
    checkSameBranch(dir, manifest, ctx, true)
  } else {
    // DIR itself may be a link to a folder: the user chose it.
    const stat = statSync(root, { throwIfNoEntry: false })
    if (stat && !stat.isDirectory()) throw new WeftError('exists', `"${dir}" exists and is not a folder.`)
    if (stat && readdirSync(root).length > 0)
      throw new WeftError(
        'exists',
        `"${dir}" is not empty and not a checkout of this repository and branch; choose an empty or new folder.`,
      )
  }
  const fresh = { repo: ctx.ws.url, repoName: ctx.ws.name, branch: ctx.branch, files: {}, folders: [] }
  const report = await reconcile(root, manifest ?? fresh, ctx, false)
  const written = report.changes.filter((c) => c.kind === 'updated' && !c.path.endsWith('/')).length
  ctx.print(report, () =>
    [
      `${manifest ? 'Updated' : 'Checked out'} ${dir}: ${written} file(s) written from the branch.`,
      ...summaryLines(report.changes.filter((c) => c.kind !== 'updated' && c.kind !== 'removed')),
      ...(report.changes.some((c) => c.kind === 'unsent')
        ? [`Local changes (~) were kept; \`weft sync ${dir}\` sends them to the branch.`]
        : []),
    ].join('\n'),
  )
  return exitCode(report)
}

/** `weft sync DIR`: sends the folder's changes to the branch and brings the branch's other changes into the folder. */
export async function sync(dir: string, ctx: FolderContext): Promise<number> {
  const root = resolve(dir)
  const manifest = readManifest(root)
  if (!manifest)
    throw new WeftError('not-found', `"${dir}" is not a checkout; run \`weft checkout ${dir}\` first.`)
  checkSameBranch(dir, manifest, ctx, ctx.branchGiven)
  const report = await reconcile(root, manifest, ctx, true)
  const conflicts = report.changes.filter((c) => c.kind === 'conflict')
  ctx.print(report, () =>
    [
      ...(report.changes.length ? summaryLines(report.changes) : ['Already in sync.']),
      ...(conflicts.length
        ? [
            `${conflicts.length} file(s) changed both here and on the branch; nothing was written for them. Keep the folder's with \`weft write PATH < ${dir}/PATH\` or take the branch's with \`weft cat PATH > ${dir}/PATH\`, then sync again.`,
          ]
        : []),
    ].join('\n'),
  )
  return exitCode(report)
}

const exitCode = (report: FolderReport) => (report.changes.some((c) => c.kind === 'conflict') ? 1 : 0)

const summaryLines = (changes: FolderChange[]) =>
  changes.map(
    (c) =>
      `${SYMBOLS[c.kind]} ${c.path}${c.kind === 'removed' ? ' (deleted on the branch)' : ''}${c.reason ? `: ${c.reason}` : ''}`,
  )

function readManifest(root: string): Manifest | null {
  let text: string
  try {
    text = readFileSync(join(root, MANIFEST), 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    throw error
  }
  try {
    const manifest = JSON.parse(text) as Manifest
    if (
      typeof manifest.repo === 'string' &&
      typeof manifest.branch === 'string' &&
      manifest.files &&
      Array.isArray(manifest.folders)
    )
      return manifest
  } catch {
    // Reported below, as for a manifest of the wrong shape.
  }
  throw new WeftError(
    'bad-input',
    `${join(root, MANIFEST)} is damaged; check the branch out into a new folder.`,
  )
}

/** `strict`: the branch in `ctx` must be the checkout's (checkout, or sync with --branch); else sync follows the manifest. */
function checkSameBranch(dir: string, manifest: Manifest, ctx: FolderContext, strict: boolean): void {
  if (manifest.repo !== ctx.ws.url)
    throw new WeftError(
      'exists',
      `"${dir}" is a checkout of repository "${manifest.repoName}"; pass --repo "${manifest.repoName}" or use another folder.`,
    )
  const name = ctx.ws.branches().find((b) => b.id === manifest.branch)?.name
  if (!name)
    throw new WeftError(
      'not-found',
      `"${dir}" is a checkout of a branch that no longer exists; check another branch out into a new folder.`,
    )
  if (strict && manifest.branch !== ctx.branch)
    throw new WeftError(
      'exists',
      `"${dir}" is a checkout of branch "${name}"; use another folder for this one.`,
    )
}

export interface Scan {
  files: Map<string, { sha: Sha256; bytes: Uint8Array }>
  /** Every folder in DIR, and those with nothing in them. */
  dirs: Set<string>
  empty: Set<string>
  /** Paths the folder has but sync cannot take, with why; they are left alone on both sides. */
  refused: Map<string, string>
  /** The symbolic links among them: nothing is written beyond one. */
  links: Set<string>
  /** What was left out unread: Weft's manifest, another VCS's folder, installed dependencies. */
  ignored: Set<string>
  /** With `gitignore`: what the folder's `.gitignore` files leave out, unread (a folder ends in "/"). */
  gitignored: Set<string>
}

/**
 * Reads DIR without following links; skips the ignored folders and, with `gitignore`, whatever the
 * `.gitignore` files met on the way ignore (each read before its folder's entries are judged).
 */
export async function scan(root: string, { gitignore = false } = {}): Promise<Scan> {
  const found: Scan = {
    files: new Map(),
    dirs: new Set(),
    empty: new Set(),
    refused: new Map(),
    links: new Set(),
    ignored: new Set(),
    gitignored: new Set(),
  }
  const rules = gitignore ? new GitIgnoreRules() : null
  const walk = async (rel: string) => {
    const listed = readdirSync(join(root, rel), { withFileTypes: true })
    if (rules && listed.some((e) => e.name === '.gitignore' && e.isFile()))
      rules.add(rel, readFileSync(join(root, rel, '.gitignore'), 'utf8'))
    const entries = listed.filter((e) => {
      const path = rel ? `${rel}/${e.name}` : e.name
      if (ignoredName(e.name)) found.ignored.add(path)
      else if (rules?.ignores(path, e.isDirectory()))
        found.gitignored.add(e.isDirectory() ? `${path}/` : path)
      else return true
      return false
    })
    if (rel && entries.length === 0) found.empty.add(rel)
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name
      const problem = pathProblem(path)
      if (problem) found.refused.set(path, problem)
      else if (entry.isSymbolicLink()) {
        found.refused.set(path, 'is a symbolic link; links are not followed.')
        found.links.add(path)
      } else if (entry.isDirectory()) {
        found.dirs.add(path)
        await walk(path)
      } else if (!entry.isFile()) found.refused.set(path, 'is not a regular file.')
      else {
        const tooBig = oversize(lstatSync(join(root, path)).size)
        if (tooBig) found.refused.set(path, tooBig)
        else {
          const bytes = new Uint8Array(readFileSync(join(root, path)))
          found.files.set(path, { sha: await sha256(bytes), bytes })
        }
      }
    }
  }
  mkdirSync(root, { recursive: true })
  await walk('')
  return found
}

/** What is at `path` on disk, without following a link; null when nothing is. */
function kindAt(path: string): 'dir' | 'file' | 'link' | 'other' | null {
  const stat = lstatSync(path, { throwIfNoEntry: false })
  return !stat
    ? null
    : stat.isDirectory()
      ? 'dir'
      : stat.isFile()
        ? 'file'
        : stat.isSymbolicLink()
          ? 'link'
          : 'other'
}

/** Writes a file, refusing (ELOOP) should a link have taken its place since it was checked. */
function writeNoFollow(path: string, bytes: Uint8Array): void {
  const fd = openSync(
    path,
    constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW,
    0o666,
  )
  try {
    for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done)
  } finally {
    closeSync(fd)
  }
}

/** Makes `folder` and its parents inside `root`, refusing to go through a link or a file (as git: "beyond a symbolic link"); true when it had to create `folder`. */
function makeFolders(root: string, folder: string): boolean {
  let created = false
  for (const path of [...ancestorsOf(folder), folder]) {
    const kind = kindAt(join(root, path))
    if (kind === 'link')
      throw new WeftError(
        'exists',
        `"${path}" in the folder is a symbolic link; nothing is written beyond a symbolic link.`,
      )
    if (kind && kind !== 'dir')
      throw new WeftError(
        'exists',
        `"${path}" in the folder is a file, so it cannot hold what the branch has there.`,
      )
    created = !kind
    if (created) mkdirSync(join(root, path))
  }
  return created
}

/** Where to write or delete `path` in `root`, never through a link or over a folder. */
function target(root: string, path: string): string {
  const parent = parentOf(path)
  if (parent) makeFolders(root, parent)
  const file = join(root, path)
  const kind = kindAt(file)
  if (kind === 'link')
    throw new WeftError(
      'exists',
      "is a symbolic link here; nothing is written through a symbolic link, so the branch's file was not written.",
    )
  if (kind && kind !== 'file')
    throw new WeftError('exists', "is a folder here, so the branch's file was not written.")
  return file
}

/**
 * Brings folder and branch together: gathers the three sides (base from the manifest, the branch,
 * the folder), lets folderPlan.ts decide, and carries the plan out — the folder's changes to the
 * branch first, then the branch's into the folder, then the new manifest. With `send` false
 * (checkout), the folder's own changes are only listed ("unsent") and the branch is not touched.
 */
async function reconcile(
  root: string,
  manifest: Manifest,
  ctx: FolderContext,
  send: boolean,
): Promise<FolderReport> {
  const { ws, vc } = ctx
  const branch = manifest.branch
  const changes: FolderChange[] = []
  const note = (kind: FolderChangeKind, path: string, reason?: string) =>
    changes.push(reason ? { kind, path, reason } : { kind, path })
  // The branch first: its paths come from a document any peer may write, and `working` holds the whole
  // tree to the path rule, so a bad entry stops the command here, before the folder is even created.
  const working = await vc.working(branch)
  // Colliding entries (two peers made one path at once) are written at the names every reader shows; the person is told.
  const { renamed } = ws.view(branch)
  for (const r of renamed)
    (ctx.warn ?? ((line: string) => process.stderr.write(`${line}\n`)))(renamedMessage(r))
  const folder = await scan(root)
  const base = new Map(Object.entries(manifest.files))
  // Files with unsettled conflicts are written with markers, so they read as such and a settled one is told apart.
  const marked = new Map<EntryId, Uint8Array>()
  for (const [id, text] of await markedFiles(ws, branch)) marked.set(id, encodeText(text))
  const theirs = new Map<string, BranchFile>()
  for (const [id, file] of Object.entries(working)) {
    const bytes = marked.get(id)
    if (!ignoredPath(file.path)) theirs.set(file.path, { sha: bytes ? await sha256(bytes) : file.blob, id })
    else if (!send)
      note('refused', file.path, 'lies in a .weft or node_modules folder, which checkouts leave out.')
  }
  const plan = planFiles(base, theirs, folder, send)
  const blocked = blockedIn(folder)
  const applying: Applying = { root, ws, branch, agreed: new Map(base), note, marked }

  await sendFiles(applying, plan, folder)
  let entries = ws.entries(branch).filter((e) => !ignoredPath(e.path))
  const { made, gone } = planFolders(manifest.folders, folder, entries, blocked)
  await sendFolders(applying, made, gone, send)
  entries = ws.entries(branch).filter((e) => !ignoredPath(e.path))
  const folders = new Set(entries.filter((e) => e.type === 'dir').map((e) => e.path))
  const kept = (path: string) =>
    folders.has(path) || entries.some((e) => e.path === path || e.path.startsWith(path + '/'))

  await takeFiles(applying, plan, kept)
  for (const path of [...folders].sort()) {
    if (gone.includes(path) || blocked(path)) continue
    try {
      if (makeFolders(root, path)) note('updated', `${path}/`)
    } catch (error) {
      note('refused', `${path}/`, (error as Error).message)
    }
  }
  // Explicit folders deleted on the branch leave the folder too, when nothing is in them.
  for (const path of manifest.folders) {
    if (kept(path) || !folder.empty.has(path)) continue
    note('removed', `${path}/`)
    pruneEmpty(root, path, kept)
  }

  writeManifest(root, {
    repo: ws.url,
    repoName: ws.name,
    branch,
    files: Object.fromEntries([...applying.agreed].sort()),
    folders: [...folders].sort(),
  })
  changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return { dir: root, repo: ws.url, branch, changes, renamed }
}

/** What carrying out a plan works on: the folder, the branch, the base being moved forward, the report. */
interface Applying {
  root: string
  ws: Workspace
  branch: BranchId
  /** What folder and branch agree on, updated as each change lands: the next manifest's files. */
  agreed: Map<string, Sha256>
  note: (kind: FolderChangeKind, path: string, reason?: string) => void
  /** Files with unsettled conflicts as written to the folder (with markers), by entry id. */
  marked: ReadonlyMap<EntryId, Uint8Array>
}

/** Folder → branch, and what needs no move; removals first, so a file replaced by a folder of the same name can land. */
async function sendFiles(
  { ws, branch, agreed, note }: Applying,
  plan: FileAction[],
  folder: Scan,
): Promise<void> {
  for (const action of plan) {
    if (action.kind === 'refuse') note('refused', action.path, action.reason)
    else if (action.kind === 'conflict' || action.kind === 'unsent') note(action.kind, action.path)
    else if (action.kind === 'agree') {
      if (action.sha === undefined) agreed.delete(action.path)
      else agreed.set(action.path, action.sha)
    }
  }
  for (const action of plan) {
    if (action.kind !== 'remove-from-branch') continue
    await ws.remove(branch, action.path)
    agreed.delete(action.path)
    note('deleted', action.path)
  }
  // A conflicted file comes back settled by the folder's text, or is refused while it keeps markers.
  const conflicted = new Map(
    branchConflicts(ws.handle.doc(), branch).flatMap((c) => (c.settled ? [] : [[c.path, c.id] as const])),
  )
  const toImport = plan.flatMap((a) => {
    if (a.kind !== 'import-to-branch') return []
    const text = conflicted.has(a.path) ? decodeText(folder.files.get(a.path)!.bytes) : null
    if (text === null || !hasConflictMarkers(text)) return [a]
    note('refused', a.path, 'still has conflict markers; settle them here and sync, or use `weft resolve`.')
    return []
  })
  if (toImport.length === 0) return
  const imported = await ws.importFiles(
    branch,
    toImport.map(({ path }) => ({ path, bytes: folder.files.get(path)!.bytes })),
  )
  const refusedImports = new Map(imported.refused.map((r) => [r.path, r.reason]))
  for (const { path, added } of toImport) {
    const reason = refusedImports.get(path)
    if (reason) note('refused', path, reason)
    else {
      note(added ? 'added' : 'modified', path)
      agreed.set(path, folder.files.get(path)!.sha)
      const id = conflicted.get(path)
      if (id) markSettled(ws, branch, id)
    }
  }
}

/** Empty folders made here become folders on the branch; explicit ones deleted here go too (checkout: listed only). */
async function sendFolders(
  { ws, branch, note }: Applying,
  made: string[],
  gone: string[],
  send: boolean,
): Promise<void> {
  for (const path of made) {
    if (!send) {
      note('unsent', `${path}/`)
      continue
    }
    try {
      ws.createFolder(branch, path)
      note('added', `${path}/`)
    } catch (error) {
      note('refused', `${path}/`, (error as Error).message)
    }
  }
  for (const path of gone) {
    if (!send) {
      note('unsent', `${path}/`)
      continue
    }
    await ws.remove(branch, path)
    note('deleted', `${path}/`)
  }
}

/** Branch → folder; deletions first, for the same reason as in sendFiles. */
async function takeFiles(
  { root, ws, branch, agreed, note, marked }: Applying,
  plan: FileAction[],
  kept: (folder: string) => boolean,
): Promise<void> {
  for (const action of plan) {
    if (action.kind !== 'delete-from-folder') continue
    try {
      unlinkSync(target(root, action.path))
      agreed.delete(action.path)
      note('removed', action.path)
      pruneEmpty(root, parentOf(action.path), kept)
    } catch (error) {
      note('refused', action.path, (error as Error).message)
    }
  }
  for (const action of plan) {
    if (action.kind !== 'write-to-folder') continue
    try {
      const bytes = marked.get(action.id) ?? (await ws.readBytes(branch, action.id))
      writeNoFollow(target(root, action.path), bytes)
      agreed.set(action.path, await sha256(bytes))
      note('updated', action.path)
    } catch (error) {
      note('refused', action.path, (error as Error).message)
    }
  }
}

/** Removes `folder` and its parents while they are empty and the branch does not have them. */
function pruneEmpty(root: string, folder: string, kept: (folder: string) => boolean): void {
  if (!folder) return
  for (const path of [folder, ...ancestorsOf(folder).reverse()]) {
    if (kept(path)) return
    try {
      rmdirSync(join(root, path))
    } catch {
      return // Not empty: it holds something else of the user's.
    }
  }
}

/** Written whole to a temporary file and renamed, so an interrupted sync never leaves half a manifest. */
function writeManifest(root: string, manifest: Manifest): void {
  mkdirSync(join(root, '.weft'), { recursive: true })
  const path = join(root, MANIFEST)
  writeFileSync(`${path}.tmp`, JSON.stringify(manifest, null, 2) + '\n')
  renameSync(`${path}.tmp`, path)
}
