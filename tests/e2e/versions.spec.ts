import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { expect, test, type Page } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  paste,
  shareLinkOf,
  switchBranch,
  treeItem,
  waitSaved,
} from './fixtures.ts'

/** Replaces the whole text of a file in the editor (typed, or inserted at once as a paste is), and waits until it is saved. */
async function replaceText(page: Page, path: string, text: string, how: 'type' | 'paste' = 'type') {
  await treeItem(page, path).click()
  await editor(page, path).click()
  await page.keyboard.press('Control+a')
  if (how === 'type') await page.keyboard.type(text)
  else await paste(page, text)
  await waitSaved(page)
}

/** Creates branch `name` from the current one (the app switches to it). */
async function newBranch(page: Page, name: string) {
  await page.getByRole('button', { name: 'New branch' }).click()
  await page.getByRole('dialog', { name: 'New branch' }).getByLabel('Name').fill(name)
  await page.getByRole('dialog', { name: 'New branch' }).getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText(name)
}

test('a conflicting merge opens the resolver: a side per conflict, an edit by hand, then the merge commit', async ({
  page,
}) => {
  await createRepository(page, 'conflicts')
  await createPath(page, 'New file', 'notes.txt')
  await replaceText(page, 'notes.txt', 'one\nkeep 1\nkeep 2\nkeep 3\nfive')
  await commit(page, 'Base')
  await newBranch(page, 'feature')
  await replaceText(page, 'notes.txt', 'ONE from feature\nkeep 1\nkeep 2\nkeep 3\nFIVE from feature')
  await commit(page, 'Feature edits')
  await switchBranch(page, 'main')
  await replaceText(page, 'notes.txt', 'ONE from main\nkeep 1\nkeep 2\nkeep 3\nFIVE from main')
  await commit(page, 'Main edits')

  await page.getByRole('button', { name: 'Merge…' }).click()
  await page.getByRole('dialog', { name: 'Merge into main' }).getByRole('button', { name: 'Merge' }).click()
  const resolver = page.getByRole('dialog', { name: 'Resolve conflicts: merge feature into main' })
  await expect(resolver.getByRole('button', { name: 'notes.txt: unresolved' })).toBeVisible()
  await expect(resolver.getByLabel('Theirs').getByRole('textbox')).toContainText('ONE from feature')
  await expect(resolver.getByLabel('Base').getByRole('textbox')).toContainText('five')
  await expect(resolver.getByRole('button', { name: 'Commit merge' })).toBeDisabled()
  const regions = resolver.getByRole('list', { name: 'Conflicts in this file' }).getByRole('listitem')
  await expect(regions).toHaveCount(2)
  await resolver.getByRole('button', { name: 'Conflict 1: use theirs' }).click()
  await expect(regions).toHaveCount(1)
  await resolver.getByRole('button', { name: 'Conflict 1: use ours' }).click()
  await expect(regions).toHaveCount(0)
  // And an edit by hand in the result.
  const result = resolver.getByLabel('Result').getByRole('textbox')
  await result.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type(' (merged by hand)')
  await expect(resolver.getByRole('button', { name: 'notes.txt: resolved' })).toBeVisible()
  await resolver.getByRole('button', { name: 'Commit merge' }).click()
  await expect(resolver).toBeHidden()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await expect(merge.getByRole('status')).toHaveText(/^Merged: \w{8}$/)
  await merge.getByRole('button', { name: 'Close' }).click()

  await treeItem(page, 'notes.txt').click()
  await expect(editor(page, 'notes.txt')).toHaveText(
    'ONE from featurekeep 1keep 2keep 3FIVE from main (merged by hand)',
  )
  await page.getByRole('tab', { name: 'History' }).click()
  await expect(
    page.getByRole('button', { name: /^Open commit \w{8}: Merge feature into main$/ }),
  ).toContainText('merge')
})

