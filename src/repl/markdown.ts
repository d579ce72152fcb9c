import { WeftError } from '../model/errors.ts'
import type { ReplSession } from './ReplSession.ts'
import type { EventView, JobView, RealmId, RealmView } from './types.ts'

/**
 * The session as Markdown an agent can read, in the manner of daebug.md: a registry (one line per
 * realm) and one chat-like log per realm. Appending a fenced code block to a log is a request
 * (`appendedRequests`).
 */

/** The log's last line: what is appended below it is a request, whatever changed above since. */
export const LOG_FOOTER = '> Write code in a fenced block below this line to run it in this realm.'

const time = (ms: number) => new Date(ms).toISOString().slice(11, 19)
const duration = (ms: number) => (ms >= 2000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`)

/** A fence longer than any backtick run in the text, so code containing ``` stays one block. */
function fenced(info: string, text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${info}\n${text}\n${fence}`
}

function realmState(session: ReplSession, realm: RealmView): string {
  if (realm.status !== 'alive') return realm.status
  const busy = session
    .log(realm.id)
    .find((e) => e.type === 'job' && (e.state === 'dispatched' || e.state === 'executing'))
  return busy ? 'executing' : 'idle'
}

/** The registry: every realm with its kind, status and last heartbeat. */
export function renderIndex(session: ReplSession, title: string, now = Date.now()): string {
  const realms = session.realms(now)
  const lines = [
    `# REPL realms: ${title}`,
    '',
    '> Realms (tabs, workers, runs) that run code for this repository. Read one with `weft repl log ID`; run code with `weft repl eval --realm ID CODE` or by appending a fenced block to its log.',
    '',
  ]
  if (!realms.length)
    lines.push('No realm has registered yet: open a tab and allow it to run code, or start a worker.')
  for (const r of realms) {
    const jobs = session.log(r.id).filter((e) => e.type === 'job').length
    lines.push(
      `* **${r.label}** \`${r.id}\` (${r.kind}) ${realmState(session, r)}, last heartbeat ${time(r.heartbeat)} UTC, ${jobs} job${jobs === 1 ? '' : 's'}`,
    )
  }
  return `${lines.join('\n')}\n`
}

/** One realm's log: requests with their replies, and background events, in order. */
export function renderLog(session: ReplSession, id: RealmId, now = Date.now()): string {
  const realm = session.realm(id, now)
  if (!realm) throw new WeftError('not-found', `No realm "${id}" in this repository; see \`weft repl list\`.`)
  const parts = [
    `# ${realm.label} \`${realm.id}\``,
    `> A REPL into a live ${realm.kind}. Append a fenced JavaScript block at the bottom and the realm runs it; the reply appears below it.`,
    `${realm.kind}, ${realm.status}, last heartbeat ${time(realm.heartbeat)} UTC, owner peer \`${realm.owner}\`, instance \`${realm.instance}\``,
  ]
  let background: EventView[] = []
  const flushBackground = () => {
    if (!background.length) return
    parts.push(
      `> **${realm.label}** background at ${time(background[0].time)}\n${background.map((e) => entryBlock(e)).join('\n')}`,
    )
    background = []
  }
  for (const entry of session.log(id)) {
    if (entry.type === 'event') {
      background.push(entry)
      continue
    }
    flushBackground()
    parts.push(jobBlock(realm.label, entry))
  }
  flushBackground()
  parts.push(LOG_FOOTER)
  return `${parts.join('\n\n')}\n`
}

function jobBlock(label: string, job: JobView): string {
  const request = `> **${job.requester}** to ${label} at ${time(job.requested)}, job \`${job.id}\`\n${fenced(job.language, job.code)}`
  const at = job.ended ?? job.requested
  const took = job.started !== undefined && job.ended !== undefined ? duration(job.ended - job.started) : ''
  switch (job.state) {
    case 'requested':
    case 'dispatched':
    case 'executing':
      return `${request}\n\n> ${job.state}…`
    case 'finished':
      return `${request}\n\n> **${label}** to ${job.requester} at ${time(at)}${took ? ` (${took})` : ''}\n${fenced(job.result?.json === undefined ? 'Text' : 'JSON', job.result?.text ?? '')}`
    case 'failed': {
      const e = job.error!
      return `${request}\n\n> **${label}** to ${job.requester} at ${time(at)} (**ERROR**${took ? ` after ${took}` : ''})\n${fenced('Error', e.stack?.includes(e.message) ? e.stack : `${e.name}: ${e.message}${e.stack ? `\n${e.stack}` : ''}`)}`
    }
    case 'timed-out':
      return `${request}\n\n> **TIMED OUT** at ${time(at)}: ${job.reason ?? 'no reason given'}`
  }
}

function entryBlock(e: EventView): string {
  const language =
    e.kind === 'uncaught' || e.kind === 'unhandled-rejection' || e.kind === 'error' ? 'Error' : 'Text'
  return fenced(
    `${language} ${e.kind === 'uncaught' || e.kind === 'unhandled-rejection' ? e.kind : `console.${e.kind}`}`,
    e.stack && !e.stack.includes(e.text) ? `${e.text}\n${e.stack}` : (e.stack ?? e.text),
  )
}

/** A code block found in Markdown. */
export interface CodeBlock {
  language: string
  code: string
}

const LANGUAGE_ALIASES: Record<string, string> = { js: 'javascript', mjs: 'javascript', '': 'javascript' }

/** The complete fenced code blocks of a Markdown text; an unclosed fence is a draft and ignored. */
export function fencedBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i])
    if (!open) continue
    const [, fence, info] = open
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`)
    const end = lines.findIndex((line, j) => j > i && close.test(line))
    if (end < 0) break
    const language = info.toLowerCase()
    blocks.push({
      language: LANGUAGE_ALIASES[language] ?? language,
      code: lines.slice(i + 1, end).join('\n'),
    })
    i = end
  }
  return blocks
}

/** The requests in a log an agent appended to: every complete fenced block after the last footer (all of them if there is none). */
export function appendedRequests(edited: string): CodeBlock[] {
  const at = edited.lastIndexOf(LOG_FOOTER)
  const blocks = fencedBlocks(at < 0 ? edited : edited.slice(at + LOG_FOOTER.length))
  if (!blocks.length)
    throw new WeftError(
      'bad-input',
      'Nothing to run: append a complete fenced code block (```js … ```) below the last line of the log.',
    )
  return blocks
}
