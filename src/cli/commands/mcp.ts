/** `weft mcp`: serves the Model Context Protocol over stdio for coding agents (src/mcp/). */
import { readFileSync } from 'node:fs'
import { serveMcp } from '../../mcp/server.ts'
import { parseRealmKey, type RealmKey } from '../../repl/realmKey.ts'
import { commandArgs } from '../args.ts'
import type { Command } from '../io.ts'
import { defaultHome } from '../Profile.ts'
import { relayProblem } from '../relayAddress.ts'
import { authorOf } from '../session.ts'

export const MCP_HELP = `Usage: weft mcp [--home DIR] [--relay URL]… [--author NAME]
                [--runs-token T | --runs-token-file F] [--runs-relay URL] [--repl-key-file F]
Serves Weft's tools (repositories, files, status, diff, commit, log, branches, merge, search) to a coding
agent over the Model Context Protocol on stdin/stdout, until stdin closes. Changes are recorded as --author
(else $WEFT_AUTHOR, else the user). Configure your agent to start it, e.g. \`claude mcp add weft -- weft mcp\`.
The run tool is offered only with the local runner's token (--runs-token, --runs-token-file: the relay's
DATA/runs-token, or $WEFT_RUNS_TOKEN), as for weft run; its relay is --runs-relay, $WEFT_RELAY or
http://127.0.0.1:8787. REPL jobs are signed with --repl-key-file, else $WEFT_REPL_KEY, else the profile's key.`

export const mcp: Command = async (argv, io) => {
  const parsed = commandArgs(
    'mcp',
    argv,
    {
      home: { type: 'string' },
      relay: { type: 'string', multiple: true, default: [] },
      author: { type: 'string' },
      'runs-token': { type: 'string' },
      'runs-token-file': { type: 'string' },
      'runs-relay': { type: 'string' },
      'repl-key-file': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    io.err,
    MCP_HELP,
  )
  if (!parsed) return 2
  const { values: opts } = parsed
  if (opts.help) {
    io.out(MCP_HELP + '\n')
    return 0
  }
  const bad = opts.relay.find((address) => relayProblem(address) !== '')
  if (bad !== undefined) {
    io.err(`weft mcp: ${relayProblem(bad)}`)
    return 2
  }
  let token = opts['runs-token'] ?? process.env.WEFT_RUNS_TOKEN
  if (!token && opts['runs-token-file']) {
    try {
      token = readFileSync(opts['runs-token-file'], 'utf8').trim()
    } catch (error) {
      io.err(`weft mcp: cannot read the runner token file: ${(error as Error).message}`)
      return 2
    }
  }
  let replKey: RealmKey | undefined
  try {
    const keyText =
      opts['repl-key-file'] !== undefined
        ? readFileSync(opts['repl-key-file'], 'utf8')
        : process.env.WEFT_REPL_KEY
    if (keyText) replKey = parseRealmKey(keyText)
  } catch (error) {
    io.err(`weft mcp: the REPL key: ${(error as Error).message}`)
    return 2
  }
  // stdout carries only protocol messages: anything a library logs goes to stderr instead.
  for (const method of ['log', 'info', 'debug'] as const) console[method] = console.error
  try {
    await serveMcp({
      home: opts.home ?? defaultHome(),
      relays: opts.relay,
      author: authorOf(opts),
      log: io.err,
      ...(replKey ? { replKey } : {}),
      ...(token
        ? {
            runner: { relay: opts['runs-relay'] ?? process.env.WEFT_RELAY ?? 'http://127.0.0.1:8787', token },
          }
        : {}),
    })
  } catch (error) {
    io.err(`weft mcp: ${(error as Error).message}`)
    return 2
  }
  return 0
}