test('two branches add functions at the same place in a TypeScript file: the syntax-aware merge keeps both', async ({
  page,
}) => {
  const base = 'export function total(items: number[]) {\n  return items.length\n}\n'
  await createRepository(page, 'semantic')
  await createPath(page, 'New file', 'cart.ts')
  await replaceText(page, 'cart.ts', base, 'paste')
  await commit(page, 'Cart')
  await newBranch(page, 'agent-a')
  await replaceText(
    page,
    'cart.ts',
    `${base}\nexport function tax(amount: number) {\n  return amount * 0.2\n}\n`,
    'paste',
  )
  await commit(page, 'Tax')
  await switchBranch(page, 'main')
  await replaceText(
    page,
    'cart.ts',
    `${base}\nexport function discount(amount: number) {\n  return amount * 0.9\n}\n`,
    'paste',
  )
  await commit(page, 'Discount')

  await page.getByRole('button', { name: 'Merge…' }).click()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await merge.getByRole('button', { name: 'Merge' }).click()
  await expect(merge.getByRole('status')).toHaveText(/^Merged: \w{8}$/)
  await merge.getByRole('button', { name: 'Close' }).click()
  await treeItem(page, 'cart.ts').click()
  // Ours first, then theirs; nothing else touched.
  await expect(editor(page, 'cart.ts')).toHaveText(
    /^export function total.*export function discount.*export function tax\(amount: number\) \{ {2}return amount \* 0\.2\}$/,
  )
})

