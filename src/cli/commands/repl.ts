import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { DocHandle } from '@automerge/automerge-repo'
import { WeftError } from '../../model/errors.ts'
import { appendedRequests, renderIndex, renderLog, type CodeBlock } from '../../repl/markdown.ts'
import { NodeWorkerExecutor } from '../../repl/nodeExecutor.ts'
import { RealmRuntime } from '../../repl/RealmRuntime.ts'
import { newRealmKey, parseRealmKey, type RealmKey } from '../../repl/realmKey.ts'
import { ReplSession } from '../../repl/ReplSession.ts'
import type { EventKind, EventView, JobView, RealmId } from '../../repl/types.ts'
import { defaultHome, Profile } from '../Profile.ts'
import { commandArgs } from '../args.ts'

export const REPL_HELP = `Usage: weft repl COMMAND [--repo NAME] [--relay URL] [--home DIR] [--json]
  list                                  the repository's realms (Markdown registry; --json for data)
  log REALM                             a realm's log as Markdown
  eval --realm REALM [--timeout S] [--language L] CODE
                                        run CODE (or stdin, if CODE is - or absent) in the realm; prints the result
  append REALM                          stdin is the realm's log with text appended below its last line (or just
                                        the appended text): each complete fenced code block there is run in order
  serve [--label TEXT] [--key-file F]   host a Node realm (a worker thread, with this user's full access) here until
                                        Ctrl-C; it runs only jobs signed with its key (the profile's, or F's)
  key [--new]                           print this profile's realm key, creating it (--new: replace it; holders of
                                        the old key lose access). Hand it only to agents you trust with your machine.
eval and append sign jobs with --key-file F, else $WEFT_REPL_KEY, else this profile's key; a realm refuses
("not authorized") a job its owner's key did not sign. The app's REPL panel shows its realms' keys.
REALM is a realm id or a unique prefix of one. Exit codes: 0 ok, 1 the code failed or timed out, 2 usage or bad input.`

/** What `weft repl` needs from the terminal. */
export interface ReplIo {
  out: (text: string) => void
  err: (line: string) => void
  stdin: () => Promise<Uint8Array>
  /** Subscribes to Ctrl-C (ends `serve`); returns the unsubscribe. */
  onInterrupt?: (stop: () => void) => () => void
}

/** Where a profile keeps its realm key (0600): the key `serve` uses and `eval` signs with by default. */
const keyPath = (home: string) => join(home, 'repl-key')

/** The key in `file`, refused with the file named if it is not one. */
function readKey(file: string): RealmKey {
  try {
    return parseRealmKey(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new WeftError('bad-input', `${file}: ${(error as Error).message}`)
  }
}

/** `--key-file`, else `$WEFT_REPL_KEY`, else the profile's key if it has one. */
function requesterKey(home: string, keyFile: string | undefined): RealmKey | undefined {
  if (keyFile !== undefined) return readKey(keyFile)
  if (process.env.WEFT_REPL_KEY) return parseRealmKey(process.env.WEFT_REPL_KEY)
  return existsSync(keyPath(home)) ? readKey(keyPath(home)) : undefined
}

/** The profile's key, created (or replaced, with `fresh`) as a file only its user can read. */
function profileKey(home: string, fresh: boolean): RealmKey {
  const path = keyPath(home)
  if (!fresh && existsSync(path)) return readKey(path)
  const key = newRealmKey()
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, `${key}\n`, { mode: 0o600 })
  return key
}

/** How long the CLI waits for the relay to bring the session document up to date before reading it. */
const SETTLE_MS = 5_000

