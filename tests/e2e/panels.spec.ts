import { expect, test } from '@playwright/test'
import {
  commit,
  createPath,
  createRepository,
  editor,
  paste,
  resizesAndRemembers,
  waitSaved,
} from './fixtures.ts'

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

test('the command palette reaches the actions inside panels and dialogs, only while they are on screen', async ({
  page,
}) => {
  test.setTimeout(90_000)
  await createRepository(page, 'palette-panels')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  const offered = async (title: string) => {
    await page.keyboard.press('Control+Shift+P')
    await palette.getByRole('combobox').fill(title)
    const count = await palette.getByRole('option', { name: title }).count()
    await page.keyboard.press('Escape')
    await expect(palette).toBeHidden()
    return count
  }
  const run = async (title: string) => {
    await page.keyboard.press('Control+Shift+P')
    await palette.getByRole('combobox').fill(title)
    await expect(palette.getByRole('option').first()).toContainText(title)
    await page.keyboard.press('Enter')
    await expect(palette).toBeHidden()
  }

  // A search option, offered only while the search view is shown.
  expect(await offered('Search: Toggle exact substring')).toBe(0)
  await page.getByRole('tab', { name: 'Search' }).click()
  await run('Search: Toggle exact substring')
  await expect(page.getByRole('checkbox', { name: 'Exact substring' })).toBeChecked()

  // Over a diff: its own actions (and not the workspace's, which lie behind it).
  await page.getByRole('tab', { name: 'Files' }).click()
  await createPath(page, 'New file', 'a.txt')
  await editor(page, 'a.txt').click()
  await paste(page, Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n')
  await waitSaved(page)
  await commit(page, 'Base')
  await editor(page, 'a.txt').click()
  await page.keyboard.press('Control+Home')
  await page.keyboard.press('ArrowDown')
  await page.keyboard.type('CHANGED ')
  await page.keyboard.press('Control+End')
  await page.keyboard.type('added at the end')
  await waitSaved(page)
  await page.getByRole('tab', { name: 'Changes' }).click()
  await page.getByRole('button', { name: 'Show changes in a.txt' }).click()
  const diff = page.getByRole('dialog', { name: 'Changes in a.txt' })
  await expect(diff.getByRole('status', { name: 'Current change' })).toHaveText('Change 1 of 2')
  await page.keyboard.press('Control+Shift+P')
  await expect(palette.getByRole('option', { name: /Diff: Next change/ })).toContainText('F7')
  await expect(palette.getByRole('option', { name: /New file/ })).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(palette).toBeHidden()
  await expect(diff).toBeVisible()
  await run('Diff: Next change')
  await expect(diff.getByRole('status', { name: 'Current change' })).toHaveText('Change 2 of 2')
  await run('Diff: Unified')
  await expect(diff.getByRole('radio', { name: 'Unified' })).toBeChecked()
  await run('Diff: Unfold unchanged lines')
  await expect(diff.getByRole('checkbox', { name: 'Fold unchanged lines' })).not.toBeChecked()
  await run('Diff: Close')
  await expect(diff).toBeHidden()
  expect(await offered('Diff: Next change')).toBe(0)

  // The Run dialog's own: Stop only while something runs, Close always.
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const runDialog = page.getByRole('dialog', { name: 'Run' })
  await expect(runDialog).toBeVisible()
  expect(await offered('Run: Stop run')).toBe(0)
  await run('Run: Close')
  await expect(runDialog).toBeHidden()

  // The REPL's controls: opt this tab in, then evaluate the code typed in its box.
  await page.getByRole('tab', { name: 'REPL' }).click()
  await expect(page.getByLabel('Code', { exact: true })).toBeVisible()
  await run('REPL: Run REPL code in this tab')
  await expect(page.getByRole('checkbox', { name: 'Run REPL code in this tab' })).toBeChecked()
  await page.getByLabel('Code', { exact: true }).fill('6 * 7')
  await expect(page.getByLabel('Realm', { exact: true })).toContainText('(this tab)')
  await run('REPL: Evaluate')
  await expect(page.getByRole('list', { name: 'REPL log' }).getByLabel('Result').last()).toHaveText('42')
})

test('in a short window (640 px) the Run dialog keeps Copy output and Close in view', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 640 })
  await createRepository(page, 'run-fold')
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const dialog = page.getByRole('dialog', { name: 'Run' })
  await expect(dialog.getByRole('log', { name: 'Run output' })).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Copy output' })).toBeInViewport({ ratio: 1 })
  await expect(dialog.getByRole('button', { name: 'Close' })).toBeInViewport({ ratio: 1 })
})

test('from the narrowest sidebar up, a history row shows author, date and hash whole or not at all, never a cut-off letter', async ({
  page,
}) => {
  await createRepository(page, 'history-narrow')
  await createPath(page, 'New file', 'a.txt')
  await editor(page, 'a.txt').click()
  await paste(page, 'one\n')
  await waitSaved(page)
  await commit(page, 'A commit message long enough to need most of the row')
  await page.getByRole('tab', { name: 'History' }).click()
  const row = page.getByRole('list', { name: 'History' }).getByRole('listitem')
  await expect(row).toHaveCount(1)
  const splitter = page.getByRole('separator', { name: 'Resize sidebar' })
  const min = Number(await splitter.getAttribute('aria-valuemin'))
  await splitter.focus()
  await page.keyboard.press('Home')
  // From the narrowest width up, the row's words other than the message (which ends in an ellipsis)
  // each lie wholly inside what the row shows or wholly outside it.
  for (let width = min; width <= min + 400; width += 10) {
    await expect(splitter).toHaveAttribute('aria-valuenow', String(width))
    const cut = await row.evaluate((li) => {
      const message = li
        .querySelector('button')
        ?.getAttribute('aria-label')
        ?.replace(/^Open commit \w+: /, '')
      const found: string[] = []
      const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent!.trim()
        if (!text || text === message) continue
        // What the node's ancestors up to the row let through.
        let clip = li.getBoundingClientRect()
        for (let el = node.parentElement; el && el !== li; el = el.parentElement) {
          if (getComputedStyle(el).overflow === 'visible') continue
          const r = el.getBoundingClientRect()
          clip = DOMRect.fromRect({
            x: Math.max(clip.left, r.left),
            y: Math.max(clip.top, r.top),
            width: Math.min(clip.right, r.right) - Math.max(clip.left, r.left),
            height: Math.min(clip.bottom, r.bottom) - Math.max(clip.top, r.top),
          })
        }
        const range = document.createRange()
        range.selectNodeContents(node)
        const box = range.getBoundingClientRect()
        const shownWidth = Math.max(0, Math.min(box.right, clip.right) - Math.max(box.left, clip.left))
        const shownHeight = Math.max(0, Math.min(box.bottom, clip.bottom) - Math.max(box.top, clip.top))
        const shown = shownWidth * shownHeight
        if (shown > 0 && shown < box.width * box.height - 1) found.push(text)
      }
      return found
    })
    expect(cut, `cut at sidebar width ${width}`).toEqual([])
    await page.keyboard.press('ArrowRight')
  }
})
