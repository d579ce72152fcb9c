import { expect, test } from '@playwright/test'
import { createPath, createRepository, editor, treeItem } from './fixtures.ts'
import { RelayProcess } from './relayProcess.ts'

test('two tabs of one browser share the repository worker and see each other live', async ({
  context,
  page,
}) => {
  await createRepository(page, 'shared')
  await createPath(page, 'New file', 'a.ts')
  const other = await context.newPage()
  await other.goto(page.url())
  await expect(other.getByRole('heading', { name: 'shared' })).toBeVisible()
  await treeItem(other, 'a.ts').click()

  await editor(page, 'a.ts').click()
  await page.keyboard.type('from the first tab')
  await expect(editor(other, 'a.ts')).toHaveText('from the first tab')

  await editor(other, 'a.ts').click()
  await other.keyboard.press('Control+End')
  await other.keyboard.type(', and the second')
  await expect(editor(page, 'a.ts')).toHaveText('from the first tab, and the second')

  await createPath(other, 'New folder', 'made-in-tab-two')
  await expect(treeItem(page, 'made-in-tab-two')).toBeVisible()
})

test('without SharedWorker (as on Android), each tab runs its own worker and tabs still sync, relay or not', async ({
  browser,
}) => {
  const relay = new RelayProcess()
  await relay.start()
  const context = await browser.newContext({ baseURL: relay.url })
  // The browser lacks SharedWorker here: the app falls back to a dedicated worker per tab.
  await context.addInitScript(() => {
    Reflect.deleteProperty(globalThis, 'SharedWorker')
  })
  const page = await context.newPage()
  await createRepository(page, 'no-shared-worker')
  await createPath(page, 'New file', 'a.ts')
  await editor(page, 'a.ts').click()
  await page.keyboard.type('typed in tab one')
  const other = await context.newPage()
  await other.goto(page.url())
  await treeItem(other, 'a.ts').click()
  await expect(editor(other, 'a.ts')).toHaveText('typed in tab one')

  // With the relay gone, whatever the tabs share they share between themselves.
  await relay.stop()
  await expect(other.getByRole('status', { name: 'Connection' })).toHaveText(/retrying in/)
  await editor(other, 'a.ts').click()
  await other.keyboard.press('Control+End')
  await other.keyboard.type(' and two')
  await expect(editor(page, 'a.ts')).toHaveText('typed in tab one and two')
  await context.close()
})
