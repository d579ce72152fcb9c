import { expect, test, type Locator, type Page } from '@playwright/test'
import { createPath, createRepository, editor, paste, waitSaved } from './fixtures.ts'

/**
 * Checks that the box `sized` is resized by its horizontal splitter by keyboard and by dragging, and keeps
 * its height after `reopen` (a reload and opening the panel again).
 */
async function resizesAndRemembers(
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

test('the diff view is resized by keyboard and by dragging, and keeps its height across reloads', async ({
  page,
}) => {
  await createRepository(page, 'diff-size')
  await createPath(page, 'New file', 'a.txt')
  await editor(page, 'a.txt').click()
  await paste(page, 'one\ntwo\n')
  await waitSaved(page)
  const diff = page.getByRole('dialog', { name: 'Changes in a.txt' })
  const open = async () => {
    await page.getByRole('tab', { name: 'Changes' }).click()
    await page.getByRole('button', { name: 'Show changes in a.txt' }).click()
    await expect(diff).toBeVisible()
  }
  await open()
  await resizesAndRemembers(
    page,
    () => diff.getByRole('separator', { name: 'Resize diff' }),
    () => diff.getByLabel('Diff', { exact: true }),
    open,
  )
})

test('the REPL code box is resized by keyboard and by dragging, and keeps its height across reloads', async ({
  page,
}) => {
  await createRepository(page, 'repl-size')
  const open = async () => {
    await page.getByRole('tab', { name: 'REPL' }).click()
    await expect(page.getByLabel('Code', { exact: true })).toBeVisible()
  }
  await open()
  await resizesAndRemembers(
    page,
    () => page.getByRole('separator', { name: 'Resize code box' }),
    () => page.getByLabel('Code', { exact: true }),
    open,
  )
})
