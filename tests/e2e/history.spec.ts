import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  shareLinkOf,
  switchBranch,
  treeItem,
  waitSaved,
  weft,
} from './fixtures.ts'

test('commit, branch, edit on the branch, merge back, and see it in the history', async ({ page }) => {
  await createRepository(page, 'versions')
  await createPath(page, 'New file', 'app.ts')
  await editor(page, 'app.ts').click()
  await page.keyboard.type('export const version = 1')
  await waitSaved(page)
  await page.getByRole('tab', { name: 'Changes' }).click()
  await expect(page.getByRole('list', { name: 'Changed files' })).toHaveText(/added\s*app\.ts/)
  await commit(page, 'First version')

  await page.getByRole('button', { name: 'New branch' }).click()
  const dialog = page.getByRole('dialog', { name: 'New branch' })
  await dialog.getByLabel('Name').fill('feature/two')
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('footer')).toContainText('feature/two')
  await treeItem(page, 'app.ts').click()
  await editor(page, 'app.ts').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Backspace')
  await page.keyboard.type('2')
  await waitSaved(page)

  // The uncommitted change, side by side and unified, against the last commit.
  await page.getByRole('tab', { name: 'Changes' }).click()
  await page.getByRole('button', { name: 'Show changes in app.ts' }).click()
  const diff = page.getByRole('dialog', { name: 'Changes in app.ts' })
  const panes = diff.getByRole('textbox')
  await expect(panes).toHaveCount(2)
  await expect(panes.nth(0)).toHaveText('export const version = 1')
  await expect(panes.nth(1)).toHaveText('export const version = 2')
  await diff.getByLabel('Unified').check()
  await expect(panes).toHaveCount(1)
  await expect(diff.locator('.cm-deletedChunk')).toContainText('version = 1')
  await expect(diff.locator('.cm-changedLine')).toContainText('version = 2')
  await diff.getByRole('button', { name: 'Close' }).click()
  await commit(page, 'Second version')

  // Back on main the file is as committed there; the branch's work waits on its branch.
  await switchBranch(page, 'main')
  await treeItem(page, 'app.ts').click()
  await expect(editor(page, 'app.ts')).toHaveText('export const version = 1')
  await page.getByRole('button', { name: 'Merge…' }).click()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await merge.getByRole('button', { name: 'Merge' }).click()
  await expect(merge.getByRole('status')).toHaveText(/^Fast-forwarded/)
  await merge.getByRole('button', { name: 'Close' }).click()
  await expect(editor(page, 'app.ts')).toHaveText('export const version = 2')
  await page.getByRole('tab', { name: 'History' }).click()
  await expect(page.getByRole('list', { name: 'History' }).getByRole('listitem')).toHaveCount(2)
  await expect(page.getByRole('list', { name: 'History' })).toContainText('Second version')
  // Each row shows its message whole at the sidebar's default width (it once had zero width).
  const message = page.getByRole('list', { name: 'History' }).getByText('Second version', { exact: true })
  await expect(message).toBeVisible()
  expect(await message.evaluate((m) => m.clientWidth > 0 && m.scrollWidth <= m.clientWidth)).toBe(true)

  // Any commit opens read-only, with the files it changed and their diffs.
  await page.getByRole('button', { name: /^Open commit \w+: Second version$/ }).click()
  const opened = page.getByRole('dialog', { name: /^Commit \w+$/ })
  await expect(opened.getByRole('list', { name: 'Files in this commit' })).toHaveText(/modified\s*app\.ts/)
  await opened.getByRole('button', { name: 'Show changes in app.ts' }).click()
  const commitDiff = page.getByRole('dialog', { name: 'Changes in app.ts' })
  await expect(commitDiff.getByRole('textbox').nth(0)).toHaveText('export const version = 1')
  await expect(commitDiff.getByRole('textbox').nth(1)).toHaveText('export const version = 2')
})

test('an agent commits on a branch through the CLI; the person sees it live and merges it; the CLI sees the merge', async ({
  page,
}) => {
  // Seven or more CLI processes, each starting tsx and Automerge (0.5–2 s, more on a loaded machine).
  test.setTimeout(120_000)
  await createRepository(page, 'with-agent')
  await createPath(page, 'New file', 'README.md')
  await editor(page, 'README.md').click()
  await page.keyboard.type('# Project')
  await waitSaved(page)
  await commit(page, 'Start')
  await createPath(page, 'New file', 'human.txt')
  await commit(page, 'Human file')
  const link = await shareLinkOf(page)

  const home = mkdtempSync(join(tmpdir(), 'weft-agent-'))
  expect((await weft(home, ['clone', link, '--add-relay'])).code).toBe(0)
  expect(
    (
      await weft(home, [
        'branch',
        'create',
        'agent/fix',
        '--from',
        (JSON.parse((await weft(home, ['log', '--json'])).out) as { id: string }[]).at(-1)!.id,
      ])
    ).code,
  ).toBe(0)
  // The agent writes and commits under one name: a commit takes only its author's changes.
  expect(
    (await weft(home, ['write', 'agent.txt', '--author', 'agent-1'], 'written by an agent\n')).code,
  ).toBe(0)
  const committed = await weft(home, ['commit', '-m', 'Agent work', '--author', 'agent-1'])
  expect(committed).toMatchObject({ code: 0, err: '' })

  // The branch appears in the person's picker without a reload.
  await expect(
    page.getByLabel('Branch', { exact: true }).locator('option', { hasText: 'agent/fix' }),
  ).toHaveCount(1)
  await page.getByRole('button', { name: 'Merge…' }).click()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await merge.getByLabel('From branch').selectOption({ label: 'agent/fix (+1 −1)' })
  await merge.getByRole('button', { name: 'Merge' }).click()
  await expect(merge.getByRole('status')).toHaveText(/^Merged/)
  await merge.getByRole('button', { name: 'Close' }).click()
  await expect(treeItem(page, 'agent.txt')).toBeVisible()

  await expect
    .poll(async () => (await weft(home, ['log', '--branch', 'main'])).out, { timeout: 30_000 })
    .toContain('Merge agent/fix into main')
  expect((await weft(home, ['cat', 'agent.txt', '--branch', 'main'])).out).toBe('written by an agent\n')
})
