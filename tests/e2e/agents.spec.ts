import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  paste,
  shareLinkOf,
  waitSaved,
  weft,
} from './fixtures.ts'

// The browser runner has no shell and no node: modules, so the check is plain JavaScript.
const CHECK = `import { count } from './cart.js'
if (count([1, 2]) !== 2) {
  console.error('count is wrong')
  process.exit(1)
}
console.log('cart ok')
`
const CART = `export function total(items) {
  return items.reduce((sum, item) => sum + item, 0)
}

export function count(items) {
  return items.length
}
`

test('agents started through the CLI show live in the Agents panel, with their predicted conflict and landing', async ({
  page,
}) => {
  // A dozen CLI processes, each starting Node and Automerge (0.5–2 s, more on a loaded machine).
  test.setTimeout(180_000)
  await createRepository(page, 'agents')
  await createPath(page, 'New file', 'cart.js')
  await editor(page, 'cart.js').click()
  await paste(page, CART)
  await waitSaved(page)
  await commit(page, 'Cart')
  const link = await shareLinkOf(page)

  await page.getByRole('tab', { name: 'Agents' }).click()
  await expect(page.getByText('No agent branches yet.')).toBeVisible()
  const agents = page.getByRole('list', { name: 'Agent branches' })
  const agent = (name: string) => agents.getByRole('listitem', { name: `agent/${name}`, exact: true })

  const home = mkdtempSync(join(tmpdir(), 'weft-agents-e2e-'))
  const run = async (args: string[], stdin?: string) => {
    const result = await weft(home, args, stdin)
    expect(result.code, `weft ${args.join(' ')}: ${result.err}`).toBe(0)
    return result
  }
  await run(['clone', link, '--add-relay'])
  await run(['write', 'check.mjs', '--branch', 'main', '--author', 'lead'], CHECK)
  await run(['commit', '-m', 'Check', '--branch', 'main', '--author', 'lead'])

  // Ada starts (her branch appears, level with main), then writes and commits: one ahead, live.
  await run(['agent', 'start', 'ada'])
  await expect(agent('ada').getByLabel('0 ahead, 0 behind main')).toBeVisible()
  await run(
    ['write', 'cart.js', '--branch', 'agent/ada', '--author', 'ada'],
    CART.replace('sum + item, 0', 'sum + item * 2, 0'),
  )
  // Written, not yet committed: the panel counts it as the agent writes.
  await expect(agent('ada')).toContainText('1 uncommitted change')
  await run(['commit', '-m', 'Double', '--branch', 'agent/ada', '--author', 'ada'])
  await expect(agent('ada').getByLabel('1 ahead, 0 behind main')).toBeVisible()
  await expect(agent('ada')).not.toContainText('uncommitted')
  await expect(agent('ada')).toContainText('No predicted conflicts')

  // Bob edits the same function: both agents show the conflict they would have, and where.
  await run(['agent', 'start', 'bob'])
  await run(
    ['write', 'cart.js', '--branch', 'agent/bob', '--author', 'bob'],
    CART.replace('sum + item, 0', 'sum - item, 0'),
  )
  await run(['commit', '-m', 'Negate', '--branch', 'agent/bob', '--author', 'bob'])
  await expect(agent('ada')).toContainText(/Would conflict with agent\/bob: cart\.js › .*total/)
  await expect(agent('bob')).toContainText(/Would conflict with agent\/ada: cart\.js › .*total/)

  // Ada lands with a check: the landing is listed with who, which branch, the check and its output,
  // and bob now conflicts with main itself.
  await run(['land', 'agent/ada', '--check', 'echo checked cart.js && test -f cart.js', '--author', 'ada'])
  const landing = page
    .getByRole('list', { name: 'Landings' })
    .getByRole('listitem', { name: 'Landed on main' })
  await expect(landing).toContainText('ada')
  await expect(landing).toContainText('agent/ada onto main')
  await expect(landing).toContainText('echo checked cart.js && test -f cart.js')
  await landing.getByText('Check output (exit 0)').click()
  await expect(landing.getByText('checked cart.js', { exact: true })).toBeVisible()
  await expect(agent('bob')).toContainText(/Conflicts with main: cart\.js › .*total/)
  await expect(agent('ada').getByLabel('0 ahead, 0 behind main')).toBeVisible()
  await expect(agent('bob').getByLabel('1 ahead, 1 behind main')).toBeVisible()

  // In the app: two more agents, one of them breaking the check. The person selects both and lands
  // the passing part; the check streams from the browser runner, and the attempt is recorded.
  await run(['agent', 'start', 'cy'])
  await run(
    ['write', 'cart.js', '--branch', 'agent/cy', '--author', 'cy'],
    CART.replace('items.length', 'items.length + 1'),
  )
  await run(['commit', '-m', 'Off by one', '--branch', 'agent/cy', '--author', 'cy'])
  await run(['agent', 'start', 'dee'])
  await run(['write', 'notes.txt', '--branch', 'agent/dee', '--author', 'dee'], 'notes\n')
  await run(['commit', '-m', 'Notes', '--branch', 'agent/dee', '--author', 'dee'])
  await expect(agent('cy').getByLabel('1 ahead, 0 behind main')).toBeVisible()
  await expect(agent('dee').getByLabel('1 ahead, 0 behind main')).toBeVisible()
  const form = page.getByRole('group', { name: 'Branches to land on main' })
  await form.getByLabel('agent/cy').check()
  await form.getByLabel('agent/dee').check()
  await page.getByLabel('Check command').fill('node check.mjs')
  await page.getByLabel('Land the largest passing set').check()
  await page.getByRole('button', { name: 'Land', exact: true }).click()
  const log = page.getByRole('log', { name: 'Check output' })
  // The first browser run downloads esbuild-wasm (14 MB).
  await expect(log).toContainText('count is wrong', { timeout: 90_000 })
  await expect(page.getByRole('status', { name: 'Landing verdict' })).toHaveText(
    'Landed in part: agent/dee',
    {
      timeout: 60_000,
    },
  )
  await expect(log).toContainText('cart ok')
  const partial = page
    .getByRole('list', { name: 'Landings' })
    .getByRole('listitem', { name: 'Landed in part on main' })
  await expect(partial).toContainText('Break the check: agent/cy')
  await expect(agent('dee').getByLabel('0 ahead, 0 behind main')).toBeVisible()
  await expect
    .poll(async () => (await weft(home, ['cat', 'notes.txt', '--branch', 'main'])).out, { timeout: 30_000 })
    .toBe('notes\n')
})