test('branches are renamed, and deleted only after confirming; the default branch cannot be', async ({
  page,
}) => {
  await createRepository(page, 'branches')
  await createPath(page, 'New file', 'a.txt')
  await commit(page, 'First')
  await newBranch(page, 'temp')
  const picker = page.getByLabel('Branch', { exact: true })

  await page.getByRole('button', { name: 'Rename branch' }).click()
  const rename = page.getByRole('dialog', { name: 'Rename branch' })
  await rename.getByLabel('Name').fill('bad name!')
  await rename.getByRole('button', { name: 'Rename' }).click()
  await expect(rename.getByRole('alert')).toContainText('is not a branch name')
  await rename.getByLabel('Name').fill('spike')
  await rename.getByRole('button', { name: 'Rename' }).click()
  await expect(picker.locator('option:checked')).toHaveText('spike')

  await page.getByRole('button', { name: 'Delete branch' }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete branch' })
  await expect(confirm).toContainText('Delete the branch "spike"?')
  await confirm.getByRole('button', { name: 'Cancel' }).click()
  await expect(picker.locator('option', { hasText: 'spike' })).toHaveCount(1)
  await page.getByRole('button', { name: 'Delete branch' }).click()
  await page.getByRole('dialog', { name: 'Delete branch' }).getByRole('button', { name: 'Delete' }).click()
  await expect(picker.locator('option', { hasText: 'spike' })).toHaveCount(0)
  await expect(picker.locator('option:checked')).toHaveText('main')

  await page.getByRole('button', { name: 'Delete branch' }).click()
  await page.getByRole('dialog', { name: 'Delete branch' }).getByRole('button', { name: 'Delete' }).click()
  await expect(page.getByRole('dialog', { name: 'Delete branch' }).getByRole('alert')).toHaveText(
    'The default branch cannot be deleted.',
  )
})

test('compare any two commits, restore a file from a commit, revert a commit', async ({ page }) => {
  await createRepository(page, 'compare')
  await createPath(page, 'New file', 'v.txt')
  for (const n of [1, 2, 3]) {
    await replaceText(page, 'v.txt', `version ${n}`)
    await commit(page, `Version ${n}`)
  }
  await page.getByRole('tab', { name: 'History' }).click()
  const history = page.getByRole('list', { name: 'History' })
  await expect(history.getByRole('listitem')).toHaveCount(3)
  // Each row shows its message in the sidebar, not only author, date and hash.
  for (const n of [1, 2, 3]) {
    const message = history.getByText(`Version ${n}`, { exact: true })
    await expect(message).toBeVisible()
    expect((await message.boundingBox())!.width).toBeGreaterThan(40)
  }
  const idOf = async (message: string) =>
    (await history
      .getByRole('button', { name: new RegExp(`: ${message}$`) })
      .getAttribute('aria-label'))!.match(/commit (\w{8})/)![1]
  const [one, three] = [await idOf('Version 1'), await idOf('Version 3')]
  await page.getByLabel(`Select ${one} to compare`).check()
  await page.getByLabel(`Select ${three} to compare`).check()
  await page.getByRole('button', { name: 'Compare selected' }).click()
  const compare = page.getByRole('dialog', { name: `Compare ${one} → ${three}` })
  await compare.getByRole('button', { name: 'Show changes in v.txt' }).click()
  const diff = page.getByRole('dialog', { name: 'Changes in v.txt' })
  await expect(diff.getByRole('textbox').nth(0)).toHaveText('version 1')
  await expect(diff.getByRole('textbox').nth(1)).toHaveText('version 3')
  await diff.getByRole('button', { name: 'Close' }).click()
  await compare.getByRole('button', { name: 'Close' }).click()

  await history.getByRole('button', { name: /: Version 2$/ }).click()
  const opened = page.getByRole('dialog', { name: /^Commit \w{8}$/ })
  await opened.getByRole('button', { name: 'Restore v.txt from this commit' }).click()
  await expect(page.getByRole('status').filter({ hasText: /^Restored v\.txt/ })).toBeVisible()
  await opened.getByRole('button', { name: 'Compare with working files' }).click()
  await expect(page.getByRole('dialog', { name: /→ working files$/ })).toContainText('No files differ.')
  await page
    .getByRole('dialog', { name: /→ working files$/ })
    .getByRole('button', { name: 'Close' })
    .click()
  await page.getByRole('tab', { name: 'Files' }).click()
  await treeItem(page, 'v.txt').click()
  await expect(editor(page, 'v.txt')).toHaveText('version 2')
  await commit(page, 'Back to 2')

  // Revert "Version 3" on top: later changes to the same lines conflict, and nothing is written.
  await page.getByRole('tab', { name: 'History' }).click()
  await history.getByRole('button', { name: /: Back to 2$/ }).click()
  await page
    .getByRole('dialog', { name: /^Commit \w{8}$/ })
    .getByRole('button', { name: 'Revert commit' })
    .click()
  await page.getByRole('dialog', { name: 'Revert commit' }).getByRole('button', { name: 'Revert' }).click()
  await expect(history.getByRole('button', { name: /: Revert "Back to 2"$/ })).toBeVisible()
  await page.getByRole('tab', { name: 'Files' }).click()
  await expect(editor(page, 'v.txt')).toHaveText('version 3')

  // A branch from an old commit has that commit's files.
  await page.getByRole('tab', { name: 'History' }).click()
  await history.getByRole('button', { name: /: Version 1$/ }).click()
  await page
    .getByRole('dialog', { name: /^Commit \w{8}$/ })
    .getByRole('button', { name: 'New branch from here' })
    .click()
  const naming = page.getByRole('dialog', { name: /^New branch from \w{8}$/ })
  await naming.getByLabel('Name').fill('from-one')
  await naming.getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText('from-one')
  await page.getByRole('tab', { name: 'Files' }).click()
  await treeItem(page, 'v.txt').click()
  await expect(editor(page, 'v.txt')).toHaveText('version 1')
})

// How smoothly it scrolls is measured by bench/history-scroll.bench.ts (long tasks depend on the
// machine's load); this test holds what makes it smooth: only the rows in view are in the page.
test('a history of 1,000 commits scrolls to its first commit, with only the rows in view in the page', async ({
  page,
}) => {
  test.setTimeout(180_000)
  await createRepository(page, 'long-history')
  await createPath(page, 'New file', 'counter.txt')
  await commit(page, 'Start')
  const link = await shareLinkOf(page)
  const seeded = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'tests/e2e/tools/seedCommits.ts',
      mkdtempSync(join(tmpdir(), 'weft-seed-')),
      link,
      '1000',
    ],
    { encoding: 'utf8' },
  )
  expect(seeded.stderr).toBe('')
  expect(seeded.status).toBe(0)

  await page.getByRole('tab', { name: 'History' }).click()
  const history = page.getByRole('list', { name: 'History' })
  await expect(history.getByRole('listitem').first()).toHaveAttribute('aria-setsize', '1001', {
    timeout: 60_000,
  })
  await expect(history.getByRole('button', { name: /: Step 1000$/ })).toBeVisible()
  expect(await history.getByRole('listitem').count()).toBeLessThan(100)

  const box = (await history.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + 40)
  for (let i = 0; i < 60; i++) await page.mouse.wheel(0, 600)
  await expect(history.getByRole('button', { name: /: Start$/ })).toBeVisible()
  await expect(history.getByRole('button', { name: /: Step 1000$/ })).toHaveCount(0)
  expect(await history.getByRole('listitem').count()).toBeLessThan(100)
})
