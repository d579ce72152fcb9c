import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  reloadOffline,
  treeItem,
  waitSaved,
  paste,
  switchBranch,
} from './fixtures.ts'

async function writeFile(page: Page, path: string, text: string) {
  await createPath(page, 'New file', path)
  await treeItem(page, path.slice(path.lastIndexOf('/') + 1)).click()
  await editor(page, path).click()
  await paste(page, text)
  await waitSaved(page)
}

const results = (page: Page) => page.getByRole('list', { name: 'Search results' })

test('search finds what was just typed, opens it at the line, and works after a reload with the network cut', async ({
  page,
  context,
}) => {
  await createRepository(page, 'searchable')
  await writeFile(page, 'cart.ts', 'export function total(items: number[]) {\n  return items.length\n}\n')
  await writeFile(page, 'notes.md', '# Shopping\n\nThe total is computed in cart.ts.\n')

  await page.getByRole('tab', { name: 'Search' }).click()
  await expect(page.getByRole('status', { name: 'Index status' })).toHaveText(/^Index ready: 2 files/)
  await page.getByLabel('Search files').fill('total')
  await expect(results(page).getByRole('button')).toHaveCount(2)
  // The definition ranks above the mention.
  await expect(results(page).getByRole('button').first()).toHaveAccessibleName('cart.ts:1 total')

  // A function typed into the editor is found by name within a second of the last keystroke.
  await page.getByRole('tab', { name: 'Files' }).click()
  await treeItem(page, 'cart.ts').click()
  await editor(page, 'cart.ts').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.insertText(
    '\nexport function applyDiscount(amount: number) {\n  return amount * 0.9\n}\n',
  )
  await page.getByRole('tab', { name: 'Search' }).click()
  await page.getByLabel('Search files').fill('applyDiscount')
  const found = results(page).getByRole('button', { name: /^cart\.ts:\d+ applyDiscount$/ })
  await expect(found).toBeVisible({ timeout: 1_000 })
  await found.click()
  await expect(page.locator('.cm-activeLine')).toHaveText('export function applyDiscount(amount: number) {')

  // Exact substring search inside identifiers, and a path filter.
  await page.getByLabel('Exact substring').check()
  await page.getByLabel('Search files').fill('Discou')
  await expect(results(page).getByRole('button')).toHaveCount(1)
  await page.getByLabel('Files to include').fill('*.md')
  await expect(page.getByText('No results for “Discou”.')).toBeVisible()
  await page.getByLabel('Files to include').fill('')
  await page.getByLabel('Exact substring').uncheck()

  // Filters by language and by kind: "total" is defined in TypeScript and mentioned in Markdown.
  await page.getByLabel('Search files').fill('total')
  await page.getByLabel('Language', { exact: true }).selectOption('markdown')
  await expect(results(page).getByRole('button')).toHaveCount(1)
  await expect(results(page).getByRole('button').first()).toHaveAccessibleName(/^notes\.md:/)
  await page.getByLabel('Language', { exact: true }).selectOption('')
  await page.getByLabel('Kind', { exact: true }).selectOption('function')
  await expect(results(page).getByRole('button')).toHaveCount(1)
  await expect(results(page).getByRole('button').first()).toHaveAccessibleName('cart.ts:1 total')
  await page.getByLabel('Kind', { exact: true }).selectOption('')
  await waitSaved(page)

  // After a reload, offline: the index is still there (not rebuilt) and answers.
  await reloadOffline(page, context)
  await page.getByRole('tab', { name: 'Search' }).click()
  await expect(page.getByRole('status', { name: 'Index status' })).toHaveText('Index ready: 2 files')
  await page.getByLabel('Search files').fill('applyDiscount')
  await expect(results(page).getByRole('button', { name: /^cart\.ts:\d+ applyDiscount$/ })).toBeVisible()
})

test('quick open: Ctrl+P finds a file by fuzzy name, and # finds a symbol', async ({ page }) => {
  await createRepository(page, 'quick')
  await createPath(page, 'New folder', 'src/pricing')
  await writeFile(
    page,
    'src/pricing/discounts.ts',
    'export const none = 0\n\nexport function seasonalDiscount() {\n  return 0.1\n}\n',
  )
  await writeFile(page, 'README.md', '# Quick\n')

  await page.keyboard.press('Control+p')
  const picker = page.getByRole('dialog', { name: 'Go to file or symbol' })
  await picker.getByRole('combobox').fill('prdis')
  await expect(picker.getByRole('option').first()).toHaveText('src/pricing/discounts.ts')
  await page.keyboard.press('Enter')
  await expect(picker).toBeHidden()
  await expect(page.getByRole('tab', { name: 'discounts.ts' })).toHaveAttribute('aria-selected', 'true')

  await page.getByRole('tab', { name: 'README.md' }).click()
  await page.keyboard.press('Control+p')
  await picker.getByRole('combobox').fill('#seasonal')
  await expect(picker.getByRole('option').first()).toContainText('seasonalDiscount')
  await page.keyboard.press('Enter')
  await expect(page.locator('.cm-activeLine')).toHaveText('export function seasonalDiscount() {')
})

