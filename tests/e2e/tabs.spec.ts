import { expect, test } from '@playwright/test'
import { createPath, createRepository, editor, treeItem } from './fixtures.ts'

test('two tabs of one browser share the repository worker and see each other live', async ({ context, page }) => {
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
