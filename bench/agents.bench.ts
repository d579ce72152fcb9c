/**
 * Eight coding agents on one repository, as separate `weft` processes, each with its own profile
 * and its own branch (`weft agent start`), editing overlapping code through one relay: two pairs
 * edit the same function (true conflicts), others edit other functions of the same files (which
 * the syntax-aware merge combines), and one breaks a test. Then one `weft land --partial` lands
 * them all. Prints: the time for the agents to work, the time to land all, the conflicts
 * `weft agent status` predicted before landing against those found at landing, the branches the
 * check caught, and the branches that landed clean but fail the check afterwards (goal 0).
 *
 *   npm run bench:agents
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildNode } from '../build/nodeBuild.ts'
import { startRelay } from './lib/server.ts'
import type { AgentReport } from '../src/repo/agents.ts'
import type { LandingAttempt } from '../src/repo/landings.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WEFT = join(ROOT, 'bin/weft.js')

const CART = `export function total(items) {
  return items.reduce((sum, item) => sum + item, 0)
}

export function count(items) {
  return items.length
}

export function discount(price, percent) {
  return price - (price * percent) / 100
}
`
const USER = `export function name(user) {
  return user.first + ' ' + user.last
}

export function greet(user) {
  return 'Hello, ' + user.first
}
`
// Every module under src/ is loaded, so an import that no longer resolves fails the check too.
const CHECK = `import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { total, count, discount } from './src/cart.js'
import { name, greet } from './src/user.js'
for (const file of readdirSync('src')) await import('./src/' + file)
assert.equal(total([1, 2, 3]), 6)
assert.equal(count([1, 2]), 2)
assert.equal(discount(200, 10), 180)
assert.equal(name({ first: 'Ada', last: 'L' }), 'Ada L')
assert.match(greet({ first: 'Ada', last: 'L' }), /Ada/)
console.log('all checks pass')
`

/**
 * Each agent's edits: [path, from, to] replacements on the file as main has it ('' from: a new
 * file). round × floor and hello × welcome edit the same function (true conflicts); sale breaks
 * a test on its own; rename and badge each pass alone, merge clean together, and fail together
 * (badge imports the name that rename renamed).
 */
const AGENTS: Record<string, [string, string, string][]> = {
  round: [
    [
      'src/cart.js',
      'return items.reduce((sum, item) => sum + item, 0)',
      'return Math.round(items.reduce((sum, item) => sum + item, 0))',
    ],
  ],
  floor: [
    [
      'src/cart.js',
      'return items.reduce((sum, item) => sum + item, 0)',
      'return Math.floor(items.reduce((sum, item) => sum + item, 0))',
    ],
  ],
  hello: [['src/user.js', "'Hello, ' + user.first", "'Hello there, ' + user.first"]],
  welcome: [['src/user.js', "'Hello, ' + user.first", "'Welcome, ' + user.first"]],
  sale: [['src/cart.js', 'return price - (price * percent) / 100', 'return price - percent']],
  rename: [
    ['src/user.js', 'export function name(user)', 'export function fullName(user)'],
    ['check.mjs', 'assert.equal(name(', 'assert.equal(fullName('],
    ['check.mjs', 'import { name, greet }', 'import { fullName, greet }'],
  ],
  badge: [
    [
      'src/badge.js',
      '',
      "import { name } from './user.js'\n\nexport const badge = (user) => '[' + name(user) + ']'\n",
    ],
  ],
  orders: [['src/orders.js', '', 'export const orders = []\n']],
}

interface Result {
  code: number
  out: string
  err: string
}
const weft = (home: string, args: string[], stdin?: string) =>
  new Promise<Result>((resolve) => {
    const child = execFile(
      process.execPath,
      [WEFT, ...args, '--home', home],
      { cwd: ROOT, maxBuffer: 64 << 20, env: { ...process.env, WEFT_AUTHOR: '' } },
      (error, out, err) => resolve({ code: error ? Number(error.code ?? 1) : 0, out, err }),
    )
    if (stdin !== undefined) child.stdin!.end(stdin)
  })
