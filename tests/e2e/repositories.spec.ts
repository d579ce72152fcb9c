import { expect, test } from '@playwright/test'
import { createRepository } from './fixtures.ts'

test('the repository list: create, open, rename, delete with confirmation', async ({ page }) => {
  await createRepository(page, 'first')
  await page.getByRole('link', { name: 'All repositories' }).click()
  await page.getByLabel('Repository name').fill('second')
  await page.getByRole('button', { name: 'Create repository' }).click()
  await page.getByRole('link', { name: 'All repositories' }).click()
  const list = page.getByRole('list', { name: 'Repositories' })
  await expect(list.getByRole('link')).toHaveText(['first', 'second'])

  await page.getByRole('button', { name: 'Rename first' }).click()
  const rename = page.getByRole('dialog', { name: 'Rename first' })
  await rename.getByLabel('New name').fill('zeroth')
  await rename.getByRole('button', { name: 'Rename' }).click()
  await expect(list.getByRole('link')).toHaveText(['second', 'zeroth'])

  await page.getByRole('button', { name: 'Delete second' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete repository?' })
  await expect(confirm).toContainText('"second" and all its files will be removed')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(list.getByRole('link')).toHaveText(['second', 'zeroth'])
  await page.getByRole('button', { name: 'Delete second' }).click()
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect(list.getByRole('link')).toHaveText(['zeroth'])

  await page.reload()
  await expect(list.getByRole('link')).toHaveText(['zeroth'])
  await list.getByRole('link', { name: 'zeroth' }).click()
  await expect(page.getByRole('heading', { name: 'zeroth' })).toBeVisible()
})

test('a repository link that is not in this browser says so', async ({ page }) => {
  await page.goto('/#/repo/not-a-real-id')
  await expect(page.getByRole('alert')).toContainText('not in this list')
  await page.getByRole('link', { name: 'Back to repositories' }).click()
  await expect(page.getByRole('heading', { name: 'Repositories' })).toBeVisible()
})

test('the theme follows the system and can be switched', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto('/')
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
  expect(await background()).toBe('rgb(30, 30, 46)') // Mocha base
  await page.emulateMedia({ colorScheme: 'light' })
  expect(await background()).toBe('rgb(239, 241, 245)') // Latte base
  await page.getByLabel('Theme').selectOption('mocha')
  expect(await background()).toBe('rgb(30, 30, 46)')
  await page.reload()
  await expect(page.getByLabel('Theme')).toHaveValue('mocha')
  expect(await background()).toBe('rgb(30, 30, 46)')
  await page.getByLabel('Theme').selectOption('system')
  expect(await background()).toBe('rgb(239, 241, 245)')
})

test('when storage cannot start, the page says why instead of waiting forever', async ({ page }) => {
  // The storage worker's script cannot load (a worker's own requests cannot be routed, its script can).
  await page.route('**/repo.worker-*.js', (route) => route.abort())
  await page.goto('/')
  await expect(page.getByRole('alert')).toHaveText('Weft could not start: the storage worker could not load.')
})
