import { expect, test, type Page } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  treeItem,
  visibleTree,
  waitSaved,
  paste,
} from './fixtures.ts'

/** A marker's description: any of them. */
const MARKED = /Added|Modified|Renamed|uncommitted/

const openTabs = (page: Page) => page.getByRole('tablist', { name: 'Open files' }).getByRole('tab')
const fileTab = (page: Page, name: string) =>
  page.getByRole('tablist', { name: 'Open files' }).getByRole('tab', { name, exact: true })

async function newBranch(page: Page, name: string) {
  await page.getByRole('button', { name: 'New branch' }).click()
  await page.getByRole('dialog', { name: 'New branch' }).getByLabel('Name').fill(name)
  await page.getByRole('dialog', { name: 'New branch' }).getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText(name)
}

async function switchTo(page: Page, name: string) {
  const picker = page.getByLabel('Branch', { exact: true })
  const value = await picker.locator('option', { hasText: new RegExp(`^${name}( |$)`) }).getAttribute('value')
  await picker.selectOption(value!)
  await expect(picker.locator('option:checked')).toHaveText(name)
}

test('open tabs, the active one, its cursor and scroll, and the open folders outlive branch switches and reloads', async ({
  page,
}) => {
  await createRepository(page, 'kept')
  await createPath(page, 'New file', 'src/app.ts')
  await createPath(page, 'New file', 'docs/long.md')
  await editor(page, 'docs/long.md').click()
  await paste(page, Array.from({ length: 200 }, (_, i) => `line ${i + 1}`).join('\n'))
  await createPath(page, 'New file', 'notes.txt')
  await waitSaved(page)
  // The long file is active, its cursor at the end (and so scrolled there); "src" is collapsed.
  await fileTab(page, 'long.md').click()
  await page.keyboard.press('Control+End')
  await treeItem(page, 'src').click()
  await expect.poll(() => visibleTree(page)).toEqual(['1:docs', '2:long.md', '1:src', '1:notes.txt'])
  await commit(page, 'three files')

  const asLeft = async () => {
    await expect(openTabs(page)).toHaveText(['app.ts', 'long.md', 'notes.txt'])
    await expect(fileTab(page, 'long.md')).toHaveAttribute('aria-selected', 'true')
    await expect(editor(page, 'docs/long.md').getByText('line 200', { exact: true })).toBeInViewport()
    await expect(editor(page, 'docs/long.md').getByText('line 1', { exact: true })).not.toBeInViewport()
    await expect.poll(() => visibleTree(page)).toEqual(['1:docs', '2:long.md', '1:src', '1:notes.txt'])
  }

  // A new branch shows the same tabs and folders.
  await newBranch(page, 'feature')
  await asLeft()
  // A file only this branch has: back on the first branch its tab is left out, quietly.
  await createPath(page, 'New file', 'feature-only.ts')
  await expect(openTabs(page)).toHaveText(['app.ts', 'long.md', 'notes.txt', 'feature-only.ts'])
  await fileTab(page, 'long.md').click()
  await switchTo(page, 'main')
  await asLeft()
  await expect(page.getByRole('alert')).toHaveCount(0)

  // After a reload too; the cursor is where it was: typing goes to the end of the file.
  await page.reload()
  await asLeft()
  await expect(editor(page, 'docs/long.md')).toBeFocused()
  await page.keyboard.insertText(' (end)')
  await expect(editor(page, 'docs/long.md').getByText('line 200 (end)', { exact: true })).toBeVisible()
})

