import { expect, type Page } from '@playwright/test'

/** Opens the app on a fresh profile and creates a repository; returns once its workspace shows. */
export async function createRepository(page: Page, name: string): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Repository name').fill(name)
  await page.getByRole('button', { name: 'Create repository' }).click()
  await expect(page.getByRole('heading', { name })).toBeVisible()
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
  return items.evaluateAll((nodes) => nodes.map((n) => `${n.getAttribute('aria-level')}:${n.textContent?.trim().replace(/^[▾▸·◆]/, '')}`))
}

export const treeItem = (page: Page, name: string) => page.getByRole('tree', { name: 'Files' }).getByRole('treeitem', { name, exact: true })

export const editor = (page: Page, path: string) => page.getByRole('textbox', { name: `Editor: ${path}` })

export async function waitSaved(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Save state' })).toHaveText('All changes saved')
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
