/**
 * Git in the app, as a person does it: pick a folder that is a git checkout and bring its history
 * in (History shows git's commits by their ids and messages), download the repository as git and
 * check the download with git itself; `.gitignore` honoured on a folder import; a bad repository
 * refused by name with nothing written.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { GIT_BUNDLE, gitRunner, gitTestEnv } from '../unit/gitFixture.ts'
import { createRepository, treeItem, visibleTree } from './fixtures.ts'

const BUNDLE = GIT_BUNDLE
const ENV = gitTestEnv()
const gitIn = gitRunner(ENV)

/** A checkout of a real public history (the unit tests' bundle), both its branches local. */
function checkout(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'weft-git-e2e-')), 'balanced-match')
  execFileSync('git', ['clone', '--quiet', BUNDLE, dir, '--branch', 'master'], { env: ENV })
  gitIn(dir, 'branch', 'older', 'origin/older')
  return dir
}

async function pickFolder(page: Page, dir: string): Promise<void> {
  await page.getByLabel('Folder to import').setInputFiles(dir)
}

test('a picked git checkout brings its history in; the download as git has the same commits', async ({
  page,
}) => {
  const source = checkout()
  await createRepository(page, 'balanced')
  await pickFolder(page, source)

  const offer = page.getByRole('dialog', { name: 'Bring in git history?' })
  await expect(offer).toContainText('"balanced-match" is a git repository with 2 branches and 10 tags')
  await expect(offer.getByRole('checkbox', { name: 'master (current)' })).toBeChecked()
  await expect(offer.getByRole('checkbox', { name: 'older' })).toBeChecked()
  await offer.getByRole('button', { name: 'Import history' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Brought in' })).toHaveText(
    'Brought in 65 commits on 2 branches; 10 tags kept as read-only names.',
  )

  // The default branch is git's current one, its files git's, its history git's commits.
  await expect(page.getByRole('combobox', { name: 'Branch' })).toHaveValue(/.+/)
  await expect(page.getByRole('combobox', { name: 'Branch' }).locator('option:checked')).toHaveText(/^master/)
  await expect(treeItem(page, 'README.md')).toBeVisible()
  await page.getByRole('tab', { name: 'History' }).click()
  const history = page.getByRole('list', { name: 'History' })
  for (const line of gitIn(source, 'log', '-5', '--format=%H %s', 'master').trim().split('\n')) {
    const [id, ...subject] = line.split(' ')
    await expect(
      history.getByRole('button', {
        name: `Open commit ${id.slice(0, 8)}: ${subject.join(' ')}`,
        exact: false,
      }),
    ).toBeVisible()
  }

  await page.getByRole('tab', { name: 'Files' }).click()
  // The workspace knows the default branch's new name (an export is named after it).
  const exporting = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export .zip' }).click()
  expect((await exporting).suggestedFilename()).toBe('balanced-master.zip')

  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Download as git' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe('balanced-git.zip')
  await expect(page.getByRole('status').filter({ hasText: 'Downloaded' })).toHaveText(
    `Downloaded master (${gitIn(source, 'rev-parse', 'master').slice(0, 12)}) with its history as a git repository.`,
  )
  const out = mkdtempSync(join(tmpdir(), 'weft-git-download-'))
  writeFileSync(join(out, 'download.zip'), readFileSync(await download.path()))
  execFileSync('unzip', ['-q', 'download.zip'], { cwd: out })
  const unpacked = join(out, 'balanced')
  gitIn(unpacked, 'fsck', '--strict')
  expect(gitIn(unpacked, 'rev-parse', 'HEAD', 'older')).toBe(gitIn(source, 'rev-parse', 'master', 'older'))
  expect(gitIn(unpacked, 'log', '--graph', '--all', '--format=%H %T %P %an %at %s')).toBe(
    gitIn(source, 'log', '--graph', 'master', 'older', '--tags', '--format=%H %T %P %an %at %s'),
  )
  expect(gitIn(unpacked, 'status', '--porcelain')).toBe('')
})

test('a shallow clone is refused by name, and nothing is written', async ({ page }) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'weft-git-shallow-')), 'shallow')
  // A shallow clone needs a repository to clone from (a bundle cannot be cloned shallow).
  const full = checkout()
  execFileSync('git', ['clone', '--quiet', '--depth', '3', `file://${full}`, dir], { env: ENV })
  await createRepository(page, 'shallow')
  await pickFolder(page, dir)
  await page
    .getByRole('dialog', { name: 'Bring in git history?' })
    .getByRole('button', { name: 'Import history' })
    .click()
  await expect(page.getByRole('alert', { name: 'Git' })).toContainText(
    'The git history was not imported: The git repository is a shallow clone',
  )
  await expect(page.getByRole('alert', { name: 'Git' })).toContainText('Nothing was written.')
  await expect(page.getByText('Empty. Add a file, or drop a folder here.')).toBeVisible()
  await page.getByRole('tab', { name: 'History' }).click()
  await expect(page.getByRole('list', { name: 'History' }).getByRole('listitem')).toHaveCount(0)
})

test('a folder import leaves out what .gitignore ignores, and says how many', async ({ page }) => {
  const root = mkdtempSync(join(tmpdir(), 'weft-ignore-'))
  const files: Record<string, string> = {
    'app/.gitignore': '*.log\nbuild/\n!keep.log\n',
    'app/main.ts': 'export {}\n',
    'app/debug.log': 'noise\n',
    'app/keep.log': 'kept\n',
    'app/build/out.js': 'built\n',
    'app/src/.gitignore': 'secret.txt\n',
    'app/src/secret.txt': 'hidden\n',
    'app/src/lib.ts': 'export const x = 1\n',
  }
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  await createRepository(page, 'ignoring')
  await pickFolder(page, join(root, 'app'))
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 5 new and 0 replaced files; 3 left out by .gitignore.',
  )
  await treeItem(page, 'app').click()
  await treeItem(page, 'src').click()
  await expect
    .poll(() => visibleTree(page))
    .toEqual(['1:app', '2:src', '3:.gitignore', '3:lib.ts', '2:.gitignore', '2:keep.log', '2:main.ts'])
})

test('Files only imports a checkout’s files as they are now: no .git, nothing git ignores', async ({
  page,
}) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'weft-git-files-')), 'work')
  mkdirSync(dir)
  gitIn(dir, 'init', '-q', '-b', 'main')
  writeFileSync(join(dir, '.gitignore'), 'dist/\n')
  writeFileSync(join(dir, 'index.ts'), 'export const a = 1\n')
  gitIn(dir, 'add', '.')
  gitIn(dir, 'commit', '-q', '-m', 'first')
  // Not committed: an edit, and a build the .gitignore leaves out.
  writeFileSync(join(dir, 'index.ts'), 'export const a = 2\n')
  mkdirSync(join(dir, 'dist'))
  writeFileSync(join(dir, 'dist/index.js'), 'built\n')

  await createRepository(page, 'files-only')
  await pickFolder(page, dir)
  const offer = page.getByRole('dialog', { name: 'Bring in git history?' })
  await expect(offer).toContainText('"work" is a git repository with 1 branch and 0 tags')
  await offer.getByRole('button', { name: 'Files only' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 2 new and 0 replaced files; 1 left out by .gitignore.',
  )
  await treeItem(page, 'work').click()
  await expect.poll(() => visibleTree(page)).toEqual(['1:work', '2:.gitignore', '2:index.ts'])
  await page.getByRole('tab', { name: 'History' }).click()
  await expect(page.getByRole('list', { name: 'History' }).getByRole('listitem')).toHaveCount(0)
})
