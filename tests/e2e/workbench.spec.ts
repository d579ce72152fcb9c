import { expect, test, type Page } from '@playwright/test'
import { createPath, createRepository, editor, resizesAndRemembers, treeItem } from './fixtures.ts'

/** Creates branch `name` from the current one (the app switches to it). */
async function newBranch(page: Page, name: string) {
  await page.getByRole('button', { name: 'New branch' }).click()
  await page.getByRole('dialog', { name: 'New branch' }).getByLabel('Name').fill(name)
  await page.getByRole('dialog', { name: 'New branch' }).getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText(name)
}

const sidebarWidth = async (page: Page) =>
  (await page.getByRole('region', { name: 'Explorer' }).boundingBox())!.width

test('the current branch name is readable in the sidebar at its default width', async ({ page }) => {
  await createRepository(page, 'picker')
  await newBranch(page, 'feature/login-form')
  const picker = page.getByLabel('Branch', { exact: true })
  await expect(picker).toBeVisible()
  // The picker's text box (its width less padding and the drop-down arrow) holds the whole name.
  const room = await picker.evaluate((select: HTMLSelectElement) => {
    const style = getComputedStyle(select)
    const context = document.createElement('canvas').getContext('2d')!
    context.font = style.font
    const text = context.measureText(select.selectedOptions[0].text).width
    const inner = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) - 20
    return { text, inner }
  })
  expect(room.text).toBeGreaterThan(50)
  expect(room.inner).toBeGreaterThanOrEqual(room.text)
})

test('every sidebar tab lies inside the sidebar and opens its view, at the default and the narrowest width', async ({
  page,
}) => {
  await createRepository(page, 'tabs-fit')
  const explorer = page.getByRole('region', { name: 'Explorer' })
  const tabs = page.getByRole('tablist', { name: 'Sidebar' }).getByRole('tab')
  await expect(tabs).toHaveCount(6)
  const checkTabs = async () => {
    const sidebar = (await explorer.boundingBox())!
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!
      expect(box.x + box.width, `${await tab.textContent()} ends inside the sidebar`).toBeLessThanOrEqual(
        sidebar.x + sidebar.width,
      )
      // A click that lands on the editor instead fails here (the tab strip used to run under it).
      await tab.click()
      await expect(tab).toHaveAttribute('aria-selected', 'true')
    }
  }
  await checkTabs()
  await page.getByRole('separator', { name: 'Resize sidebar' }).focus()
  await page.keyboard.press('Home')
  await checkTabs()
})

test('the sidebar is resized by keyboard and by dragging its splitter, and keeps its width across reloads', async ({
  page,
}) => {
  await createRepository(page, 'resize')
  const splitter = page.getByRole('separator', { name: 'Resize sidebar' })
  await expect(splitter).toHaveAttribute('aria-orientation', 'vertical')
  const start = Number(await splitter.getAttribute('aria-valuenow'))
  expect(Math.round(await sidebarWidth(page))).toBe(start)

  await splitter.focus()
  await page.keyboard.press('ArrowRight')
  await page.keyboard.press('ArrowRight')
  await expect(splitter).toHaveAttribute('aria-valuenow', String(start + 20))
  expect(Math.round(await sidebarWidth(page))).toBe(start + 20)
  await page.keyboard.press('ArrowLeft')
  await expect(splitter).toHaveAttribute('aria-valuenow', String(start + 10))

  // Home and End go to the bounds, which keep the sidebar usable and leave the editor room.
  await page.keyboard.press('Home')
  const min = Number(await splitter.getAttribute('aria-valuemin'))
  await expect(splitter).toHaveAttribute('aria-valuenow', String(min))
  expect(min).toBeGreaterThanOrEqual(180)
  await page.keyboard.press('End')
  const max = Number(await splitter.getAttribute('aria-valuemax'))
  await expect(splitter).toHaveAttribute('aria-valuenow', String(max))
  expect(max).toBeLessThanOrEqual(page.viewportSize()!.width - 300)
  await page.keyboard.press('Home')

  // A drag moves the edge with the pointer.
  const box = (await splitter.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 + 60, box.y + 200, { steps: 4 })
  await page.mouse.move(box.x + box.width / 2 + 150, box.y + 220, { steps: 4 })
  await page.mouse.up()
  await expect(splitter).toHaveAttribute('aria-valuenow', String(min + 150))
  expect(Math.round(await sidebarWidth(page))).toBe(min + 150)

  await page.reload()
  await expect(page.getByRole('heading', { name: 'resize' })).toBeVisible()
  await expect(splitter).toHaveAttribute('aria-valuenow', String(min + 150))
  expect(Math.round(await sidebarWidth(page))).toBe(min + 150)

  // The splitter sits between the sidebar and the editor, which takes the rest of the window.
  const [bar, editorArea] = [
    (await splitter.boundingBox())!,
    (await page.getByRole('region', { name: 'Editor' }).boundingBox())!,
  ]
  expect(Math.round(bar.x)).toBe(min + 150)
  expect(Math.round(editorArea.x)).toBe(Math.round(bar.x + bar.width))
  expect(Math.round(editorArea.x + editorArea.width)).toBe(page.viewportSize()!.width)
})

