import { readdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { STARTUP_GRAMMARS } from '../../build/grammarCaching.ts'
import { GRAMMAR_FILES } from '../../src/syntax/languages.ts'
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

test('the first visit precaches only the grammars parsed on start; another is kept on first use, for offline', async ({
  page,
  context,
  request,
}) => {
  const sw = await (await request.get('/sw.js')).text()
  const precached = [...sw.matchAll(/assets\/(tree-sitter-\w+?)-[\w-]{8}\.wasm/g)].map((match) => match[1])
  expect([...new Set(precached)].sort()).toEqual(
    STARTUP_GRAMMARS.map((id) => GRAMMAR_FILES[id].replace(/^.*\//, '').replace(/\.wasm$/, '')).sort(),
  )

  // Lua's grammar is in the build but not in the precache: fetched once online, then offline too.
  const lua = readdirSync('dist/assets').find((name) => /^tree-sitter-lua-[\w-]{8}\.wasm$/.test(name))!
  expect(sw).not.toContain(lua)
  await page.goto('/')
  await reloadOffline(page, context)
  await context.setOffline(false)
  const fetchLua = (url: string) =>
    page.evaluate(async (url) => {
      const response = await fetch(url)
      return { ok: response.ok, size: (await response.arrayBuffer()).byteLength }
    }, url)
  const online = await fetchLua(`/assets/${lua}`)
  expect(online.ok).toBe(true)
  await context.setOffline(true)
  expect(await fetchLua(`/assets/${lua}`)).toEqual(online)
})