const must = async (home: string, args: string[], stdin?: string) => {
  const result = await weft(home, args, stdin)
  if (result.code !== 0) throw new Error(`weft ${args.join(' ')}: exit ${result.code}\n${result.err}`)
  return result
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`

await buildNode()
const work = mkdtempSync(join(tmpdir(), 'weft-agents-bench-'))
mkdirSync(join(work, 'static'))
const relay = await startRelay(ROOT, join(work, 'static'), join(work, 'relay'), {
  args: ['--max-messages-per-second', '10000'],
})
try {
  const lead = join(work, 'lead')
  await must(lead, ['relay', 'add', relay.url, '--own'])
  const init = JSON.parse((await must(lead, ['init', 'shop', '--json'])).out) as {
    share: { link: string }
  }
  await must(lead, ['write', 'src/cart.js'], CART)
  await must(lead, ['write', 'src/user.js'], USER)
  await must(lead, ['write', 'check.mjs'], CHECK)
  await must(lead, ['commit', '-m', 'shop'])

  // Eight agents, each a process sequence of its own: clone, start its branch, edit, commit.
  const files: Record<string, string> = { 'src/cart.js': CART, 'src/user.js': USER, 'check.mjs': CHECK }
  const began = performance.now()
  await Promise.all(
    Object.entries(AGENTS).map(async ([name, edits]) => {
      const home = join(work, name)
      await must(home, ['clone', init.share.link, '--add-relay'])
      await must(home, ['agent', 'start', name])
      const edited: Record<string, string> = {}
      for (const [path, from, to] of edits)
        edited[path] = from ? (edited[path] ?? files[path]).replace(from, to) : to
      for (const [path, text] of Object.entries(edited)) await must(home, ['write', path], text)
      await must(home, ['commit', '-m', `${name}'s change`])
    }),
  )
  const worked = performance.now() - began
  console.error(`agents done in ${seconds(worked)}`)

  // The lead sees every agent branch through the relay, then asks what would conflict.
  let status: AgentReport = { target: 'main', targetHead: null, agents: [] }
  let statusMs = 0
  for (let tries = 0; tries < 50; tries++) {
    const asked = performance.now()
    status = JSON.parse((await must(lead, ['agent', 'status', '--json'])).out) as AgentReport
    statusMs = performance.now() - asked
    if (status.agents.length === 8 && status.agents.every((a) => a.ahead === 1)) break
  }
  if (status.agents.length !== 8)
    throw new Error(`The lead sees ${status.agents.length} agent branches of 8.`)
  const predictedPairs = new Set(
    status.agents.flatMap((a) => a.conflicts.map((c) => [a.branch, c.branch].sort().join(' × '))),
  )

  const landStart = performance.now()
  const landed = await weft(lead, [
    'land',
    ...status.agents.map((a) => a.branch),
    '--check',
    'node check.mjs',
    '--partial',
    '--json',
  ])
  const landMs = performance.now() - landStart
  if (landed.code === 2) throw new Error(`weft land: ${landed.err}`)
  const attempt = JSON.parse(landed.out) as LandingAttempt

  // Afterwards: the target as landed, checked again in a folder of its own.
  const after = join(work, 'after')
  await must(lead, ['checkout', after, '--branch', 'main'])
  const recheck = await new Promise<number>((resolve) =>
    execFile('sh', ['-c', 'node check.mjs'], { cwd: after }, (error) => resolve(error ? 1 : 0)),
  )

  // A conflict found at landing was predicted when status named it against a branch landed before it.
  const predicted = (branch: string) =>
    status.agents.some((a) => a.branch === branch && (a.conflicts.length > 0 || a.target.length > 0))
  const found = attempt.conflicts.map((c) => c.branch)
  const unforeseen = found.filter((b) => !predicted(b))
  console.log('weft agents bench: 8 agents (separate weft processes, one profile each) through one relay')
  console.log(`  agents cloning, branching, editing and committing: ${seconds(worked)}`)
  console.log(`  weft agent status (every pair merged): ${seconds(statusMs)}`)
  console.log(
    `  time to land all (one weft land --partial, ${attempt.checks} check runs): ${seconds(landMs)}`,
  )
  console.log(
    `  conflicts predicted before landing: ${predictedPairs.size} pair(s): ${[...predictedPairs].join(', ')}`,
  )
  console.log(
    `  conflicts found at landing: ${found.length} (${found.join(', ')}); not predicted: ${unforeseen.length}`,
  )
  console.log(`  branches the check caught (not landed): ${attempt.culprits.join(', ') || 'none'}`)
  console.log(`  landed: ${attempt.landed.length} (${attempt.landed.join(', ')}); verdict ${attempt.verdict}`)
  console.log(
    `  landed clean but failing the check afterwards: ${recheck === 0 ? 0 : attempt.landed.length} (goal 0)`,
  )
} finally {
  await relay.stop()
  rmSync(work, { recursive: true, force: true })
}
