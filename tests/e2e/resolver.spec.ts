import { expect, test, type Locator, type Page } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  paste,
  switchBranch,
  treeItem,
  waitSaved,
} from './fixtures.ts'

/** Replaces the whole text of a file in the editor at once (as a paste is), and waits until it is saved. */
async function pasteText(page: Page, path: string, text: string) {
  await treeItem(page, path).click()
  await editor(page, path).click()
  await page.keyboard.press('Control+a')
  await paste(page, text)
  await waitSaved(page)
}

async function newBranch(page: Page, name: string) {
  await page.getByRole('button', { name: 'New branch' }).click()
  await page.getByRole('dialog', { name: 'New branch' }).getByLabel('Name').fill(name)
  await page.getByRole('dialog', { name: 'New branch' }).getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText(name)
}

/** A long text: `line 1` … `line 600`, with some lines replaced. */
function longText(replace: Record<number, string> = {}): string {
  return Array.from({ length: 600 }, (_, i) => replace[i + 1] ?? `line ${i + 1}`).join('\n') + '\n'
}

/** The background colour a line is painted with. */
const background = (line: Locator) => line.evaluate((node) => getComputedStyle(node).backgroundColor)

/** A repository where main and feature both changed lines 520 and 570 of a 600-line file. */
async function conflictingBranches(page: Page) {
  // Three commits of a 600-line file on two branches before the test proper starts.
  test.setTimeout(120_000)
  await createRepository(page, 'far-conflicts')
  await createPath(page, 'New file', 'long.txt')
  await pasteText(page, 'long.txt', longText())
  await commit(page, 'Base')
  await newBranch(page, 'feature')
  await pasteText(page, 'long.txt', longText({ 520: 'FEATURE 520', 570: 'FEATURE 570' }))
  await commit(page, 'Feature edits')
  await switchBranch(page, 'main')
  await pasteText(page, 'long.txt', longText({ 520: 'MAIN 520', 570: 'MAIN 570' }))
  await commit(page, 'Main edits')
}

test('the resolver is the only dialog, opens every pane at the first conflict, colours it, and moves between conflicts with F7', async ({
  page,
}) => {
  await conflictingBranches(page)
  await page.getByRole('button', { name: 'Merge…' }).click()
  await page.getByRole('dialog', { name: 'Merge into main' }).getByRole('button', { name: 'Merge' }).click()
  const resolver = page.getByRole('dialog', { name: 'Resolve conflicts: merge feature into main' })
  await expect(resolver).toBeVisible()
  // The merge dialog made way for the resolver.
  await expect(page.getByRole('dialog')).toHaveCount(1)

  const ours = resolver.getByLabel('Ours', { exact: true })
  const base = resolver.getByLabel('Base', { exact: true })
  const theirs = resolver.getByLabel('Theirs', { exact: true })
  const result = resolver.getByLabel('Result', { exact: true })
  const atConflict = async (n: number) => {
    await expect(resolver.getByText(`Conflict ${n} of 2`, { exact: true })).toBeVisible()
    await expect(ours.getByText(`MAIN ${n === 1 ? 520 : 570}`, { exact: true })).toBeInViewport()
    await expect(base.getByText(`line ${n === 1 ? 520 : 570}`, { exact: true })).toBeInViewport()
    await expect(theirs.getByText(`FEATURE ${n === 1 ? 520 : 570}`, { exact: true })).toBeInViewport()
    await expect(result.getByText(`MAIN ${n === 1 ? 520 : 570}`, { exact: true })).toBeInViewport()
    await expect(result.getByText(`FEATURE ${n === 1 ? 520 : 570}`, { exact: true })).toBeInViewport()
  }
  await atConflict(1)

  // Conflict lines are painted; unchanged lines are not. Ours and theirs colour what differs from the base.
  const plain = await background(ours.getByText('line 519', { exact: true }))
  expect(await background(ours.getByText('MAIN 520', { exact: true }))).not.toBe(plain)
  expect(await background(theirs.getByText('FEATURE 520', { exact: true }))).not.toBe(plain)
  expect(await background(result.getByText('MAIN 520', { exact: true }))).not.toBe(
    await background(result.getByText('line 519', { exact: true })),
  )

  await page.keyboard.press('F7')
  await atConflict(2)
  await page.keyboard.press('Shift+F7')
  await atConflict(1)
  await resolver.getByRole('button', { name: 'Next conflict' }).click()
  await atConflict(2)
  await resolver.getByRole('button', { name: 'Previous conflict' }).click()
  await atConflict(1)

  // One click settles a conflict; the next one comes into view.
  await resolver.getByRole('button', { name: 'Conflict 1: use theirs' }).click()
  await expect(resolver.getByText('Conflict 1 of 1', { exact: true })).toBeVisible()
  await expect(result.getByText('MAIN 570', { exact: true })).toBeInViewport()
  await expect(theirs.getByText('FEATURE 570', { exact: true })).toBeInViewport()

  // The panes are sized by keyboard on their separators; each side keeps the same height.
  const height = async (pane: Locator) => Math.round((await pane.boundingBox())!.height)
  const sidesSplitter = resolver.getByRole('separator', { name: 'Resize ours, base and theirs' })
  const resultSplitter = resolver.getByRole('separator', { name: 'Resize result' })
  await expect(sidesSplitter).toHaveAttribute('aria-orientation', 'horizontal')
  const [sidesBefore, resultBefore] = [await height(ours), await height(result)]
  const resultStart = Number(await resultSplitter.getAttribute('aria-valuenow'))
  await sidesSplitter.focus()
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('ArrowUp')
  await resultSplitter.focus()
  await page.keyboard.press('ArrowDown')
  await expect(resultSplitter).toHaveAttribute('aria-valuenow', String(resultStart + 10))
  for (const side of [ours, base, theirs]) expect(await height(side)).toBe(sidesBefore - 20)
  expect(await height(result)).toBe(resultBefore + 10)

  // Cancelled, the merge dialog comes back and its "Resolve conflicts…" opens the resolver again.
  await resolver.getByRole('button', { name: 'Cancel' }).click()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await expect(merge).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(1)
  await merge.getByRole('button', { name: 'Resolve conflicts…' }).click()
  await expect(resolver).toBeVisible()
  await expect(page.getByRole('dialog')).toHaveCount(1)
  await atConflict(1)
  // The sizes the person chose are kept.
  expect(await height(ours)).toBe(sidesBefore - 20)
  expect(await height(result)).toBe(resultBefore + 10)
  await resolver.getByRole('button', { name: 'Conflict 1: use ours' }).click()
  await resolver.getByRole('button', { name: 'Conflict 1: use both' }).click()
  await resolver.getByRole('button', { name: 'Commit merge' }).click()
  await expect(merge.getByRole('status')).toHaveText(/^Merged: \w{8}$/)
  await expect(page.getByRole('dialog')).toHaveCount(1)
})

