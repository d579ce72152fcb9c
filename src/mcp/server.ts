/**
 * `weft mcp`: the Model Context Protocol over stdio (the official SDK), so a coding agent reaches
 * Weft as tools instead of shelling out. One profile stays open for the whole session; each tool
 * calls the core functions its CLI command calls. Calls run one at a time (a branch switch and a
 * write never interleave), and what a call changed is in storage before its answer goes out, so a
 * client that kills the server loses nothing it was told was done. Bad input is a tool error
 * (`isError`), never a crash: the SDK answers arguments that fail a tool's schema the same way.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { WeftError } from '../model/errors.ts'
import type { RealmKey } from '../repl/realmKey.ts'
import { flushReady } from '../repo/flush.ts'
import { Profile } from '../cli/Profile.ts'
import { openRepository } from '../cli/session.ts'
import { TOOLS } from './tools/index.ts'
import type { Tool, ToolContext } from './tools/tool.ts'

export interface McpOptions {
  home: string
  /** Relays used as the person's own for this session (as `--relay` for any command). */
  relays: string[]
  author: string
  /** The local runner the `run` tool uses; without it there is no `run` tool. */
  runner?: { relay: string; token: string }
  /** The key REPL jobs are signed with (else the profile's). */
  replKey?: RealmKey
  /** Where a note about an unexpected failure goes (never stdout: that carries only the protocol). */
  log: (line: string) => void
}

const INSTRUCTIONS = `Weft is a live, local-first version-control workspace: working files on a branch are shared with every peer as they are written, and commits record them.
Start with repositories_list (or repository_init / repository_import), then files_list, file_read, file_write, status, commit and log. Work on your own branch (branch_create) and merge when done; a merge that conflicts returns the conflicts as data and writes nothing.`

/** The answer to a call: the tool's data as JSON text, or its error as a tool error. */
async function answer(
  tool: Tool,
  args: unknown,
  context: ToolContext,
  log: McpOptions['log'],
): Promise<CallToolResult> {
  try {
    const data = await tool.run(args as never, context)
    if (!tool.readOnly) {
      await context.profile.catalog.flushLedgers()
      await flushReady(context.profile.repo)
    }
    return { content: [{ type: 'text', text: JSON.stringify(data ?? null, null, 2) }] }
  } catch (error) {
    if (!(error instanceof WeftError))
      log(`weft mcp: ${tool.name}: ${(error as Error).stack ?? String(error)}`)
    const message = error instanceof Error ? error.message : String(error)
    return { isError: true, content: [{ type: 'text', text: `${tool.name}: ${message}` }] }
  }
}

/** The server with every tool registered against `context`; calls are run one at a time. */
export function createServer(
  context: ToolContext,
  log: McpOptions['log'],
  tools: readonly Tool[] = TOOLS,
): McpServer {
  const server = new McpServer({ name: 'weft', version: '0.1.0' }, { instructions: INSTRUCTIONS })
  let queue: Promise<unknown> = Promise.resolve()
  for (const tool of tools.filter((t) => t.available?.(context) ?? true))
    server.registerTool(
      tool.name,
      {
        description: tool.description,
        inputSchema: tool.input,
        annotations: { readOnlyHint: tool.readOnly ?? false },
      },
      (args: unknown) => {
        const turn = queue.then(() => answer(tool, args, context, log))
        queue = turn
        return turn
      },
    )
  return server
}

/** Serves MCP on stdin/stdout until the client closes stdin (or the process is told to stop). */
export async function serveMcp(options: McpOptions): Promise<void> {
  const profile = await Profile.open(options.home, options.relays, { author: options.author })
  const context: ToolContext = {
    profile,
    home: options.home,
    author: options.author,
    repository: (target) => openRepository(profile, { ...target, author: options.author }),
    ...(options.runner ? { runner: options.runner } : {}),
    ...(options.replKey ? { replKey: options.replKey } : {}),
  }
  const server = createServer(context, options.log)
  const closed = new Promise<void>((resolve) => {
    server.server.onclose = resolve
    process.stdin.once('end', resolve)
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await server.connect(new StdioServerTransport())
  await closed
  await server.close()
  await profile.close()
}