test('icons are drawn as SVG, never emoji or text glyphs, and icon buttons have names', async ({ page }) => {
  await createRepository(page, 'icons')
  await createPath(page, 'New folder', 'docs')
  await createPath(page, 'New file', 'docs/a.txt')
  await expect(page.getByRole('tab', { name: 'a.txt' })).toBeVisible()

  // Emoji and the arrows, dingbats and symbols used as icons (←, ⎇, ✎, ▸, ×, 🗑) render as empty boxes without the right font.
  const glyphs = await page
    .locator('button, a, [role="tab"], [role="treeitem"], footer')
    .evaluateAll((nodes) =>
      nodes
        .map((n) => n.textContent ?? '')
        .filter((text) => /[\p{Extended_Pictographic}\u00d7\u2190-\u2bff]/u.test(text)),
    )
  expect(glyphs).toEqual([])

  for (const control of [
    page.getByRole('link', { name: 'All repositories' }),
    page.getByRole('button', { name: 'New branch' }),
    page.getByRole('button', { name: 'Rename branch' }),
    page.getByRole('button', { name: 'Delete branch' }),
    page.getByRole('button', { name: 'Merge…' }),
    page.getByRole('button', { name: 'Close docs/a.txt' }),
  ]) {
    await expect(control).toBeVisible()
    const icon = control.locator('svg')
    await expect(icon).toHaveCount(1)
    await expect(icon).toHaveAttribute('aria-hidden', 'true')
  }
})

test('Ctrl+Shift+P opens a command palette over the workspace actions; Enter runs one, Escape returns focus', async ({
  page,
}) => {
  await createRepository(page, 'palette')
  await createPath(page, 'New file', 'a.txt')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  const input = palette.getByRole('combobox')

  // Opening a file from the tree puts the cursor in its editor.
  await treeItem(page, 'a.txt').click()
  await expect(editor(page, 'a.txt')).toBeFocused()
  await page.keyboard.press('Control+Shift+P')
  await expect(input).toBeFocused()
  // Every action is listed, with its shortcut where it has one.
  for (const name of [
    'New file…',
    'Rename…',
    'Delete…',
    'Import .zip…',
    'Share…',
    'Run…',
    'New branch…',
    'Commit…',
  ])
    await expect(palette.getByRole('option', { name: new RegExp(name.replace('.', '\\.')) })).toHaveCount(1)
  await expect(palette.getByRole('option', { name: /Go to file/ })).toContainText('Ctrl+P')
  await page.keyboard.press('Escape')
  await expect(palette).toBeHidden()
  await expect(editor(page, 'a.txt')).toBeFocused()

  // Fuzzy matching, then Enter runs the action.
  await page.keyboard.press('Control+Shift+P')
  await input.fill('newfol')
  await expect(palette.getByRole('option').first()).toContainText('New folder…')
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  const dialog = page.getByRole('dialog', { name: 'New folder' })
  await dialog.getByLabel('Path').fill('src')
  await dialog.getByRole('button', { name: 'Create' }).click()
  // The folder can be listed before the write is acknowledged and the dialog closes; while a
  // dialog is open it has the keyboard, so the next shortcut waits for it to go.
  await expect(dialog).toBeHidden()
  await expect(treeItem(page, 'src')).toBeVisible()

  await page.keyboard.press('Control+Shift+P')
  await input.fill('show history')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true')

  await page.keyboard.press('Control+Shift+P')
  await input.fill('new branch')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'New branch' })).toBeVisible()
  await page.keyboard.press('Escape')

  // Quick open keeps its own shortcut.
  await page.keyboard.press('Control+p')
  await expect(page.getByRole('dialog', { name: 'Go to file or symbol' })).toBeVisible()
})

