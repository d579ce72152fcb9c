import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { createRepository, shareLinkOf, weft } from './fixtures.ts'

/** Opts the page in as a realm from its REPL panel; returns the realm id it got. */
async function optIn(page: Page): Promise<string> {
  await page.getByRole('tab', { name: 'REPL' }).click()
  await page.getByLabel('Run REPL code in this tab').check()
  const hint = page.getByText(/^This tab is realm /)
  await expect(hint).toBeVisible()
  return (await hint.locator('code').textContent())!
}

test('the CLI evaluates code in a chosen tab and reads its console; a closed tab times its job out; nothing runs twice', async ({ page, context }) => {
  test.setTimeout(120_000)
  await createRepository(page, 'repl')
  const link = await shareLinkOf(page)
  const other = await context.newPage()
  await other.goto(page.url())
  const realmA = await optIn(page)
  const realmB = await optIn(other)
  expect(realmB).not.toBe(realmA)

  const home = mkdtempSync(join(tmpdir(), 'weft-repl-'))
  expect((await weft(home, ['clone', link, '--add-relay'])).code).toBe(0)
  let realms: { id: string; status: string }[] = []
  await expect.poll(async () => {
    realms = JSON.parse((await weft(home, ['repl', 'list', '--json'])).out || '[]')
    return realms.filter((r) => r.status === 'alive').length
  }, { timeout: 30_000 }).toBe(2)
  const idB = realms.find((r) => r.id.startsWith(realmB))!.id
  const idA = realms.find((r) => r.id.startsWith(realmA))!.id

  // 1 + 1 in tab B, and what B logs and fails to catch lands in B's log.
  expect(await weft(home, ['repl', 'eval', '--realm', idB, '1 + 1'])).toMatchObject({ code: 0, out: '2\n' })
  expect((await weft(home, ['repl', 'eval', '--realm', idB, "console.log('hello from B'); Promise.reject(new Error('nobody caught me')); 'ok'"])).code).toBe(0)
  await page.getByLabel('Realm', { exact: true }).selectOption(idB)
  const log = page.getByRole('list', { name: 'REPL log' })
  await expect(log).toContainText('hello from B')
  await expect(log).toContainText('unhandled-rejection')
  await expect(log).toContainText('nobody caught me')

  // Exactly once: the counter of B went up by one; A never ran B's job.
  expect(await weft(home, ['repl', 'eval', '--realm', idB, 'globalThis.count = (globalThis.count ?? 0) + 1'])).toMatchObject({ code: 0, out: '1\n' })
  expect(await weft(home, ['repl', 'eval', '--realm', idB, 'globalThis.count'])).toMatchObject({ code: 0, out: '1\n' })
  expect(await weft(home, ['repl', 'eval', '--realm', idA, 'typeof globalThis.count'])).toMatchObject({ code: 0, out: '"undefined"\n' })

  // From the panel: this tab's realm, code typed and evaluated, the result shown.
  await page.getByLabel('Realm', { exact: true }).selectOption(idA)
  await page.getByLabel('Code', { exact: true }).fill('await Promise.resolve(6 * 7)')
  await page.getByRole('button', { name: 'Evaluate' }).click()
  await expect(log.getByLabel('Result').last()).toHaveText('42')
  await page.getByLabel('Realm', { exact: true }).selectOption(idB)

  // A worker realm started from the panel runs code off the page.
  await page.getByRole('button', { name: 'Start a worker realm' }).click()
  const workerHint = page.getByText(/^worker [0-9a-f]{8}/)
  await expect(workerHint).toBeVisible()
  const workerPrefix = (await workerHint.locator('code').textContent())!
  expect(await weft(home, ['repl', 'eval', '--realm', workerPrefix, 'typeof document'])).toMatchObject({ code: 0, out: '"undefined"\n' })
  expect(await weft(home, ['repl', 'eval', '--realm', idA, 'typeof document'])).toMatchObject({ code: 0, out: '"object"\n' })
  await page.getByRole('button', { name: `Stop worker realm ${workerPrefix}` }).click()
  await expect.poll(async () => (JSON.parse((await weft(home, ['repl', 'list', '--json'])).out) as { id: string; status: string }[])
    .find((r) => r.id.startsWith(workerPrefix))?.status, { timeout: 20_000 }).toBe('closed')

  // Bad requests get a clear error.
  const unknown = await weft(home, ['repl', 'eval', '--realm', 'no-such-realm', '1'])
  expect(unknown.code).toBe(2)
  expect(unknown.err).toContain('No realm "no-such-realm"')
  const huge = await weft(home, ['repl', 'eval', '--realm', idB, '-'], `'${'x'.repeat(100_000)}'`)
  expect(huge.code).toBe(2)
  expect(huge.err).toMatch(/the limit is \d+/)

  // A job running in B when B closes times out, saying why; the CLI exits 1 with that reason.
  const pending = spawn(process.execPath, ['bin/weft.js', 'repl', 'eval', '--realm', idB, '--home', home, 'await new Promise((r) => setTimeout(r, 600000))'])
  let stderr = ''
  pending.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const exited = new Promise<number | null>((resolve) => pending.on('close', resolve))
  await expect(log).toContainText('executing', { timeout: 30_000 })
  await other.close()
  await expect(log).toContainText(`realm ${idB} was closed before the job finished`, { timeout: 30_000 })
  expect(await exited).toBe(1)
  expect(stderr).toContain('was closed before the job finished')
})