test('a merge refused for uncommitted changes says what to do, with no button that cannot help', async ({
  page,
}) => {
  await conflictingBranches(page)
  await pasteText(page, 'long.txt', longText({ 1: 'uncommitted' }))
  await page.getByRole('button', { name: 'Merge…' }).click()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await merge.getByRole('button', { name: 'Merge' }).click()
  await expect(merge.getByRole('alert')).toContainText('has uncommitted changes')
  await expect(merge.getByRole('alert')).toContainText('Changes')
  await expect(merge.getByRole('button', { name: 'Resolve conflicts…' })).toHaveCount(0)
})

test('a diff opens at the first change, folds unchanged lines, and moves between changes with F7', async ({
  page,
}) => {
  await createRepository(page, 'far-diff')
  await createPath(page, 'New file', 'long.txt')
  await pasteText(page, 'long.txt', longText())
  await commit(page, 'Base')
  await pasteText(page, 'long.txt', longText({ 300: 'CHANGED 300', 550: 'CHANGED 550' }))
  await page.getByRole('tab', { name: 'Changes' }).click()
  await page.getByRole('button', { name: 'Show changes in long.txt' }).click()
  const diff = page.getByRole('dialog', { name: 'Changes in long.txt' })
  const after = diff.getByRole('textbox').nth(1)
  await expect(after.getByText('CHANGED 300', { exact: true })).toBeInViewport()
  // Long unchanged stretches are folded, and can be unfolded.
  await expect(diff.getByText(/^\d+ unchanged lines$/).first()).toBeVisible()
  await expect(after.getByText('line 100', { exact: true })).toHaveCount(0)
  const fold = diff.getByRole('checkbox', { name: 'Fold unchanged lines' })
  await expect(fold).toBeChecked()
  // Each fold is a button with a name, opened from the keyboard (on both sides of the split view).
  const firstFold = diff.getByRole('button', { name: 'Unfold 296 unchanged lines' })
  await expect(firstFold).toHaveCount(2)
  await expect(after.getByText('line 10', { exact: true })).toHaveCount(0)
  await firstFold.first().focus()
  await page.keyboard.press('Enter')
  await expect(firstFold).toHaveCount(0)
  await expect(after.getByText('line 10', { exact: true })).toBeAttached()
  // The other folds stay.
  await page.keyboard.press('F7')
  await expect(after.getByText('CHANGED 550', { exact: true })).toBeInViewport()
  await expect(diff.getByRole('button', { name: 'Unfold 48 unchanged lines' })).toHaveCount(2)
  await page.keyboard.press('Shift+F7')
  await expect(after.getByText('CHANGED 300', { exact: true })).toBeInViewport()
  await fold.uncheck()
  await expect(diff.getByText(/^\d+ unchanged lines$/)).toHaveCount(0)
  await expect(after.getByText('CHANGED 300', { exact: true })).toBeInViewport()

  await page.keyboard.press('F7')
  await expect(after.getByText('CHANGED 550', { exact: true })).toBeInViewport()
  await expect(after.getByText('CHANGED 300', { exact: true })).not.toBeInViewport()
  await page.keyboard.press('Shift+F7')
  await expect(after.getByText('CHANGED 300', { exact: true })).toBeInViewport()
  await diff.getByRole('button', { name: 'Next change' }).click()
  await expect(after.getByText('CHANGED 550', { exact: true })).toBeInViewport()
  await diff.getByRole('button', { name: 'Previous change' }).click()
  await expect(after.getByText('CHANGED 300', { exact: true })).toBeInViewport()

  // The unified layout opens at the first change too.
  await diff.getByLabel('Unified').check()
  await expect(diff.getByRole('textbox').getByText('CHANGED 300', { exact: true })).toBeInViewport()
  await diff.getByRole('button', { name: 'Next change' }).click()
  await expect(diff.getByRole('textbox').getByText('CHANGED 550', { exact: true })).toBeInViewport()
})

