import { expect, test } from '@playwright/test'
import { createPath, createRepository, editor, treeItem, visibleTree, waitSaved } from './fixtures.ts'

test('create a repository, add files and folders, edit, reload: everything is as left', async ({ page }) => {
  await createRepository(page, 'notes')
  await createPath(page, 'New folder', 'src')
  await createPath(page, 'New file', 'src/main.ts')
  await createPath(page, 'New folder', 'docs/empty')
  await createPath(page, 'New file', 'README.md')

  await expect(page.getByRole('tab', { name: 'README.md' })).toHaveAttribute('aria-selected', 'true')
  await treeItem(page, 'main.ts').click()
  await editor(page, 'src/main.ts').click()
  await page.keyboard.type('export const answer = 42\n')
  await waitSaved(page)
  await treeItem(page, 'README.md').click()
  await editor(page, 'README.md').click()
  await page.keyboard.type('# Notes\n\nHello')
  await waitSaved(page)

  const before = ['1:docs', '2:empty', '1:src', '2:main.ts', '1:README.md']
  await expect.poll(() => visibleTree(page)).toEqual(before)

  await page.reload()
  await expect(page.getByRole('heading', { name: 'notes' })).toBeVisible()
  // The open folders are kept too: the tree is as left without opening anything.
  await expect.poll(() => visibleTree(page)).toEqual(before)
  await treeItem(page, 'main.ts').click()
  await expect(editor(page, 'src/main.ts')).toHaveText('export const answer = 42')
  await treeItem(page, 'README.md').click()
  await expect(editor(page, 'README.md')).toContainText('# Notes')
  await expect(editor(page, 'README.md')).toContainText('Hello')
})
