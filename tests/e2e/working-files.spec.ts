import { expect, test, type Page } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  shareLinkOf,
  switchBranch,
  treeItem,
  waitSaved,
} from './fixtures.ts'

/** The name a person goes by, as the header shows it. */
async function nameOf(page: Page): Promise<string> {
  const label = await page.getByRole('button', { name: /^Your name: / }).getAttribute('aria-label')
  return label!.replace(/^Your name: /, '')
}

const changedFiles = (page: Page) => page.getByRole('list', { name: 'Changed files' })
const changeRow = (page: Page, path: string) =>
  changedFiles(page)
    .getByRole('listitem')
    .filter({ has: page.getByRole('button', { name: `Show changes in ${path}`, exact: true }) })

test("two people on one branch: B's unfinished file neither blocks A's merge nor enters A's commit, and each change says whose it is", async ({
  browser,
}) => {
  // Two people and a dozen steps each: longer than the default minute on a busy machine.
  test.setTimeout(120_000)
  const a = await (await browser.newContext()).newPage()
  await createRepository(a, 'together')
  await createPath(a, 'New file', 'README.md')
  await editor(a, 'README.md').click()
  await a.keyboard.type('# Together')
  await waitSaved(a)
  await commit(a, 'Start')
  // A feature branch with one commit, to merge into main later.
  await a.getByRole('button', { name: 'New branch' }).click()
  const dialog = a.getByRole('dialog', { name: 'New branch' })
  await dialog.getByLabel('Name').fill('feature')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  await createPath(a, 'New file', 'feature.txt')
  await commit(a, 'Feature work')
  await switchBranch(a, 'main')
  await expect(treeItem(a, 'feature.txt')).toBeHidden()

  // B opens the same branch and starts a file, leaving it uncommitted.
  const b = await (await browser.newContext()).newPage()
  await b.goto(await shareLinkOf(a))
  await expect(treeItem(b, 'README.md')).toBeVisible()
  await createPath(b, 'New file', 'wip.txt')
  await editor(b, 'wip.txt').click()
  await b.keyboard.type('half done')
  await waitSaved(b)
  const bName = await nameOf(b)
  await expect(treeItem(a, 'wip.txt')).toBeVisible()

  // A merges: B's unfinished file does not block it, and stays as B left it.
  await a.getByRole('button', { name: 'Merge…' }).click()
  const merge = a.getByRole('dialog', { name: 'Merge into main' })
  await merge.getByRole('button', { name: 'Merge' }).click()
  await expect(merge.getByRole('status')).toHaveText(/^(Fast-forwarded|Merged)/)
  await merge.getByRole('button', { name: 'Close' }).click()
  await expect(treeItem(a, 'feature.txt')).toBeVisible()
  await treeItem(a, 'wip.txt').click()
  await expect(editor(a, 'wip.txt')).toHaveText('half done')

  // A's own edit, then A's commit: the Changes view says whose each change is and takes only A's.
  await treeItem(a, 'README.md').click()
  await editor(a, 'README.md').click()
  await a.keyboard.press('Control+End')
  await a.keyboard.type(', by A')
  await waitSaved(a)
  await a.getByRole('tab', { name: 'Changes' }).click()
  await expect(a.getByRole('note', { name: 'Working files mode' })).toContainText('Shared working files')
  await expect(changeRow(a, 'README.md')).toContainText('by you')
  await expect(changeRow(a, 'wip.txt')).toContainText(`by ${bName}`)
  await expect(a.getByRole('checkbox', { name: 'Include README.md in the commit' })).toBeChecked()
  await expect(a.getByRole('checkbox', { name: 'Include wip.txt in the commit' })).not.toBeChecked()
  await a.getByLabel('Commit message').fill('A only')
  await a.getByRole('button', { name: 'Commit', exact: true }).click()
  await expect(a.getByRole('status').filter({ hasText: /^Committed/ })).toBeVisible()
  await expect(changeRow(a, 'README.md')).toBeHidden()
  await expect(changeRow(a, 'wip.txt')).toContainText(`by ${bName}`)

  await a.getByRole('tab', { name: 'History' }).click()
  await a.getByRole('button', { name: /^Open commit \w+: A only$/ }).click()
  const opened = a.getByRole('dialog', { name: /^Commit \w+$/ })
  await expect(opened.getByRole('list', { name: 'Files in this commit' })).toHaveText(/modified\s*README\.md/)
  await expect(opened.getByRole('list', { name: 'Files in this commit' })).not.toContainText('wip.txt')

  // For B the file is still B's own uncommitted change.
  await b.getByRole('tab', { name: 'Changes' }).click()
  await expect(changeRow(b, 'wip.txt')).toContainText('by you')
  await expect(changedFiles(b).getByRole('listitem')).toHaveCount(1)
})