const processInterrupt = (stop: () => void) => {
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return () => {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

/** `weft repl …`: returns the exit code. */
export async function replCommand(argv: string[], io: ReplIo): Promise<number> {
  const parsed = commandArgs(
    'repl',
    argv,
    {
      repo: { type: 'string' },
      relay: { type: 'string', multiple: true, default: [] },
      home: { type: 'string' },
      json: { type: 'boolean', default: false },
      realm: { type: 'string' },
      timeout: { type: 'string' },
      language: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', default: false },
      'key-file': { type: 'string' },
      new: { type: 'boolean', default: false },
    },
    io.err,
    REPL_HELP,
  )
  if (!parsed) return 2
  const {
    values: opts,
    positionals: [command, ...args],
  } = parsed
  if (opts.help || !command) {
    if (command || opts.help) io.out(`${REPL_HELP}\n`)
    else io.err(REPL_HELP)
    return command || opts.help ? 0 : 2
  }
  if (!['list', 'log', 'eval', 'append', 'serve', 'key'].includes(command)) {
    io.err(`weft repl: unknown command "${command}"\n${REPL_HELP}`)
    return 2
  }
  const timeoutSeconds = opts.timeout === undefined ? undefined : Number(opts.timeout)
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) {
    io.err('weft repl: --timeout expects a positive number of seconds.')
    return 2
  }

  const home = opts.home ?? defaultHome()
  let key: RealmKey | undefined
  try {
    if (command === 'key') {
      io.out(`${profileKey(home, opts.new)}\n`)
      return 0
    }
    if (command === 'serve') {
      key =
        opts['key-file'] !== undefined
          ? readKey(opts['key-file'])
          : existsSync(keyPath(home))
            ? readKey(keyPath(home))
            : undefined
      if (!key) {
        io.err(
          'weft repl serve: refusing to run code without a realm key (anyone with the repository link could run code as you): create one with `weft repl key` and hand it only to agents you trust, or pass --key-file FILE.',
        )
        return 2
      }
    } else key = requesterKey(home, opts['key-file'])
  } catch (error) {
    io.err(`weft repl ${command}: ${(error as Error).message}`)
    return 2
  }

  // The relays connect while the repository and its session load from disk: each command is a
  // process of its own, so this waiting is paid every time (measured by bench/repl.bench.ts).
  const profile = await Profile.open(home, opts.relay, { wait: false })
  try {
    const summary = profile.pick(opts.repo)
    const [{ ws }] = await Promise.all([profile.open(summary, { settle: false }), profile.waitForRelays()])
    if (command === 'serve') {
      await profile.settle()
      return await serve(profile, await ReplSession.ensure(profile.repo, ws.handle), key!, opts.label, io)
    }
    // Only the session is read: the rest of the repository need not be brought up to date, unless
    // this disk has not heard of the session yet.
    let session = await ReplSession.find(profile.repo, ws.handle)
    if (!session) {
      await profile.settle()
      session = await ReplSession.find(profile.repo, ws.handle)
    }
    if (!session)
      throw new WeftError(
        'not-found',
        'No realm has ever opened in this repository: open a tab and allow it to run code, or `weft repl serve`.',
      )
    await settle(profile, session.handle)
    const requester = process.env.WEFT_AUTHOR ?? process.env.USER ?? 'agent'
    switch (command) {
      case 'list': {
        const realms = session.realms()
        io.out(opts.json ? `${JSON.stringify(realms, null, 2)}\n` : renderIndex(session, ws.name))
        return 0
      }
      case 'log': {
        const realm = resolveRealm(session, args[0])
        io.out(opts.json ? `${JSON.stringify(session.log(realm), null, 2)}\n` : renderLog(session, realm))
        return 0
      }
      case 'eval': {
        const realm = resolveRealm(session, opts.realm)
        const code =
          args.length && args[0] !== '-' ? args.join(' ') : new TextDecoder().decode(await io.stdin())
        const block = { code, language: opts.language ?? 'javascript' }
        return report(await send(session, realm, block, requester, key, timeoutSeconds), opts.json, io)
      }
      default: {
        const realm = resolveRealm(session, args[0])
        let code = 0
        for (const block of appendedRequests(new TextDecoder().decode(await io.stdin())))
          code = Math.max(
            code,
            report(await send(session, realm, block, requester, key, timeoutSeconds), opts.json, io),
          )
        return code
      }
    }
  } catch (error) {
    io.err(`weft repl ${command}: ${(error as Error).message}`)
    return 2
  } finally {
    await profile.close()
  }
}

async function send(
  session: ReplSession,
  realm: RealmId,
  block: CodeBlock,
  requester: string,
  key: RealmKey | undefined,
  timeoutSeconds?: number,
): Promise<Printed> {
  const job = await session.request({
    realm,
    code: block.code,
    language: block.language,
    requester,
    ...(key === undefined ? {} : { key }),
    ...(timeoutSeconds ? { timeoutMs: Math.round(timeoutSeconds * 1000) } : {}),
  })
  const { job: done, console } = await session.reply(realm, job, key)
  return {
    ...done,
    console: console.map(({ kind, text, stack, time }) => ({
      kind,
      text,
      ...(stack === undefined ? {} : { stack }),
      time,
    })),
  }
}

/** A job's outcome with what the realm printed while it ran. */
type Printed = JobView & { console: Pick<EventView, 'kind' | 'text' | 'stack' | 'time'>[] }

/** Where Node prints each kind: log, info and debug on stdout; warnings and errors on stderr. */
const ON_STDOUT: readonly EventKind[] = ['log', 'info', 'debug']
const CONSOLE: readonly EventKind[] = [...ON_STDOUT, 'warn', 'error']

/**
 * Prints a job's console output, in order, each line marked (`[console.log] …`; an error nobody
 * caught as `[uncaught] …`) so it never passes for the result, then its outcome; returns its exit code.
 */
function report(job: Printed, json: boolean, io: ReplIo): number {
  if (json) io.out(`${JSON.stringify(job, null, 2)}\n`)
  else
    for (const { kind, text } of job.console) {
      const mark = CONSOLE.includes(kind) ? `[console.${kind}]` : `[${kind}]`
      const lines = text
        .split('\n')
        .map((line) => `${mark} ${line}`)
        .join('\n')
      if (ON_STDOUT.includes(kind)) io.out(`${lines}\n`)
      else io.err(lines)
    }
  if (!json && job.state === 'finished') io.out(`${job.result?.text ?? ''}\n`)
  if (job.state === 'failed') io.err(job.error?.stack ?? `${job.error?.name}: ${job.error?.message}`)
  if (job.state === 'timed-out') io.err(`weft repl: timed out: ${job.reason}`)
  return job.state === 'finished' ? 0 : 1
}

/** A realm by id or unique id prefix. */
function resolveRealm(session: ReplSession, prefix?: string): RealmId {
  if (!prefix) throw new WeftError('bad-input', 'Say which realm (an id from `weft repl list`).')
  const matches = session.realms().filter((r) => r.id.startsWith(prefix))
  if (matches.length === 1) return matches[0].id
  throw new WeftError(
    'not-found',
    matches.length
      ? `"${prefix}" matches several realms; give more of its id.`
      : `No realm "${prefix}" in this repository; see \`weft repl list\`.`,
  )
}

/** Lets a connected relay bring the session document up to date (bounded), so heartbeats are current. */
async function settle(profile: Profile, handle: DocHandle<unknown>): Promise<void> {
  if (!profile.relays.statuses().some((s) => s.state.kind === 'connected')) return
  const deadline = Date.now() + SETTLE_MS
  while (!profile.relays.confirms(handle) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20))
}

/** Hosts a Node realm until interrupted. */
async function serve(
  profile: Profile,
  session: ReplSession,
  key: RealmKey,
  label: string | undefined,
  io: ReplIo,
): Promise<number> {
  const executor = new NodeWorkerExecutor()
  const runtime = RealmRuntime.start({
    session,
    executor,
    key,
    kind: 'worker',
    label: label ?? `node ${process.pid}`,
    owner: profile.repo.peerId,
    onRealm: (realm) => io.out(`Serving realm ${realm} (Ctrl-C to stop)\n`),
  })
  await new Promise<void>((resolve) => {
    const unsubscribe = (io.onInterrupt ?? processInterrupt)(() => {
      unsubscribe()
      resolve()
    })
  })
  runtime.stop()
  await executor.terminate()
  return 0
}
