import { expect, test } from '@playwright/test'
import { createPath, createRepository, editor, shareLinkOf, treeItem, waitSaved } from './fixtures.ts'

/** The text of its line that comes before a cursor widget. */
function textBefore(cursor: import('@playwright/test').Locator): Promise<string> {
  return cursor.evaluate((el) => {
    let text = ''
    for (const node of Array.from(el.closest('.cm-line')!.childNodes)) {
      if (node === el || node.contains(el)) break
      text += node.textContent
    }
    return text
  })
}

test('a shared link opens the repository in another browser, and both edit live', async ({
  page,
  browser,
}) => {
  await createRepository(page, 'together')
  await createPath(page, 'New file', 'src/plan.md')
  await editor(page, 'src/plan.md').click()
  await page.keyboard.type('first line\n')
  await waitSaved(page)
  await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected · all synced/)
  const link = await shareLinkOf(page)
  expect(link).toMatch(/#\/open\/automerge%3A\w+\?branch=[\w-]+&relay=ws%3A%2F%2F127\.0\.0\.1%3A\d+%2Fsync$/)

  const other = await browser.newContext()
  const peer = await other.newPage()
  await peer.goto(link)
  await expect(peer.getByRole('heading', { name: 'together' })).toBeVisible()
  await treeItem(peer, 'src').click()
  await treeItem(peer, 'plan.md').click()
  await expect(editor(peer, 'src/plan.md')).toHaveText('first line')

  await editor(page, 'src/plan.md').click()
  await page.keyboard.press('Control+End')
  await page.keyboard.type('from A')
  await expect(editor(peer, 'src/plan.md')).toHaveText('first linefrom A')

  await editor(peer, 'src/plan.md').click()
  await peer.keyboard.press('Control+Home')
  await peer.keyboard.type('B: ')
  await expect(editor(page, 'src/plan.md')).toHaveText('B: first linefrom A')

  await peer.getByRole('link', { name: 'All repositories' }).click()
  await expect(peer.getByRole('link', { name: 'together' })).toBeVisible()
  await other.close()
})

test('a link to a repository no relay has says so', async ({ page }) => {
  await page.goto('/#/open/automerge%3A2fLCE3xxo8rnmi4NDnDFyHkzfhuk?branch=x')
  await expect(page.getByRole('alert')).toContainText('could not be opened', { timeout: 30_000 })
})

test("peers see each other's cursors with names, gone when the peer leaves", async ({ page, browser }) => {
  await page.goto('/')
  await page.getByRole('button', { name: /^Your name:/ }).click()
  const naming = page.getByRole('dialog', { name: 'Your name' })
  await naming.getByLabel('Shown to peers at your cursor').fill('Ada')
  await naming.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByRole('button', { name: 'Your name: Ada' })).toBeVisible()

  await createRepository(page, 'cursors')
  await createPath(page, 'New file', 'notes.txt')
  await editor(page, 'notes.txt').click()
  await page.keyboard.type('hello world')
  await waitSaved(page)
  const link = await shareLinkOf(page)

  const other = await browser.newContext()
  const peer = await other.newPage()
  await peer.goto(link)
  await treeItem(peer, 'notes.txt').click()
  await expect(editor(peer, 'notes.txt')).toHaveText('hello world')

  // Ada moves her caret; the peer sees it, named, where she put it.
  await editor(page, 'notes.txt').click()
  await page.keyboard.press('Home')
  await page.keyboard.press('ArrowRight')
  const adaCursor = peer.getByRole('img', { name: "Ada's cursor" })
  await expect(adaCursor).toBeVisible()
  await expect.poll(() => textBefore(adaCursor)).toBe('h')

  // Ada's caret stays at its place in the text when the peer types before it.
  await editor(peer, 'notes.txt').click()
  await peer.keyboard.press('Control+Home')
  await peer.keyboard.type('>> ')
  await expect(editor(page, 'notes.txt')).toHaveText('>> hello world')
  await expect.poll(() => textBefore(adaCursor)).toBe('>> h')
  await expect(page.getByRole('img', { name: /^Guest \d+'s cursor$/ })).toBeVisible()

  await page.close()
  await expect(adaCursor).toHaveCount(0)
  await other.close()
})

/** The box of a cursor's name label (drawn by CSS after the caret) and of the line above the caret's. */
function labelAndLineAbove(cursor: import('@playwright/test').Locator) {
  return cursor.evaluate((el) => {
    const caret = el.getBoundingClientRect()
    const label = getComputedStyle(el, '::after')
    // An absolutely placed label sits `top` from its caret; an inline one is inside the caret's box.
    const top = label.position === 'absolute' ? caret.top + parseFloat(label.top) : caret.top
    const above = el.closest('.cm-line')!.previousElementSibling!.getBoundingClientRect()
    return { labelTop: top, lineAboveBottom: above.bottom }
  })
}

test('renaming yourself renames your cursor in editors already open; the name does not cover the line above', async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000) // two browsers through the relay, on a busy machine
  await createRepository(page, 'renaming')
  await createPath(page, 'New file', 'notes.txt')
  await editor(page, 'notes.txt').click()
  await page.keyboard.type('line one\nline two')
  await waitSaved(page)
  const link = await shareLinkOf(page)

  const other = await browser.newContext()
  const peer = await other.newPage()
  await peer.goto(link)
  await treeItem(peer, 'notes.txt').click()
  await expect(editor(peer, 'notes.txt')).toHaveText('line oneline two')

  await page.getByRole('button', { name: /^Your name:/ }).click()
  const naming = page.getByRole('dialog', { name: 'Your name' })
  await naming.getByLabel('Shown to peers at your cursor').fill('Grace')
  await naming.getByRole('button', { name: 'Save' }).click()
  await editor(page, 'notes.txt').click()
  await page.keyboard.press('Control+End')
  const grace = peer.getByRole('img', { name: "Grace's cursor" })
  await expect(grace).toBeVisible()

  // Renamed while the file is open on both sides: the peer sees the new name without reopening.
  await page.getByRole('button', { name: 'Your name: Grace' }).click()
  await naming.getByLabel('Shown to peers at your cursor').fill('Grace Hopper')
  await naming.getByRole('button', { name: 'Save' }).click()
  await expect(peer.getByRole('img', { name: "Grace Hopper's cursor" })).toBeVisible()
  await expect(grace).toHaveCount(0)

  // The caret is on the second line; its name leaves the first line readable.
  const { labelTop, lineAboveBottom } = await labelAndLineAbove(
    peer.getByRole('img', { name: "Grace Hopper's cursor" }),
  )
  expect(labelTop).toBeGreaterThanOrEqual(lineAboveBottom - 0.5)
  await other.close()
})