test('a result shows its match whole and in view, in a long line and near its end', async ({ page }) => {
  await createRepository(page, 'snippets')
  const filler = (word: string) => Array.from({ length: 14 }, (_, i) => `${word}${i}`).join(' ')
  await writeFile(page, 'middle.ts', `const text = "${filler('lorem')} targetWord ${filler('dolor')}"\n`)
  await writeFile(page, 'end.ts', `const text = "${filler('ipsum')} ${filler('amet')} targetWord"\n`)

  await page.getByRole('tab', { name: 'Search' }).click()
  await expect(page.getByRole('status', { name: 'Index status' })).toHaveText(/^Index ready: 2 files/)
  await page.getByLabel('Exact substring').check()
  await page.getByLabel('Search files').fill('targetWord')
  await expect(results(page).getByRole('button')).toHaveCount(2)
  for (const path of ['middle.ts', 'end.ts']) {
    const hit = results(page).getByRole('button', { name: new RegExp(`^${path.replace('.', '\\.')}:1`) })
    const match = hit.locator('mark')
    await expect(match).toHaveText('targetWord')
    await expect(match, `${path}'s match is wholly in view`).toBeInViewport({ ratio: 1 })
  }
})

test('search by meaning, across every branch, says which branches hold each hit', async ({ page }) => {
  await createRepository(page, 'in-flight')
  // Says "backoff" and "attempt", never "retry", "failed" or "request".
  await writeFile(
    page,
    'send.ts',
    'export async function sendWithBackoff(send: () => Promise<void>) {\n  for (let attempt = 0; attempt < 5; attempt++) {\n    try {\n      return await send()\n    } catch {\n      await sleep(2 ** attempt * 100)\n    }\n  }\n}\n',
  )
  await writeFile(page, 'colors.ts', 'export const palette = { red: "#f00", green: "#0f0" }\n')
  await commit(page, 'First version')
  await page.getByRole('button', { name: 'New branch' }).click()
  const dialog = page.getByRole('dialog', { name: 'New branch' })
  await dialog.getByLabel('Name').fill('queue-work')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  await writeFile(page, 'jobs.ts', 'export function scheduleJob(delayMs: number) {\n  return delayMs\n}\n')
  await commit(page, 'Jobs')
  await switchBranch(page, 'main')

  await page.getByRole('tab', { name: 'Search' }).click()
  await expect(page.getByRole('status', { name: 'Index status' })).toHaveText(/^Index ready: 2 files/)
  await page.getByLabel('Search files').fill('scheduleJob')
  await expect(page.getByText('No results for “scheduleJob”.')).toBeVisible()
  await page.getByLabel('All branches').check()
  const job = results(page).getByRole('button', { name: 'jobs.ts:1 scheduleJob' })
  await expect(job).toContainText('on queue-work')

  // A question sharing no word with the code: word search finds nothing, search by meaning does.
  await page.getByLabel('Search files').fill('where do we retry a failed request')
  await expect(page.getByText('No results for “where do we retry a failed request”.')).toBeVisible()
  await page.getByLabel('By meaning').check()
  const first = results(page).getByRole('button').first()
  await expect(first).toHaveAccessibleName('send.ts:1 sendWithBackoff')
  await expect(first).toContainText('on main, queue-work')
  await page.getByLabel('All branches').uncheck()
  await expect(results(page).getByRole('button', { name: /^jobs\.ts/ })).toHaveCount(0)
  await expect(results(page).getByRole('button').first()).toHaveAccessibleName('send.ts:1 sendWithBackoff')
})

test('a file the index cannot read is skipped with its reason in the index status, the rest indexed', async ({
  page,
}) => {
  await createRepository(page, 'with-a-broken-pdf')
  const root = mkdtempSync(join(tmpdir(), 'weft-skip-'))
  mkdirSync(join(root, 'docs'))
  writeFileSync(join(root, 'docs', 'broken.pdf'), '%PDF-1.4\nthis is not really a PDF\n')
  writeFileSync(join(root, 'docs', 'guide.md'), '# Guide\n\nPasswords are hashed with a salt.\n')
  await page.getByLabel('Folder to import').setInputFiles(join(root, 'docs'))
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 2 new and 0 replaced files.',
  )

  await page.getByRole('tab', { name: 'Search' }).click()
  await expect(page.getByRole('status', { name: 'Index status' })).toHaveText(
    /^Index ready: 2 files.*, 1 skipped$/,
  )
  await page.getByText('Skipped files').click()
  await expect(page.getByRole('list', { name: 'Skipped files' })).toHaveText(
    /^docs\/broken\.pdf: unreadable PDF: /,
  )
  // The worker kept going: the readable file is searchable, by words and by meaning.
  await page.getByLabel('Search files').fill('salt')
  await expect(results(page).getByRole('button')).toHaveCount(1)
  await page.getByLabel('By meaning').check()
  await page.getByLabel('Search files').fill('cryptographic hash of a secret')
  await expect(results(page).getByRole('button').first()).toHaveAccessibleName(/^docs\/guide\.md:/)
})
