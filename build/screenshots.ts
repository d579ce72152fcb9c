/**
 * The README's pictures, made from the app as it is: the production build (`npm run build` first)
 * served by a relay, driven in Chromium through the end-to-end tests' fixtures, at 1280×800.
 * Writes docs/images/workbench.png, run-console.png, merge-resolver.png and history.png.
 *
 *   npm run screenshots
 *
 * Not part of `npm test`: it checks nothing, it only shows.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, expect as baseExpect, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../bench/lib/chromium.ts'
import {
  commit,
  createPath,
  createRepository,
  editor,
  switchBranch,
  treeItem,
  waitSaved,
} from '../tests/e2e/fixtures.ts'
import { RelayProcess } from '../tests/e2e/relayProcess.ts'

/** Patient: the machine that makes the pictures may be busy. */
const expect = baseExpect.configure({ timeout: 20_000 })

const IMAGES = fileURLToPath(new URL('../docs/images/', import.meta.url))

const TOTAL = `/** The sum of the numbers, and how many there were. */
export function total(values: readonly number[]): { sum: number; count: number } {
  let sum = 0
  for (const value of values) sum += value
  return { sum, count: values.length }
}

export function average(values: readonly number[]): number {
  const { sum, count } = total(values)
  return count === 0 ? 0 : sum / count
}
`
const HELLO = `import { total } from './total.js'

const values = [3, 5, 8, 13]
console.log('values:', values)
console.log('total:', total(values))
console.error('a warning on stderr')
`
const TOTAL_JS = `export const total = (values) => values.reduce((sum, value) => sum + value, 0)\n`

/** Writes a new file through the explorer and the editor (inserted at once, as a paste is). */
async function writeFile(page: Page, path: string, text: string): Promise<void> {
  await createPath(page, 'New file', path)
  await treeItem(page, path.split('/').at(-1)!).click()
  await editor(page, path).click()
  await page.keyboard.insertText(text)
  await waitSaved(page)
}

/** Opens a file from the tree, expanding its folders where they are collapsed. */
async function openFile(page: Page, path: string): Promise<void> {
  const parts = path.split('/')
  for (const folder of parts.slice(0, -1)) {
    const item = treeItem(page, folder)
    if ((await item.getAttribute('aria-expanded')) === 'false') await item.click()
  }
  await treeItem(page, parts.at(-1)!).click()
}

/** Replaces a file's whole text. */
async function replaceText(page: Page, path: string, text: string): Promise<void> {
  await openFile(page, path)
  await editor(page, path).click()
  await page.keyboard.press('Control+a')
  await page.keyboard.insertText(text)
  await waitSaved(page)
}

async function newBranch(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New branch' }).click()
  const dialog = page.getByRole('dialog', { name: 'New branch' })
  await dialog.getByLabel('Name').fill(name)
  await dialog.getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText(name)
}

async function shoot(page: Page, name: string): Promise<void> {
  // No caret blinking or transitions caught half-way.
  await page.screenshot({ path: `${IMAGES}${name}.png`, animations: 'disabled', caret: 'hide' })
  process.stderr.write(`· docs/images/${name}.png\n`)
}

async function main(): Promise<void> {
  mkdirSync(IMAGES, { recursive: true })
  const relay = new RelayProcess()
  await relay.start()
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
  let page: Page | undefined
  try {
    const context = await browser.newContext({
      baseURL: relay.url,
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    })
    page = await context.newPage()
    await createRepository(page, 'weft-demo')
    await writeFile(page, 'README.md', '# weft-demo\n\nA small package to show Weft.\n')
    await writeFile(
      page,
      'package.json',
      '{\n  "name": "weft-demo",\n  "scripts": { "start": "node hello.js" }\n}\n',
    )
    await writeFile(page, 'total.js', TOTAL_JS)
    await writeFile(page, 'hello.js', HELLO)
    await createPath(page, 'New folder', 'src')
    await writeFile(page, 'src/total.ts', TOTAL)
    await commit(page, 'Add total and average')
    await openFile(page, 'src/total.ts')
    await expect(editor(page, 'src/total.ts')).toContainText('export function average')
    await shoot(page, 'workbench')

    await page.getByRole('button', { name: 'Run', exact: true }).click()
    const run = page.getByRole('dialog', { name: 'Run' })
    await run.getByLabel('Command', { exact: true }).fill('node hello.js')
    await run.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(run.getByRole('log', { name: 'Run output' })).toContainText('a warning on stderr', {
      timeout: 120_000,
    })
    await expect(run.getByRole('status', { name: 'Run status' })).toHaveText(/^Exited with code 0/)
    await shoot(page, 'run-console')
    await run.getByRole('button', { name: 'Close' }).click()

    // Both branches change the same lines of average(): a conflict for the resolver.
    await newBranch(page, 'empty-is-nan')
    await replaceText(
      page,
      'src/total.ts',
      TOTAL.replace('count === 0 ? 0 : sum / count', 'count === 0 ? NaN : sum / count'),
    )
    await commit(page, 'The average of nothing is NaN')
    await switchBranch(page, 'main')
    await replaceText(
      page,
      'src/total.ts',
      TOTAL.replace('count === 0 ? 0 : sum / count', 'count > 0 ? sum / count : undefined').replace(
        '): number {',
        '): number | undefined {',
      ),
    )
    await commit(page, 'The average of nothing is undefined')
    await page.getByRole('button', { name: 'Merge…' }).click()
    const merge = page.getByRole('dialog', { name: 'Merge into main' })
    await merge.getByRole('button', { name: 'Merge' }).click()
    const resolver = page.getByRole('dialog', { name: /^Resolve conflicts: merge empty-is-nan into main$/ })
    await expect(resolver.getByLabel('Theirs').getByRole('textbox')).toContainText('NaN')
    await shoot(page, 'merge-resolver')
    await resolver.getByRole('button', { name: 'Conflict 1: use ours' }).click()
    await resolver.getByRole('button', { name: 'Commit merge' }).click()
    await expect(resolver).toBeHidden()
    await expect(merge.getByRole('status')).toHaveText(/^Merged: \w{8}$/)
    await merge.getByRole('button', { name: 'Close' }).click()

    await page.getByRole('tab', { name: 'History' }).click()
    await expect(
      page.getByRole('button', { name: /^Open commit \w{8}: Merge empty-is-nan into main$/ }),
    ).toBeVisible()
    await shoot(page, 'history')
  } catch (error) {
    await page?.screenshot({ path: `${IMAGES}failed.png` })
    throw error
  } finally {
    await browser.close()
    await relay.stop()
    rmSync(relay.dataDir, { recursive: true, force: true })
  }
}

await main()
