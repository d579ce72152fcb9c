import { isValidAutomergeUrl, type AutomergeUrl } from '@automerge/automerge-repo'
import { parseRoute } from '../sync/links.ts'
import { relaySyncAddress } from '../sync/Relays.ts'
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
  clone LINK [--add-relay]   add a shared repository (a Share link) to this profile; a link whose relay
                             is not yet yours needs --add-relay, and that relay then receives only this
                             repository (it is not kept if the clone fails)
  relay list                 your relays and what each receives
  relay add URL --own        your own relay: it receives your repository list and every repository
  relay add URL --repo NAME  share one repository to a relay
  relay remove URL [--repo NAME]  forget a relay (or stop sharing one repository to it)
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
--relay URL syncs this one command through URL as your own relay (not remembered).
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

const validRelay = (address: string) => relayProblem(address) === ''

/** Why `address` is not a relay address, in one line; empty when it is one. */
function relayProblem(address: string): string {
  try {
    relaySyncAddress(address)
    return ''
  } catch (error) {
    return (error as Error).message
  }
}

/**
 * Clones a Share link. Its relay, when it is not one of ours yet, is added only with `--add-relay`
 * (a link is a stranger's word), receives only this repository, and is removed again if the clone fails.
 */
async function cloneLink(profile: Profile, link: { url: AutomergeUrl; relay?: string }, addRelay: boolean) {
  // A link never changes where a repository this profile already has goes.
  if (!link.relay || profile.catalog.list().some((r) => r.url === link.url))
    return profile.catalog.add(link.url)
  if (!profile.relays.knows(link.relay) && !addRelay)
    throw new WeftError(
      'bad-input',
      `this link's relay ${relaySyncAddress(link.relay)} is not one of your relays; add --add-relay to add it (it will receive only this repository).`,
    )
  return profile.relays.shareFor(link.relay, link.url, async (url) => {
    await profile.waitForRelay(url)
    return profile.catalog.add(link.url)
  })
}

