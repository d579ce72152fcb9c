import type { AutomergeUrl } from '@automerge/automerge-repo'
import { parseRoute } from '../sync/links.ts'
import { decodeText } from '../repo/content.ts'
import { WeftError } from '../repo/errors.ts'
import { Profile } from './Profile.ts'
import type { TreeConflict } from '../repo/mergeTrees.ts'
import { mergeDriver, mergeFile } from './mergeFile.ts'
import { loadMergeEngine } from '../merge/nodeEngine.ts'
import { engineFileMerger } from '../merge/fileMerger.ts'
import { runCommand } from './run.ts'
import { checkout, sync } from './folder.ts'
import { search } from './search.ts'
import { replCommand } from './repl.ts'
import { commandArgs } from './args.ts'

export interface Io {
  out: (text: string) => void
  err: (line: string) => void
  stdin: () => Promise<Uint8Array>
}

export const USAGE = `Usage: weft COMMAND [--repo NAME] [--branch NAME] [--json] [--relay URL] [--home DIR]
  clone LINK                 add a shared repository (a Share link) to this profile
  repos                      list repositories
  ls                         list files            cat PATH     print a file
  write PATH                 write stdin to PATH   rm PATH      delete   mv FROM TO   move
  status                     changes since the last commit
  commit -m MESSAGE          record the changes    log          history of the branch
  diff [FROM [TO]]           files changed between commits (default: head and working files)
  branch [list|create NAME [--from COMMIT]|switch NAME|rename NAME NEW|delete NAME]
  merge BRANCH               merge BRANCH into the current branch (exit 1 on conflicts)
  revert COMMIT              undo a commit with a new commit (exit 1 on conflicts)
  restore PATH --from COMMIT put a file back as it was in a commit
  checkout DIR               write the branch's files into a folder (new, empty, or an earlier checkout)
  sync DIR                   send a checkout's changes to its branch and bring the branch's in (exit 1 on conflicts)
  merge-file BASE LEFT RIGHT syntax-aware three-way merge of one file to stdout
  merge-driver %O %A %B %P   git merge driver: merges into %A, %P picks the language
  run [--relay URL] -- CMD   run CMD over the branch's files on a relay's local runner (weft run --help)
  search QUERY [--symbols]   ranked search of the branch's files (weft search --help)
  repl list|log|eval|append|serve|key  live REPL sessions into tabs and workers (weft repl --help)
  relay [options]            run a relay (weft relay --help)
Exit codes: 0 ok, 1 merge conflicts, 2 usage or bad input.`

/** The syntax-aware engine as the per-file merger of branch merges and reverts. */
const syntaxAwareMerger = async () => {
  const engine = await loadMergeEngine()
  return engineFileMerger((input) => engine.mergeAsync(input))
}

/** What a merge or revert that stopped on conflicts tells the terminal. */
const conflictReport = (verb: string, conflicts: TreeConflict[]) =>
  `Conflicts, nothing ${verb}:\n${conflicts.map((c) => `  ${c.kind}: ${c.message}`).join('\n')}`

const READ_COMMANDS = new Set(['repos', 'ls', 'cat', 'status', 'log', 'diff'])

