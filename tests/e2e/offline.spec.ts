import { readdirSync } from 'node:fs'
import { expect, test, type Page } from '@playwright/test'
import { STARTUP_GRAMMARS } from '../../build/grammarCaching.ts'
import { GRAMMAR_FILES } from '../../src/syntax/languages.ts'
import {
  createPath,
  createRepository,
  editor,
  reloadOffline,
  treeItem,
  waitSaved,
  paste,
} from './fixtures.ts'

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

test('the first visit precaches only the grammars parsed on start and no heavy runtime; another grammar is kept on first use, for offline', async ({
  page,
  context,
  request,
}) => {
  const sw = await (await request.get('/sw.js')).text()
  const precached = [...sw.matchAll(/assets\/(tree-sitter-\w+?)-[\w-]{8}\.wasm/g)].map((match) => match[1])
  expect([...new Set(precached)].sort()).toEqual(
    STARTUP_GRAMMARS.map((id) => GRAMMAR_FILES[id].replace(/^.*\//, '').replace(/\.wasm$/, '')).sort(),
  )

  // The runtimes of browser runs are downloaded by the first run that needs one, not by the first visit.
  expect(sw).not.toMatch(/esbuild[\w-]*\.wasm/)
  expect(sw).not.toMatch(/pyodide\.asm|python_stdlib/)

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

/** Writes a file through the explorer and the editor, and waits until it is saved. */
async function writeFile(page: Page, path: string, text: string) {
  await createPath(page, 'New file', path)
  await treeItem(page, path).click()
  await editor(page, path).click()
  await paste(page, text)
  await waitSaved(page)
}

/** Runs `command` in the browser from the Run dialog and waits for it to exit; leaves the dialog open. */
async function runInBrowser(page: Page, command: string) {
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Run' })
  await dialog.getByLabel('Command', { exact: true }).fill(command)
  await dialog.getByRole('button', { name: 'Run', exact: true }).click()
  // Starting Pyodide took over 60 s once with the 2 cores shared by 30 busy processes.
  await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText(/^Exited with code 0/, {
    timeout: 100_000,
  })
  return dialog
}

/** Records every progress bar the page shows, by name and value, however short-lived (a download over loopback is quick). */
async function watchProgressBars(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = []
    Object.assign(window, { progressSeen: seen })
    new MutationObserver(() => {
      for (const bar of document.querySelectorAll('[role=progressbar], progress')) {
        const name = document.getElementById(bar.getAttribute('aria-labelledby') ?? '')?.textContent
        seen.push(`${name}: ${bar.getAttribute('aria-valuetext')}`)
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  })
  return () => page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen)
}

for (const { runtime, label, file, text, command, output } of [
  {
    runtime: 'esbuild-wasm',
    label: 'the JavaScript bundler (esbuild)',
    file: 'hi.js',
    text: "console.log('hello from ' + 'js')\n",
    command: 'node hi.js',
    output: 'hello from js',
  },
  {
    runtime: 'Pyodide',
    label: 'Python (Pyodide)',
    file: 'hi.py',
    text: "print('hello from', 'python')\n",
    command: 'python hi.py',
    output: 'hello from python',
  },
])
  test(`${runtime} is downloaded by the first run that needs it, with its progress shown, and runs offline after a reload`, async ({
    page,
    context,
  }) => {
    // A 14 MB runtime downloaded and started twice: slow on a busy machine.
    test.setTimeout(240_000)
    await createRepository(page, 'runtimes')
    await writeFile(page, file, text)
    const progressSeen = await watchProgressBars(page)
    let dialog = await runInBrowser(page, command)
    await expect(dialog.getByRole('log', { name: 'Run output' })).toContainText(output)
    const escaped = label.replace(/[()]/g, '\\$&')
    expect(await progressSeen()).toContainEqual(
      expect.stringMatching(
        new RegExp(`^Downloading ${escaped} for its first run…: \\d+\\.\\d MB of \\d+\\.\\d MB$`),
      ),
    )
    await expect(dialog.getByRole('status').filter({ hasText: /kept for offline use/ })).toHaveText(
      new RegExp(
        `^${escaped[0].toUpperCase()}${escaped.slice(1)} downloaded \\(1\\d\\.\\d MB\\) and kept for offline use\\.$`,
      ),
    )
    await dialog.getByRole('button', { name: 'Close' }).click()

    await reloadOffline(page, context)
    await expect(page.getByRole('heading', { name: 'runtimes' })).toBeVisible()
    dialog = await runInBrowser(page, command)
    await expect(dialog.getByRole('log', { name: 'Run output' })).toContainText(output)
    // Kept: nothing was downloaded this time.
    await expect(dialog.getByText(/downloaded|Downloading/)).toHaveCount(0)
  })
