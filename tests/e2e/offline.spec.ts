import { expect, test } from '@playwright/test'
import { createPath, createRepository, editor, reloadOffline, treeItem, waitSaved } from './fixtures.ts'

test('with the network cut, a reload still opens the app and the repositories', async ({ page, context }) => {
  await createRepository(page, 'offline-notes')
  await createPath(page, 'New file', 'todo.md')
  await editor(page, 'todo.md').click()
  await page.keyboard.type('- write offline')
  await waitSaved(page)
  await reloadOffline(page, context)
  await expect(page.getByRole('heading', { name: 'offline-notes' })).toBeVisible()
  await treeItem(page, 'todo.md').click()
  await expect(editor(page, 'todo.md')).toHaveText('- write offline')
  // The cached shell keeps the isolation headers that WebContainers need.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)

  await page.getByRole('link', { name: 'All repositories' }).click()
  await expect(page.getByRole('link', { name: 'offline-notes' })).toBeVisible()
  await page.getByLabel('Repository name').fill('made-offline')
  await page.getByRole('button', { name: 'Create repository' }).click()
  await expect(page.getByRole('heading', { name: 'made-offline' })).toBeVisible()
})

test('every page is cross-origin isolated and has an install manifest', async ({ page, request }) => {
  await page.goto('/')
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true)
  const manifestHref = await page.locator('link[rel="manifest"]').getAttribute('href')
  const manifest = await (await request.get(manifestHref!)).json()
  expect(manifest).toMatchObject({ name: 'Weft', display: 'standalone' })
  expect(manifest.icons.map((i: { sizes: string }) => i.sizes)).toEqual(
    expect.arrayContaining(['192x192', '512x512']),
  )
  const health = await request.get('/health')
  expect(health.headers()['cross-origin-embedder-policy']).toBe('require-corp')
  expect(await health.json()).toMatchObject({ ok: true })
})
