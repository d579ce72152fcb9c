import { expect, test } from '@playwright/test'
import { createPath, createRepository, editor, treeItem, visibleTree, waitSaved } from './fixtures.ts'

test('rename, move and delete files and folders from the explorer', async ({ page }) => {
  await createRepository(page, 'ops')
  await createPath(page, 'New file', 'src/a.ts')
  await createPath(page, 'New file', 'src/util/b.ts')
  await createPath(page, 'New folder', 'lib')

  await treeItem(page, 'a.ts').click()
  await page.getByRole('button', { name: 'Rename', exact: true }).click()
  const rename = page.getByRole('dialog', { name: 'Rename a.ts' })
  await rename.getByLabel('New name').fill('main.ts')
  await rename.getByRole('button', { name: 'Rename' }).click()
  await expect(page.getByRole('tab', { name: 'main.ts' })).toBeVisible()

  await treeItem(page, 'util').click() // selects it, and collapses it
  await page.getByRole('button', { name: 'Move' }).click()
  const move = page.getByRole('dialog', { name: 'Move util' })
  await move.getByLabel('New path').fill('lib/util')
  await move.getByRole('button', { name: 'Move' }).click()
  await expect(move).toBeHidden()
  await expect.poll(() => visibleTree(page)).toEqual(['1:lib', '2:util', '1:src', '2:main.ts'])

  await treeItem(page, 'lib').click()
  await page.getByRole('button', { name: 'Delete', exact: true }).click()
  const confirm = page.getByRole('dialog', { name: 'Delete lib?' })
  await expect(confirm).toContainText('and everything in it')
  await confirm.getByRole('button', { name: 'Delete' }).click()
  await expect.poll(() => visibleTree(page)).toEqual(['1:src', '2:main.ts'])
  await expect(page.getByRole('tab', { name: 'b.ts' })).toHaveCount(0)
})

test('the tree works from the keyboard', async ({ page }) => {
  await createRepository(page, 'keys')
  await createPath(page, 'New file', 'src/a.ts')
  await createPath(page, 'New file', 'z.md')
  // A new file is listed and opened when the worker's tree update arrives; End must see it.
  await expect(page.getByRole('tab', { name: 'z.md' })).toHaveAttribute('aria-selected', 'true')
  await treeItem(page, 'src').click() // collapse
  await expect(treeItem(page, 'src')).toHaveAttribute('aria-expanded', 'false')
  await page.keyboard.press('ArrowRight')
  await expect(treeItem(page, 'src')).toHaveAttribute('aria-expanded', 'true')
  await page.keyboard.press('ArrowDown')
  await expect(treeItem(page, 'a.ts')).toBeFocused()
  await page.keyboard.press('ArrowLeft')
  await expect(treeItem(page, 'src')).toBeFocused()
  await page.keyboard.press('End')
  await expect(treeItem(page, 'z.md')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowUp')
  await expect(treeItem(page, 'a.ts')).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('tab', { name: 'a.ts' })).toHaveAttribute('aria-selected', 'true')
})

test('undo and redo survive switching between files', async ({ page }) => {
  await createRepository(page, 'undo')
  await createPath(page, 'New file', 'one.ts')
  // Each typed at once (one undo step): CodeMirror groups keystrokes by time, which a loaded
  // machine would make this test depend on.
  await editor(page, 'one.ts').click()
  await page.keyboard.insertText('const one = 1')
  await createPath(page, 'New file', 'two.ts')
  await editor(page, 'two.ts').click()
  await page.keyboard.insertText('const two = 2')
  await waitSaved(page)

  await page.getByRole('tab', { name: 'one.ts' }).click()
  await editor(page, 'one.ts').click()
  await page.keyboard.press('Control+z')
  await expect(editor(page, 'one.ts')).toHaveText('')
  await page.getByRole('tab', { name: 'two.ts' }).click()
  await expect(editor(page, 'two.ts')).toHaveText('const two = 2')
  await page.getByRole('tab', { name: 'one.ts' }).click()
  await editor(page, 'one.ts').click()
  await page.keyboard.press('Control+Shift+z')
  await expect(editor(page, 'one.ts')).toHaveText('const one = 1')
  await waitSaved(page)
  await page.reload()
  await treeItem(page, 'one.ts').click()
  await expect(editor(page, 'one.ts')).toHaveText('const one = 1')
})

test('syntax highlighting is chosen by extension; search and replace work', async ({ page }) => {
  await createRepository(page, 'langs')
  const samples: [string, string, string][] = [
    ['a.ts', 'const x: number = 1', 'const'],
    ['b.tsx', 'const el = <div>hi</div>', 'const'],
    ['c.js', 'function f() {}', 'function'],
    ['d.jsx', 'let y = <b/>', 'let'],
    ['e.json', '{"key": true}', 'true'],
    ['f.py', 'def f(): pass', 'def'],
    ['g.go', 'package main', 'package'],
    ['h.rs', 'fn main() {}', 'fn'],
    ['i.css', 'a { color: red }', 'red'],
    ['j.html', '<p class="x">t</p>', 'p'],
    ['k.md', '# Title', '# Title'],
    ['l.yaml', 'key: true', 'key'],
    ['m.toml', 'enabled = true', 'true'],
  ]
  for (const [path, text, token] of samples) {
    await createPath(page, 'New file', path)
    await editor(page, path).click()
    await page.keyboard.type(text)
    // A highlighted token is wrapped in a span whose colour differs from plain text.
    const coloured = await editor(page, path).evaluate((el, token) => {
      const plain = getComputedStyle(el).color
      return [...el.querySelectorAll('span')].some(
        (s) => s.textContent === token && getComputedStyle(s).color !== plain,
      )
    }, token)
    expect(coloured, `${path} highlights ${token}`).toBe(true)
  }
  await createPath(page, 'New file', 'plain.txt')
  await editor(page, 'plain.txt').click()
  await page.keyboard.type('foo bar foo')
  await page.keyboard.press('Control+f')
  await page.getByRole('textbox', { name: 'Find' }).fill('foo')
  await page.getByRole('textbox', { name: 'Replace' }).fill('baz')
  await page.getByRole('button', { name: 'replace all' }).click()
  await expect(editor(page, 'plain.txt')).toHaveText('baz bar baz')
  await expect(page.locator('.cm-lineNumbers').first()).toBeVisible()
})