/** `weft relay list|add|remove`: the relays this profile syncs through and what each receives. */
async function relayCommand(
  profile: Profile,
  args: string[],
  opts: { own: boolean; repo?: string },
  print: (value: unknown, plain: () => string) => void,
): Promise<number> {
  const [action, address] = args
  const names = new Map(profile.catalog.list().map((r) => [r.url, r.name]))
  if (action === 'list') {
    const list = profile.relays
      .statuses()
      .map(({ url, own, repositories }) => ({
        url,
        own,
        repositories: repositories.map((r) => names.get(r) ?? r),
      }))
    print(
      list,
      () =>
        list
          .map(
            (r) =>
              `${r.url}\t${r.own ? 'own: your repository list and every repository' : r.repositories.length ? `only: ${r.repositories.join(', ')}` : 'nothing'}`,
          )
          .join('\n') || 'No relays; this profile works alone.',
    )
    return 0
  }
  if (!address)
    throw new WeftError(
      'bad-input',
      `Say which relay: weft relay ${action ?? 'list|add|remove'} URL; see \`weft help\`.`,
    )
  if (action === 'add') {
    if (!opts.own && !opts.repo)
      throw new WeftError(
        'bad-input',
        'Say what the relay receives: --own (your repository list and every repository) or --repo NAME (that repository only).',
      )
    const { url } = await profile.relays.add(
      address,
      opts.own ? { own: true } : { repository: profile.pick(opts.repo).url },
    )
    print({ url }, () => `Added ${url}`)
    return 0
  }
  if (action === 'remove') {
    if (!profile.relays.knows(address))
      throw new WeftError(
        'not-found',
        `${relaySyncAddress(address)} is not one of your relays; see \`weft relay list\`.`,
      )
    if (opts.repo) await profile.relays.unshare(address, profile.pick(opts.repo).url)
    else await profile.relays.remove(address)
    print(
      { url: relaySyncAddress(address) },
      () => `${opts.repo ? 'Stopped sharing to' : 'Removed'} ${relaySyncAddress(address)}`,
    )
    return 0
  }
  throw new WeftError('bad-input', `Unknown action "${action}"; weft relay list|add|remove.`)
}

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
  const parsed = commandArgs(
    command,
    rest,
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
      own: { type: 'boolean', default: false },
    },
    io.err,
  )
  if (!parsed) return 2
  const { values: opts, positionals: args } = parsed
  // Every address from the command line or a link is checked here, before the profile is touched.
  const bad = [...opts.relay, ...(command === 'relay' && args[1] ? [args[1]] : [])].find(
    (address) => !validRelay(address),
  )
  if (bad !== undefined) {
    io.err(`weft ${command}: ${relayProblem(bad)}`)
    return 2
  }
  let clone: { url: AutomergeUrl; relay?: string } | undefined
  if (command === 'clone') {
    const route = args[0] ? parseRoute(new URL(args[0], 'http://x').hash) : null
    if (route?.page !== 'open' || !isValidAutomergeUrl(route.url)) {
      io.err('weft clone: expected a Share link (…#/open/automerge:…?branch=…&relay=…)')
      return 2
    }
    if (route.relay !== undefined && !validRelay(route.relay)) {
      io.err(`weft clone: the link's relay is not usable: ${relayProblem(route.relay)}`)
      return 2
    }
    clone = { url: route.url, relay: route.relay }
  }
  let profile: Profile
  try {
    profile = await Profile.open(opts.home, opts.relay, { connect: command !== 'relay' })
  } catch (error) {
    io.err(`weft ${command}: ${(error as Error).message}`)
    return 2
  }
  const print = (value: unknown, plain: () => string) =>
    io.out((opts.json ? JSON.stringify(value, null, 2) : plain()) + '\n')
  try {
    if (clone) {
      const added = await cloneLink(profile, clone, opts['add-relay'])
      print(added, () => `Cloned ${added.name} (${added.id})`)
      return 0
    }
    if (command === 'relay')
      return await relayCommand(profile, args, { own: opts.own, repo: opts.repo }, print)
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
      if (!found || found.type !== 'file')
        throw new WeftError('not-found', `No file "${path}" on this branch.`)
      return found
    }
    /** A commit by full id or unique prefix (as `weft log` prints them). */
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
    const need = (n: number) => {
      if (args.length < n) throw new WeftError('bad-input', 'Missing argument; see `weft help`.')
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
      case 'rm':
        need(1)
        ws.remove(branch, args[0])
        return 0
      case 'mv':
        need(2)
        ws.move(branch, args[0], args[1])
        return 0
      case 'status': {
        const changes = await vc.status(branch)
        print(
          changes,
          () =>
            changes
              .map(
                (c) =>
                  `${c.kind.padEnd(8)} ${c.oldPath && c.kind === 'renamed' ? `${c.oldPath} → ` : ''}${c.path}`,
              )
              .join('\n') || 'nothing to commit',
        )
        return 0
      }
      case 'commit': {
        const id = await vc.commit(branch, opts.message ?? '', author)
        print({ commit: id }, () => `Committed ${id.slice(0, 8)}`)
        return 0
      }
      case 'log': {
        const entries = vc.log(branch)
        print(entries, () =>
          entries
            .map(
              (e) =>
                `${e.id.slice(0, 8)} ${new Date(e.time).toISOString()} ${e.author}${e.parents.length > 1 ? ' (merge)' : ''}\n    ${e.message}`,
            )
            .join('\n'),
        )
        return 0
      }
      case 'diff': {
        const head = ws.handle.doc().branches[branch].head
        const changes =
          args.length === 0
            ? await vc.status(branch)
            : vc.diffCommits(resolveCommit(args[0]), args[1] ? resolveCommit(args[1]) : head)
        print(changes, () => changes.map((c) => `${c.kind.padEnd(8)} ${c.path}`).join('\n'))
        return 0
      }
      case 'branch': {
        const [action = 'list', name, next] = args
        if (action === 'list') {
          const list = ws
            .branches()
            .map((b) => ({
              ...b,
              current: b.id === branch,
              ...vc.aheadBehind(b.id, ws.handle.doc().defaultBranch),
            }))
          print(list, () =>
            list.map((b) => `${b.current ? '*' : ' '} ${b.name}  (+${b.ahead} −${b.behind})`).join('\n'),
          )
          return 0
        }
        need(2)
        if (action === 'create') {
          const id = vc.createBranch(name, opts.from ?? ws.handle.doc().branches[branch].head)
          profile.switchBranch(summary.id, id)
        } else if (action === 'switch') profile.switchBranch(summary.id, branchByName(name))
        else if (action === 'rename') {
          need(3)
          vc.renameBranch(branchByName(name), next)
        } else if (action === 'delete') vc.deleteBranch(branchByName(name))
        else throw new WeftError('bad-input', `Unknown action "${action}".`)
        return 0
      }
      case 'merge': {
        need(1)
        const outcome = await vc.merge(branch, branchByName(args[0]), author, {
          mergeFile: await syntaxAwareMerger(),
        })
        print(outcome, () =>
          outcome.kind === 'conflicts'
            ? conflictReport('merged', outcome.conflicts)
            : outcome.kind === 'up-to-date'
              ? 'Already up to date.'
              : `${outcome.kind === 'fast-forward' ? 'Fast-forwarded to' : 'Merged as'} ${outcome.commit.slice(0, 8)}`,
        )
        return outcome.kind === 'conflicts' ? 1 : 0
      }
      case 'revert': {
        need(1)
        const outcome = await vc.revert(branch, resolveCommit(args[0]), author, await syntaxAwareMerger())
        print(outcome, () =>
          outcome.kind === 'conflicts'
            ? conflictReport('reverted', outcome.conflicts)
            : outcome.kind === 'merged'
              ? `Reverted as ${outcome.commit.slice(0, 8)}`
              : 'Nothing to revert.',
        )
        return outcome.kind === 'conflicts' ? 1 : 0
      }
      case 'restore': {
        need(1)
        if (!opts.from) throw new WeftError('bad-input', 'Say which commit with --from COMMIT.')
        vc.restoreFile(branch, resolveCommit(opts.from), args[0])
        return 0
      }
      case 'checkout':
        need(1)
        return await checkout(args[0], {
          ws,
          vc,
          branch,
          branchGiven: opts.branch !== undefined,
          print,
          warn: (line) => io.err(`weft checkout: ${line}`),
        })
      case 'sync':
        need(1)
        return await sync(args[0], {
          ws,
          vc,
          branch,
          branchGiven: opts.branch !== undefined,
          print,
          warn: (line) => io.err(`weft sync: ${line}`),
        })
      default:
        io.err(`weft: unknown command "${command}"\n${USAGE}`)
        return 2
    }
  } catch (error) {
    io.err(`weft ${command}: ${(error as Error).message}`)
    return 2
  } finally {
    const pending = await profile.close()
    if (pending > 0 && !READ_COMMANDS.has(command))
      io.err(
        `weft: ${pending} document(s) saved locally but not yet on the relay; run any weft command later to retry.`,
      )
  }
}