test('Markdown and plain text wrap long lines; code does not', async ({ page }) => {
  await createRepository(page, 'wrapping')
  const long = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ')
  for (const path of ['prose.md', 'plain.txt', 'code.ts']) {
    await createPath(page, 'New file', path)
    await editor(page, path).click()
    await page.keyboard.insertText(`// ${long} last-word`)
  }
  const lastWordInView = (path: string) =>
    expect(editor(page, path).getByText(/last-word$/)).toBeInViewport({ ratio: 1 })
  for (const path of ['prose.md', 'plain.txt']) {
    await fileTab(page, path).click()
    // The line's end is on screen without scrolling sideways.
    await expect(editor(page, path)).toContainText('last-word')
    const content = editor(page, path)
    const box = await content.boundingBox()
    const end = await content.getByText(/last-word/).evaluate((line) => {
      const range = document.createRange()
      range.selectNodeContents(line)
      const rects = [...range.getClientRects()]
      return { right: Math.max(...rects.map((r) => r.right)), lines: new Set(rects.map((r) => r.top)).size }
    })
    expect(end.right, `${path}'s line ends within the editor`).toBeLessThanOrEqual(box!.x + box!.width)
    expect(end.lines, `${path}'s line wraps`).toBeGreaterThan(1)
    await lastWordInView(path)
  }
  await fileTab(page, 'code.ts').click()
  const codeLine = editor(page, 'code.ts').getByText(/last-word/)
  await expect(codeLine).toBeVisible()
  const codeEnd = await codeLine.evaluate((line) => {
    const range = document.createRange()
    range.selectNodeContents(line)
    return new Set([...range.getClientRects()].map((r) => r.top)).size
  })
  expect(codeEnd, 'code keeps one line per line').toBe(1)
})

test('in-file search shows the match count, as typed and while moving between matches', async ({ page }) => {
  await createRepository(page, 'counting')
  await createPath(page, 'New file', 'words.txt')
  await editor(page, 'words.txt').click()
  await page.keyboard.insertText('apple pear apple\nplum apple\napricot')
  await page.keyboard.press('Control+Home')
  await page.keyboard.press('Control+f')
  const find = page.getByRole('textbox', { name: 'Find' })
  const count = page.getByRole('status', { name: 'Search matches' })
  await find.pressSequentially('ap')
  await expect(count).toHaveText('4 matches')
  await find.pressSequentially('ple')
  await expect(count).toHaveText('3 matches')
  await find.press('Enter')
  await expect(count).toHaveText('1 of 3')
  await find.press('Enter')
  await expect(count).toHaveText('2 of 3')
  await find.press('Shift+Enter')
  await expect(count).toHaveText('1 of 3')
  await find.fill('')
  await find.pressSequentially('cherry')
  await expect(count).toHaveText('No results')
})

test('tabs and tree items are marked while their file has uncommitted changes, also a peer’s', async ({
  context,
  page,
}) => {
  await createRepository(page, 'marked')
  await createPath(page, 'New file', 'src/a.ts')
  await createPath(page, 'New file', 'b.ts')
  await editor(page, 'b.ts').click()
  await page.keyboard.insertText('const b = 1')
  await waitSaved(page)
  // New files are uncommitted: marked as added, and their folder as holding changes.
  await expect(treeItem(page, 'b.ts')).toHaveAccessibleDescription('Added')
  await expect(fileTab(page, 'b.ts')).toHaveAccessibleDescription('Added')
  await expect(treeItem(page, 'src')).toHaveAccessibleDescription('Contains uncommitted changes')
  await commit(page, 'two files')
  await expect(treeItem(page, 'b.ts')).not.toHaveAccessibleDescription(MARKED)
  await expect(fileTab(page, 'b.ts')).not.toHaveAccessibleDescription(MARKED)
  await expect(treeItem(page, 'src')).not.toHaveAccessibleDescription(MARKED)

  // An edit marks the file as modified; committing clears the mark.
  await editor(page, 'b.ts').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.insertText(' + 1')
  await expect(fileTab(page, 'b.ts')).toHaveAccessibleDescription('Modified')
  await expect(treeItem(page, 'b.ts')).toHaveAccessibleDescription('Modified')
  await expect(fileTab(page, 'a.ts')).not.toHaveAccessibleDescription(MARKED)
  await commit(page, 'b changed')
  await expect(fileTab(page, 'b.ts')).not.toHaveAccessibleDescription(MARKED)
  await expect(treeItem(page, 'b.ts')).not.toHaveAccessibleDescription(MARKED)

  // A peer's edit marks it too.
  const peer = await context.newPage()
  await peer.goto(page.url())
  await treeItem(peer, 'a.ts').click()
  await editor(peer, 'src/a.ts').click()
  await peer.keyboard.insertText('export {}')
  await expect(fileTab(page, 'a.ts')).toHaveAccessibleDescription('Modified')
  await expect(treeItem(page, 'a.ts')).toHaveAccessibleDescription('Modified')
  await expect(treeItem(page, 'src')).toHaveAccessibleDescription('Contains uncommitted changes')
})
