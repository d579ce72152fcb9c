import { expect, test } from '@playwright/test'
import { createPath, createRepository, visibleTree } from './fixtures.ts'

for (const [name, reason] of [
  ['../outside.ts', 'cannot point outside'],
  ['/etc/passwd', 'starts with "/"'],
  ['bad\u0000name.ts', 'NUL'],
  ['x'.repeat(256), 'longer than 255 bytes'],
  ['a//b.ts', 'empty folder name'],
]) {
  test(`a file named ${JSON.stringify(name.slice(0, 20))} is refused with a clear message`, async ({
    page,
  }) => {
    await createRepository(page, 'names')
    await page.getByRole('button', { name: 'New file' }).click()
    const dialog = page.getByRole('dialog', { name: 'New file' })
    await dialog.getByLabel('Path').fill(name)
    expect(await dialog.getByLabel('Path').inputValue()).toBe(name)
    await dialog.getByRole('button', { name: 'Create' }).click()
    await expect(dialog.getByRole('alert')).toContainText(reason)
    // The dialog stays open with the name kept, so it can be corrected.
    await dialog.getByLabel('Path').fill('fixed.ts')
    await dialog.getByRole('button', { name: 'Create' }).click()
    await expect(dialog).toBeHidden()
    await expect.poll(() => visibleTree(page)).toEqual(['1:fixed.ts'])
  })
}

test('a name that is taken is refused', async ({ page }) => {
  await createRepository(page, 'taken')
  await createPath(page, 'New file', 'a.ts')
  await page.getByRole('button', { name: 'New folder' }).click()
  const dialog = page.getByRole('dialog', { name: 'New folder' })
  await dialog.getByLabel('Path').fill('a.ts')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog.getByRole('alert')).toHaveText('"a.ts" already exists.')
})
