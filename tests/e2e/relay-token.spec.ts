import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { createPath, editor, shareLinkOf, treeItem, waitSaved } from './fixtures.ts'
import { RelayProcess } from './relayProcess.ts'

/**
 * A relay started with `--token` (as `--runs` makes the normal case) refused the app's own
 * connection, and the header said "Relay unreachable · N changes pending" for good, never
 * mentioning a token.
 */

const SYNC_TOKEN = 'sync-secret-for-everyone-with-a-link'
const connection = (page: Page) => page.getByRole('status', { name: 'Connection' })
const tokenDialog = (page: Page) => page.getByRole('dialog', { name: 'Relay token' })

async function giveToken(page: Page, token: string): Promise<void> {
  const asked = tokenDialog(page)
  await asked.getByLabel('Token').fill(token)
  await asked.getByRole('button', { name: 'Connect' }).click()
}

test.describe('a relay that wants a token', () => {
  const relay = new RelayProcess()
  test.beforeAll(() => relay.start(0, ['--token', SYNC_TOKEN, '--runs']))
  test.afterAll(() => relay.stop())
  const address = () => `ws://127.0.0.1:${relay.port}/sync`

  test('the app asks for it naming the relay, says a wrong one is wrong, remembers the right one; the relay can be removed for good', async ({
    page,
  }) => {
    await page.goto(`${relay.url}/`)
    const asked = tokenDialog(page)
    await expect(asked).toContainText(`The relay ${address()} needs a token`)
    await expect(connection(page)).toHaveText(/^Relay needs a token( · 1 change pending)?$/)

    await giveToken(page, 'a-wrong-token')
    await expect(asked.getByRole('alert')).toHaveText(/The relay refused this token/)
    await giveToken(page, SYNC_TOKEN)
    await expect(asked).toBeHidden()
    await expect(connection(page)).toHaveText('Connected · all synced')

    await page.getByLabel('Repository name').fill('guarded')
    await page.getByRole('button', { name: 'Create repository' }).click()
    await createPath(page, 'New file', 'notes.md')
    await editor(page, 'notes.md').click()
    await page.keyboard.type('through the guarded relay')
    await waitSaved(page)
    await expect(connection(page)).toHaveText('Connected · all synced')

    // Remembered for this relay: a reload connects without asking.
    await page.reload()
    await expect(connection(page)).toHaveText('Connected · all synced')
    await expect(asked).toHaveCount(0)
    await page.getByRole('button', { name: 'Relays' }).click()
    const relays = page.getByRole('dialog', { name: 'Relays' })
    await expect(relays.getByLabel(`State of ${address()}`)).toHaveText('connected')

    // The relay that served the app can be removed, and stays removed.
    await relays.getByRole('button', { name: `Remove relay ${address()}` }).click()
    await expect(relays.getByRole('listitem')).toHaveCount(0)
    await expect(relays).toContainText('No relay')
    await relays.getByRole('button', { name: 'Done' }).click()
    await expect(connection(page)).toHaveText('Local only')
    await page.reload()
    await expect(page.getByRole('heading', { name: 'guarded' })).toBeVisible()
    await expect(connection(page)).toHaveText('Local only')
    await expect(asked).toHaveCount(0)
  })

  test('Share links carry the sync token where the person chose, never the runner token; they name the branch', async ({
    page,
    browser,
  }) => {
    const runnerToken = readFileSync(join(relay.dataDir, 'runs-token'), 'utf8').trim()
    await page.goto(`${relay.url}/`)
    await giveToken(page, SYNC_TOKEN)
    await expect(connection(page)).toHaveText('Connected · all synced')
    await page.getByLabel('Repository name').fill('shared-guarded')
    await page.getByRole('button', { name: 'Create repository' }).click()
    await createPath(page, 'New file', 'plan.md')
    await editor(page, 'plan.md').click()
    await page.keyboard.type('the plan')
    await waitSaved(page)

    const tokenInLink = `relay=${encodeURIComponent(`${address()}?token=${SYNC_TOKEN}`)}`
    const link = await shareLinkOf(page)
    expect(link).toMatch(/\?branch=main&relay=/)
    expect(link).toContain(tokenInLink)
    expect(link).not.toContain(runnerToken)
    // Reopened, the dialog keeps the token (it fell back to the tokenless relay before).
    expect(await shareLinkOf(page)).toContain(tokenInLink)

    // The person chooses not to put the token in links; reopening keeps that choice.
    await page.getByRole('button', { name: 'Share' }).click()
    const share = page.getByRole('dialog', { name: 'Share repository' })
    const include = share.getByRole('checkbox', { name: "Include the relay's token" })
    await expect(include).toBeChecked()
    await include.uncheck()
    await expect(share.getByLabel('Link')).toHaveValue(
      new RegExp(`relay=${encodeURIComponent(address()).replace(/\./g, '\\.')}$`),
    )
    await share.getByRole('button', { name: 'Done' }).click()
    expect(await shareLinkOf(page)).not.toContain('token')
    await page.getByRole('button', { name: 'Share' }).click()
    await expect(include).not.toBeChecked()
    await include.check()
    await share.getByRole('button', { name: 'Done' }).click()

    // Another person opens the link: no token asked, the repository and its file are there.
    const other = await browser.newContext()
    const peer = await other.newPage()
    await peer.goto(`${relay.url}/${link.slice(link.indexOf('#'))}`)
    await expect(peer.getByRole('heading', { name: 'shared-guarded' })).toBeVisible({ timeout: 30_000 })
    await treeItem(peer, 'plan.md').click()
    await expect(editor(peer, 'plan.md')).toHaveText('the plan')
    await expect(connection(peer)).toHaveText(/^Connected/)
    await expect(tokenDialog(peer)).toHaveCount(0)
    await other.close()
  })
})

test('the header shows the true state: connected through one relay, the other relay’s problem in view', async ({
  page,
}) => {
  const guarded = new RelayProcess()
  await guarded.start(0, ['--token', SYNC_TOKEN])
  const address = `ws://127.0.0.1:${guarded.port}/sync`
  try {
    await page.goto('/')
    await page.getByLabel('Repository name').fill('two relays')
    await page.getByRole('button', { name: 'Create repository' }).click()
    await expect(connection(page)).toHaveText('Connected · all synced')
    await page.getByRole('button', { name: 'Share' }).click()
    const share = page.getByRole('dialog', { name: 'Share repository' })
    await share.getByLabel('Another relay').fill(address)
    await share.getByRole('button', { name: 'Use relay' }).click()
    await expect(tokenDialog(page)).toContainText(`The relay ${address} needs a token`)
    await tokenDialog(page).getByRole('button', { name: 'Not now' }).click()
    await share.getByRole('button', { name: 'Done' }).click()

    await expect(connection(page)).toHaveText('Connected · all synced · 1 relay needs a token')
    await page.getByRole('button', { name: 'Relays' }).click()
    const relays = page.getByRole('dialog', { name: 'Relays' })
    await expect(relays.getByLabel(`State of ${address}`)).toHaveText('needs a token')
    await relays.getByRole('button', { name: `Enter token for ${address}` }).click()
    await giveToken(page, SYNC_TOKEN)
    await expect(tokenDialog(page)).toBeHidden()
    await expect(connection(page)).toHaveText('Connected · all synced')

    await guarded.stop()
    await expect(connection(page)).toHaveText(/^Connected · all synced · 1 relay unreachable$/)
  } finally {
    await guarded.stop()
  }
})