test('the resolver folds what no side changed, each fold a button the keyboard opens, and F7 still moves between conflicts', async ({
  page,
}) => {
  await conflictingBranches(page)
  await page.getByRole('button', { name: 'Merge…' }).click()
  await page.getByRole('dialog', { name: 'Merge into main' }).getByRole('button', { name: 'Merge' }).click()
  const resolver = page.getByRole('dialog', { name: 'Resolve conflicts: merge feature into main' })
  const ours = resolver.getByLabel('Ours', { exact: true })
  const result = resolver.getByLabel('Result', { exact: true })
  const folds = (pane: Locator) => pane.getByRole('button', { name: /^Unfold \d+ unchanged lines$/ })
  await expect(result.getByText('MAIN 520', { exact: true })).toBeInViewport()

  // Lines 1–516 and the stretch between the two conflicts are folded in every pane; a few lines of context stay.
  await expect(result.getByText('line 519', { exact: true })).toBeInViewport()
  await expect(result.getByText('line 545', { exact: true })).toHaveCount(0)
  await expect(ours.getByText('line 545', { exact: true })).toHaveCount(0)
  await expect(result.getByRole('button', { name: 'Unfold 516 unchanged lines' })).toBeAttached()
  await expect(ours.getByRole('button', { name: 'Unfold 516 unchanged lines' })).toBeAttached()

  // F7 and Shift+F7 land on each conflict, in view in every pane.
  await page.keyboard.press('F7')
  await expect(resolver.getByText('Conflict 2 of 2', { exact: true })).toBeVisible()
  await expect(result.getByText('FEATURE 570', { exact: true })).toBeInViewport()
  await expect(ours.getByText('MAIN 570', { exact: true })).toBeInViewport()
  await page.keyboard.press('Shift+F7')
  await expect(result.getByText('MAIN 520', { exact: true })).toBeInViewport()

  // The fold between the conflicts opens from the keyboard: its lines come back, the other folds stay.
  const between = folds(result).filter({ hasText: /^4\d unchanged lines$/ })
  await expect(between).toHaveCount(1)
  await between.focus()
  await page.keyboard.press('Enter')
  await expect(between).toHaveCount(0)
  await expect(result.getByText('line 545', { exact: true })).toBeAttached()
  await expect(result.getByRole('button', { name: 'Unfold 516 unchanged lines' })).toBeAttached()

  // Folding can be turned off; conflicts are still shown and settled.
  await resolver.getByRole('checkbox', { name: 'Fold unchanged lines' }).uncheck()
  await expect(folds(resolver)).toHaveCount(0)
  await expect(result.getByText('MAIN 520', { exact: true })).toBeInViewport()

  // The command palette opens over the resolver with its actions: a conflict settled by name.
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await page.keyboard.press('Control+Shift+P')
  await palette.getByRole('combobox').fill('Merge: Conflict 1: use ours')
  await expect(palette.getByRole('option').first()).toContainText('Merge: Conflict 1: use ours')
  await expect(palette.getByRole('option', { name: /New file/ })).toHaveCount(0)
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  await expect(resolver.getByText('Conflict 1 of 1', { exact: true })).toBeVisible()
  await expect(result.getByText('FEATURE 520', { exact: true })).toHaveCount(0)
})
