/**
 * What an MCP tool is: a name, a description for the agent, a zod schema for its arguments (the SDK
 * turns it into the JSON schema `tools/list` shows and checks every call against it), and a body
 * that calls the same core functions as the matching CLI command and returns plain data.
 */
import { z } from 'zod'
import type { Profile } from '../../cli/Profile.ts'
import type { RepositoryContext } from '../../cli/session.ts'
import type { RealmKey } from '../../repl/realmKey.ts'

/** What every tool's body gets: the server's open profile, and the repository a call names. */
export interface ToolContext {
  profile: Profile
  /** The profile folder (for caches kept beside it, as `weft search` keeps its index). */
  home: string
  /** Who the server's changes are recorded as (`--author`, `$WEFT_AUTHOR`, …), as for the CLI. */
  author: string
  /** The repository and branch a call names (`repo`, `branch`), else the only repository and its current branch. */
  repository(target: Target): Promise<RepositoryContext>
  /** The local runner the `run` tool may use: only when the server was given its token. */
  runner?: { relay: string; token: string }
  /** The key REPL jobs are signed with, when the server was given one (else the profile's). */
  replKey?: RealmKey
}

/** Which repository and branch a call acts on; both optional, as `--repo` and `--branch` are. */
export interface Target {
  repo?: string
  branch?: string
}

/** The arguments every repository tool takes: where it acts. */
export const TARGET = {
  repo: z
    .string()
    .min(1)
    .optional()
    .describe('Repository name or id (see repositories_list); optional when the profile has only one.'),
  branch: z
    .string()
    .min(1)
    .optional()
    .describe("Branch name; default: the repository's current branch (see branches_list)."),
}

export interface Tool<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string
  description: string
  input: Shape
  /** True for a tool that changes nothing (the client may run it without asking). */
  readOnly?: boolean
  /** False for a tool the server does not offer in this session (`run` without a runner token); offered by default. */
  available?: (context: ToolContext) => boolean
  /** Plain data, sent to the client as JSON text. Throw (a WeftError, ideally) for bad input: the client gets a tool error. */
  run(args: z.infer<z.ZodObject<Shape>>, context: ToolContext): Promise<unknown>
}

/** Declares a tool, typing its body's arguments from its schema. */
export const tool = <Shape extends z.ZodRawShape>(definition: Tool<Shape>): Tool =>
  definition as unknown as Tool
