import { spawn } from 'node:child_process'
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test'

/** Opens the app on a fresh profile and creates a repository; returns once its workspace shows. */
export async function createRepository(page: Page, name: string): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Repository name').fill(name)
  await page.getByRole('button', { name: 'Create repository' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
}

/** Cuts the network and reloads, once the service worker owns the page (so it serves the app shell). */
export async function reloadOffline(page: Page, context: BrowserContext): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
  await page.reload()
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true)
  await context.setOffline(true)
  await page.reload()
}

/** Creates a file or folder through the explorer's dialog. */
export async function createPath(page: Page, kind: 'New file' | 'New folder', path: string): Promise<void> {
  await page.getByRole('button', { name: kind, exact: true }).click()
  const dialog = page.getByRole('dialog', { name: kind })
  await dialog.getByLabel('Path').fill(path)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
}

/** The tree as the person sees it: each visible row as `depth:name`. */
export async function visibleTree(page: Page): Promise<string[]> {
  const items = page.getByRole('tree', { name: 'Files' }).getByRole('treeitem')
  return items.evaluateAll((nodes) =>
    nodes.map((n) => `${n.getAttribute('aria-level')}:${n.textContent?.trim().replace(/^[▾▸·◆]/, '')}`),
  )
}

export const treeItem = (page: Page, name: string) =>
  page.getByRole('tree', { name: 'Files' }).getByRole('treeitem', { name, exact: true })

export const editor = (page: Page, path: string) => page.getByRole('textbox', { name: `Editor: ${path}` })

export async function waitSaved(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Save state' })).toHaveText('All changes saved')
}

/**
 * Pastes `text` into the focused editor, as the clipboard does: one change. (Playwright's
 * `insertText` enters each line break as a separate paragraph command, about 5 ms a line.)
 */
export async function paste(page: Page, text: string): Promise<void> {
  await page.evaluate((text) => {
    const target = document.activeElement
    if (!target?.closest('.cm-content')) throw new Error('paste: no editor has the focus')
    const clipboardData = new DataTransfer()
    clipboardData.setData('text/plain', text)
    target.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }))
  }, text)
}

/** The repository's share link, read from the Share dialog once it names a relay. */
export async function shareLinkOf(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share' }).click()
  const dialog = page.getByRole('dialog', { name: 'Share repository' })
  await expect(dialog.getByLabel('Link')).toHaveValue(/relay=/)
  const link = await dialog.getByLabel('Link').inputValue()
  await dialog.getByRole('button', { name: 'Done' }).click()
  return link
}

/** Commits every change with `message` from the Changes tab, then shows the files again. */
export async function commit(page: Page, message: string) {
  await page.getByRole('tab', { name: 'Changes' }).click()
  await page.getByLabel('Commit message').fill(message)
  await page.getByRole('button', { name: 'Commit', exact: true }).click()
  await expect(page.getByRole('status').filter({ hasText: /^Committed/ })).toBeVisible()
  await expect(page.getByText('No changes since the last commit.')).toBeVisible()
  await page.getByRole('tab', { name: 'Files' }).click()
}

/** Switches the branch picker to the branch named `name`. */
export async function switchBranch(page: Page, name: string) {
  const picker = page.getByLabel('Branch', { exact: true })
  const value = await picker.locator('option', { hasText: new RegExp(`^${name}( |$)`) }).getAttribute('value')
  await picker.selectOption(value!)
}

/** Runs the real `weft` CLI as an agent would, with its own profile folder. */
export function weft(
  home: string,
  args: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/weft.js', ...args, '--home', home])
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
    })
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
    })
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }))
    child.stdin.end(stdin)
  })
}

/**
 * Checks that the box `sized` is resized by its horizontal splitter by keyboard and by dragging, and keeps
 * its height after `reopen` (a reload and opening the panel again).
 */
export async function resizesAndRemembers(
  page: Page,
  splitter: () => Locator,
  sized: () => Locator,
  reopen: () => Promise<void>,
) {
  const height = async () => Math.round((await sized().boundingBox())!.height)
  await expect(splitter()).toHaveAttribute('aria-orientation', 'horizontal')
  const start = Number(await splitter().getAttribute('aria-valuenow'))
  expect(await height()).toBe(start)

  await splitter().focus()
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowDown')
  await expect(splitter()).toHaveAttribute('aria-valuenow', String(start + 20))
  expect(await height()).toBe(start + 20)
  await page.keyboard.press('ArrowUp')
  await expect(splitter()).toHaveAttribute('aria-valuenow', String(start + 10))
  await page.keyboard.press('Home')
  const min = Number(await splitter().getAttribute('aria-valuemin'))
  await expect(splitter()).toHaveAttribute('aria-valuenow', String(min))
  expect(await height()).toBe(min)

  await splitter().scrollIntoViewIfNeeded()
  const box = (await splitter().boundingBox())!
  await page.mouse.move(box.x + 40, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + 50, box.y + box.height / 2 + 30, { steps: 4 })
  await page.mouse.move(box.x + 60, box.y + box.height / 2 + 60, { steps: 4 })
  await page.mouse.up()
  await expect(splitter()).toHaveAttribute('aria-valuenow', String(min + 60))
  expect(await height()).toBe(min + 60)

  await page.reload()
  await reopen()
  await expect(splitter()).toHaveAttribute('aria-valuenow', String(min + 60))
  expect(await height()).toBe(min + 60)
}