test('the run output is resized by keyboard and by dragging its splitter, and keeps its height across reloads', async ({
  page,
}) => {
  await createRepository(page, 'run-output')
  const openRun = async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    const dialog = page.getByRole('dialog', { name: 'Run' })
    await expect(dialog).toBeVisible()
    return dialog
  }
  let dialog = await openRun()
  const output = () => dialog.getByRole('log', { name: 'Run output' })
  const splitter = () => dialog.getByRole('separator', { name: 'Resize run output' })
  // The checkbox sits beside its words (it was stretched across half the dialog).
  const realms = dialog.getByRole('checkbox', { name: /REPL realms/ })
  const { width, gap } = await realms.evaluate((input) => {
    const words = document.createRange()
    words.selectNode(input.nextSibling!)
    const box = input.getBoundingClientRect()
    return { width: box.width, gap: words.getBoundingClientRect().left - box.right }
  })
  expect(width).toBeLessThan(30)
  expect(gap).toBeLessThan(20)
  await resizesAndRemembers(page, splitter, output, async () => {
    await expect(page.getByRole('heading', { name: 'run-output' })).toBeVisible()
    dialog = await openRun()
  })
})

test("the command palette also runs the header's actions (your name, the theme, relays) and closes the editor", async ({
  page,
}) => {
  await createRepository(page, 'palette-app')
  await createPath(page, 'New file', 'a.txt')
  await expect(editor(page, 'a.txt')).toBeFocused()
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  const run = async (query: string, title: RegExp) => {
    await page.keyboard.press('Control+Shift+P')
    await palette.getByRole('combobox').fill(query)
    await expect(palette.getByRole('option').first()).toContainText(title)
    await page.keyboard.press('Enter')
    await expect(palette).toBeHidden()
  }

  await run('your name', /Your name…/)
  const naming = page.getByRole('dialog', { name: 'Your name' })
  await expect(naming).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(naming).toBeHidden()

  await run('theme latte', /Theme: Latte \(light\)/)
  await expect(page.getByLabel('Theme')).toHaveValue('latte')

  await run('relays', /Relays…/)
  const relays = page.getByRole('dialog', { name: 'Relays' })
  await expect(relays).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(relays).toBeHidden()

  await expect(page.getByRole('tab', { name: 'a.txt' })).toBeVisible()
  await run('close editor', /Close editor/)
  await expect(page.getByRole('tab', { name: 'a.txt' })).toBeHidden()
})

test('on the start page, the command palette starts a repository, opens one, and reaches the header', async ({
  page,
}) => {
  await createRepository(page, 'alpha')
  await page.getByRole('link', { name: 'All repositories' }).click()
  await expect(page.getByRole('heading', { name: 'Repositories' })).toBeVisible()
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  const input = palette.getByRole('combobox')

  await page.keyboard.press('Control+Shift+P')
  await expect(input).toBeFocused()
  for (const title of ['Repository: New repository…', 'Repository: Open alpha', 'Preferences: Your name…'])
    await expect(palette.getByRole('option', { name: title, exact: true })).toHaveCount(1)
  await input.fill('new repo')
  await page.keyboard.press('Enter')
  await expect(palette).toBeHidden()
  await expect(page.getByLabel('Repository name')).toBeFocused()

  await page.getByRole('button', { name: 'Command palette' }).click()
  await input.fill('open alpha')
  await expect(palette.getByRole('option').first()).toHaveText('Repository: Open alpha')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'alpha' })).toBeVisible()
})
