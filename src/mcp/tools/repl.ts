/**
 * The repository's live REPL, as `weft repl list` and `weft repl eval`: code runs in a realm someone
 * opened (a browser tab that allowed it, or `weft repl serve`), which runs only jobs signed with its
 * owner's key. The server signs with --repl-key-file, else $WEFT_REPL_KEY, else the profile's key.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { WeftError } from '../../model/errors.ts'
import { parseRealmKey, type RealmKey } from '../../repl/realmKey.ts'
import { ReplSession } from '../../repl/ReplSession.ts'
import type { RealmId } from '../../repl/types.ts'
import { TARGET, tool, type ToolContext } from './tool.ts'

/** The repository's REPL session; an error saying how to get one when no realm ever opened. */
async function sessionOf(context: ToolContext, repo: string | undefined): Promise<ReplSession> {
  const { ws } = await context.repository({ repo })
  const session = await ReplSession.find(context.profile.repo, ws.handle)
  if (!session)
    throw new WeftError(
      'not-found',
      'No realm has ever opened in this repository: open a tab and allow it to run code, or `weft repl serve`.',
    )
  return session
}

/** The key jobs are signed with: the server's (--repl-key-file, $WEFT_REPL_KEY), else the profile's, if any. */
function signingKey(context: ToolContext): RealmKey | undefined {
  if (context.replKey) return context.replKey
  const file = join(context.home, 'repl-key')
  return existsSync(file) ? parseRealmKey(readFileSync(file, 'utf8')) : undefined
}

/** A realm by id or unique id prefix. */
function realmOf(session: ReplSession, prefix: string): RealmId {
  const matches = session.realms().filter((r) => r.id.startsWith(prefix))
  if (matches.length === 1) return matches[0].id
  throw new WeftError(
    'not-found',
    matches.length
      ? `"${prefix}" matches several realms; give more of its id.`
      : `No realm "${prefix}" in this repository; see repl_realms.`,
  )
}

export const replTools = [
  tool({
    name: 'repl_realms',
    description:
      "The repository's REPL realms (browser tabs or `weft repl serve` processes that run code): id, kind, label, status (alive, gone, closed).",
    input: { repo: TARGET.repo },
    readOnly: true,
    run: async ({ repo }, context) => (await sessionOf(context, repo)).realms(),
  }),
  tool({
    name: 'repl_eval',
    description:
      'Run code in a live REPL realm, as `weft repl eval`, and wait for it: returns the job (state finished, failed or timed-out; result text; error) and what it printed. The realm keeps its variables between calls.',
    input: {
      repo: TARGET.repo,
      realm: z.string().min(1).describe('A realm id or unique prefix (see repl_realms).'),
      code: z.string().min(1).describe('The code to run.'),
      language: z.string().min(1).optional().describe('Default: javascript.'),
      timeoutSeconds: z.number().positive().max(3600).optional(),
    },
    run: async ({ repo, realm, code, language, timeoutSeconds }, context) => {
      const session = await sessionOf(context, repo)
      const id = realmOf(session, realm)
      const key = signingKey(context)
      const job = await session.request({
        realm: id,
        code,
        language: language ?? 'javascript',
        requester: context.author,
        ...(key === undefined ? {} : { key }),
        ...(timeoutSeconds ? { timeoutMs: Math.round(timeoutSeconds * 1000) } : {}),
      })
      const { job: done, console } = await session.reply(id, job, key)
      const printed = console.map(({ kind, text, stack }) => ({
        kind,
        text,
        ...(stack === undefined ? {} : { stack }),
      }))
      return {
        state: done.state,
        ...(done.result ? { result: done.result.text } : {}),
        ...(done.error ? { error: done.error } : {}),
        ...(done.reason ? { reason: done.reason } : {}),
        console: printed,
      }
    },
  }),
]