/** Runs one CLI command; returns the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'merge-file') return mergeFile(rest, io.out, io.err)
  if (command === 'run') return runCommand(rest, io)
  if (command === 'search') return search(rest, io)
  if (command === 'repl') return replCommand(rest, io)
  if (command === 'merge-driver') return mergeDriver(rest, io.err)
  if (!command) {
    io.err(USAGE)
    return 2
  }
  if (command === 'help' || command === '--help') {
    io.out(USAGE + '\n')
    return 0
  }
  const parsed = commandArgs(command, rest, {
    repo: { type: 'string' }, branch: { type: 'string' }, json: { type: 'boolean', default: false },
    relay: { type: 'string', multiple: true, default: [] }, home: { type: 'string' },
    message: { type: 'string', short: 'm' }, from: { type: 'string' }, author: { type: 'string' },
  }, io.err)
  if (!parsed) return 2
  const { values: opts, positionals: args } = parsed
  let relays = opts.relay
  let cloneUrl: AutomergeUrl | undefined
  if (command === 'clone') {
    const route = args[0] ? parseRoute(new URL(args[0], 'http://x').hash) : null
    if (route?.page !== 'open') {
      io.err('weft clone: expected a Share link (…#/open/automerge:…?branch=…&relay=…)')
      return 2
    }
    cloneUrl = route.url as AutomergeUrl
    if (route.relay) relays = [...relays, route.relay]
  }
  const profile = await Profile.open(opts.home, relays)
  const print = (value: unknown, plain: () => string) => io.out((opts.json ? JSON.stringify(value, null, 2) : plain()) + '\n')
  try {
    if (command === 'clone') {
      const added = await profile.catalog.add(cloneUrl!)
      print(added, () => `Cloned ${added.name} (${added.id})`)
      return 0
    }
    if (command === 'repos') {
      const list = profile.catalog.list()
      print(list, () => list.map((r) => `${r.name}\t${r.id}`).join('\n'))
      return 0
    }
    const summary = profile.pick(opts.repo)
    const { ws, vc } = await profile.open(summary)
    const branchByName = (name: string) => {
      const found = ws.branches().find((b) => b.name === name || b.id === name)
      if (!found) throw new WeftError('not-found', `No branch "${name}"; see \`weft branch\`.`)
      return found.id
    }
    const branch = opts.branch ? branchByName(opts.branch) : profile.currentBranch(ws, summary.id)
    const author = opts.author ?? process.env.WEFT_AUTHOR ?? process.env.USER ?? 'agent'
    const entry = (path: string) => {
      const found = ws.entries(branch).find((e) => e.path === path)
      if (!found || found.type !== 'file') throw new WeftError('not-found', `No file "${path}" on this branch.`)
      return found
    }
    /** A commit by full id or unique prefix (as `weft log` prints them). */
    const resolveCommit = (prefix: string) => {
      const matches = Object.keys(ws.handle.doc().commits).filter((id) => id.startsWith(prefix))
      if (matches.length !== 1) throw new WeftError('not-found', matches.length ? `"${prefix}" matches several commits; give more of its id.` : `No commit "${prefix}".`)
      return matches[0]
    }
    const need = (n: number) => {
      if (args.length < n) throw new WeftError('bad-path', 'Missing argument; see `weft help`.')
    }
    switch (command) {
      case 'ls': {
        const files = ws.entries(branch)
        print(files, () => files.map((e) => (e.type === 'dir' ? `${e.path}/` : e.path)).join('\n'))
        return 0
      }
      case 'cat': {
        need(1)
        const bytes = await ws.readBytes(branch, entry(args[0]).id)
        if (opts.json) print({ path: args[0], text: decodeText(bytes), bytes: bytes.length }, () => '')
        else io.out(new TextDecoder().decode(bytes))
        return 0
      }
      case 'write': {
        need(1)
        const report = await ws.importFiles(branch, [{ path: args[0], bytes: await io.stdin() }])
        if (report.refused.length) throw new WeftError('bad-path', report.refused[0].reason)
        return 0
      }
      case 'rm': need(1); ws.remove(branch, args[0]); return 0
      case 'mv': need(2); ws.move(branch, args[0], args[1]); return 0
      case 'status': {
        const changes = await vc.status(branch)
        print(changes, () => changes.map((c) => `${c.kind.padEnd(8)} ${c.oldPath && c.kind === 'renamed' ? `${c.oldPath} → ` : ''}${c.path}`).join('\n') || 'nothing to commit')
        return 0
      }
      case 'commit': {
        const id = await vc.commit(branch, opts.message ?? '', author)
        print({ commit: id }, () => `Committed ${id.slice(0, 8)}`)
        return 0
      }
      case 'log': {
        const entries = vc.log(branch)
        print(entries, () => entries.map((e) => `${e.id.slice(0, 8)} ${new Date(e.time).toISOString()} ${e.author}${e.parents.length > 1 ? ' (merge)' : ''}\n    ${e.message}`).join('\n'))
        return 0
      }
      case 'diff': {
        const head = ws.handle.doc().branches[branch].head
        const changes = args.length === 0 ? await vc.status(branch) : vc.diffCommits(resolveCommit(args[0]), args[1] ? resolveCommit(args[1]) : head)
        print(changes, () => changes.map((c) => `${c.kind.padEnd(8)} ${c.path}`).join('\n'))
        return 0
      }
      case 'branch': {
        const [action = 'list', name, next] = args
        if (action === 'list') {
          const list = ws.branches().map((b) => ({ ...b, current: b.id === branch, ...vc.aheadBehind(b.id, ws.handle.doc().defaultBranch) }))
          print(list, () => list.map((b) => `${b.current ? '*' : ' '} ${b.name}  (+${b.ahead} −${b.behind})`).join('\n'))
          return 0
        }
        need(2)
        if (action === 'create') {
          const id = vc.createBranch(name, opts.from ?? ws.handle.doc().branches[branch].head)
          profile.switchBranch(summary.id, id)
        } else if (action === 'switch') profile.switchBranch(summary.id, branchByName(name))
        else if (action === 'rename') { need(3); vc.renameBranch(branchByName(name), next) }
        else if (action === 'delete') vc.deleteBranch(branchByName(name))
        else throw new WeftError('bad-path', `Unknown action "${action}".`)
        return 0
      }
      case 'merge': {
        need(1)
        const outcome = await vc.merge(branch, branchByName(args[0]), author, { mergeFile: await syntaxAwareMerger() })
        print(outcome, () => outcome.kind === 'conflicts'
          ? conflictReport('merged', outcome.conflicts)
          : outcome.kind === 'up-to-date' ? 'Already up to date.' : `${outcome.kind === 'fast-forward' ? 'Fast-forwarded to' : 'Merged as'} ${outcome.commit.slice(0, 8)}`)
        return outcome.kind === 'conflicts' ? 1 : 0
      }
      case 'revert': {
        need(1)
        const outcome = await vc.revert(branch, resolveCommit(args[0]), author, await syntaxAwareMerger())
        print(outcome, () => outcome.kind === 'conflicts'
          ? conflictReport('reverted', outcome.conflicts)
          : outcome.kind === 'merged' ? `Reverted as ${outcome.commit.slice(0, 8)}` : 'Nothing to revert.')
        return outcome.kind === 'conflicts' ? 1 : 0
      }
      case 'restore': {
        need(1)
        if (!opts.from) throw new WeftError('bad-path', 'Say which commit with --from COMMIT.')
        vc.restoreFile(branch, resolveCommit(opts.from), args[0])
        return 0
      }
      case 'checkout': need(1); return await checkout(args[0], { ws, vc, branch, branchGiven: opts.branch !== undefined, print, warn: (line) => io.err(`weft checkout: ${line}`) })
      case 'sync': need(1); return await sync(args[0], { ws, vc, branch, branchGiven: opts.branch !== undefined, print, warn: (line) => io.err(`weft sync: ${line}`) })
      default:
        io.err(`weft: unknown command "${command}"\n${USAGE}`)
        return 2
    }
  } catch (error) {
    io.err(`weft ${command}: ${(error as Error).message}`)
    return 2
  } finally {
    const pending = await profile.close()
    if (pending > 0 && !READ_COMMANDS.has(command)) io.err(`weft: ${pending} document(s) saved locally but not yet on the relay; run any weft command later to retry.`)
  }
}
