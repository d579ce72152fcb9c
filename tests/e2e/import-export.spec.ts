import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { expect, test } from '@playwright/test'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { createRepository, treeItem, visibleTree } from './fixtures.ts'

/** A folder on disk with nested paths, a binary file and non-ASCII text. */
function makeFolder(files: Record<string, Uint8Array>): string {
  const root = mkdtempSync(join(tmpdir(), 'weft-import-'))
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), bytes)
  }
  return root
}

const binary = new Uint8Array(Array.from({ length: 600 }, (_, i) => (i * 37) % 256))
const sample: Record<string, Uint8Array> = {
  'project/README.md': strToU8('# Project\n\nnaïve café ✓\n'),
  'project/src/index.ts': strToU8('export const main = () => 1\n'),
  'project/src/lib/deep/util.ts': strToU8('export function util(x: number) {\n  return x * 2\n}\n'),
  'project/assets/logo.bin': binary,
}

async function exportZip(page: import('@playwright/test').Page): Promise<Record<string, Uint8Array>> {
  const downloading = page.waitForEvent('download')
  await page.getByRole('button', { name: 'Export .zip' }).click()
  const download = await downloading
  expect(download.suggestedFilename()).toMatch(/-main\.zip$/)
  return unzipSync(new Uint8Array(readFileSync(await download.path())))
}

test('import a folder with nested paths: same tree and the same bytes back out', async ({ page }) => {
  await createRepository(page, 'imported')
  await page.getByLabel('Folder to import').setInputFiles(join(makeFolder(sample), 'project'))
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 4 new and 0 replaced files.',
  )

  for (const folder of ['project', 'src', 'lib', 'deep', 'assets']) await treeItem(page, folder).click()
  await expect
    .poll(() => visibleTree(page))
    .toEqual([
      '1:project',
      '2:assets',
      '3:logo.bin',
      '2:src',
      '3:lib',
      '4:deep',
      '5:util.ts',
      '3:index.ts',
      '2:README.md',
    ])

  await treeItem(page, 'logo.bin').click()
  await expect(page.getByText('Binary file · 600 B — not shown.')).toBeVisible()

  const exported = await exportZip(page)
  expect(Object.keys(exported).sort()).toEqual(Object.keys(sample).sort())
  for (const [path, bytes] of Object.entries(sample)) expect(exported[path], path).toEqual(bytes)
})

test('an oversize file is refused with the limit named; the rest of the import lands', async ({ page }) => {
  await createRepository(page, 'limits')
  const folder = makeFolder({
    'big/small.txt': strToU8('fine\n'),
    'big/huge.bin': new Uint8Array(10 * 1024 * 1024 + 1),
    'big/other.txt': strToU8('also fine\n'),
  })
  await page.getByLabel('Folder to import').setInputFiles(join(folder, 'big'))
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 2 new and 0 replaced files; 1 refused.',
  )
  await expect(page.getByRole('alert', { name: 'Refused files' })).toHaveText(
    'big/huge.bin: 10.0 MiB is over the 10.0 MiB file size limit.',
  )
  await treeItem(page, 'big').click()
  await expect.poll(() => visibleTree(page)).toEqual(['1:big', '2:other.txt', '2:small.txt'])
})

test('import a .zip: nested tree, unsafe entries refused, export round-trips', async ({ page }) => {
  await createRepository(page, 'zipped')
  const zip = zipSync({
    'app/main.py': strToU8('print("hi")\n'),
    'app/pkg/mod.py': strToU8('X = 1\n'),
    'data.bin': binary,
    '../escape.txt': strToU8('nope'),
  })
  const dir = mkdtempSync(join(tmpdir(), 'weft-zip-'))
  writeFileSync(join(dir, 'upload.zip'), zip)
  await page.getByLabel('Zip to import').setInputFiles(join(dir, 'upload.zip'))
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 3 new and 0 replaced files; 1 refused.',
  )
  await expect(page.getByRole('alert', { name: 'Refused files' })).toContainText('../escape.txt')
  await expect(page.getByRole('alert', { name: 'Refused files' })).toContainText('cannot point outside')

  const exported = await exportZip(page)
  expect(Object.keys(exported).sort()).toEqual(['app/main.py', 'app/pkg/mod.py', 'data.bin'])
  expect(exported['data.bin']).toEqual(binary)
})

test('a broken .zip is reported and nothing else changes', async ({ page }) => {
  await createRepository(page, 'broken')
  const dir = mkdtempSync(join(tmpdir(), 'weft-zip-'))
  writeFileSync(join(dir, 'broken.zip'), strToU8('PK\u0003\u0004 this is not really a zip'))
  await page.getByLabel('Zip to import').setInputFiles(join(dir, 'broken.zip'))
  await expect(page.getByRole('alert', { name: 'Refused files' })).toContainText('cannot be read')
  await expect(page.getByText('Empty. Add a file, or drop a folder here.')).toBeVisible()
})

test('files dropped on the explorer are imported', async ({ page }) => {
  await createRepository(page, 'dropped')
  // Playwright cannot drag from the OS; a DataTransfer with files is what the browser hands the page.
  const dataTransfer = await page.evaluateHandle(() => {
    const transfer = new DataTransfer()
    transfer.items.add(new File(['dropped text\n'], 'notes.txt', { type: 'text/plain' }))
    transfer.items.add(new File([new Uint8Array([0, 1, 2])], 'blob.bin'))
    return transfer
  })
  await page.getByRole('region', { name: 'Explorer' }).dispatchEvent('drop', { dataTransfer })
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toHaveText(
    'Imported 2 new and 0 replaced files.',
  )
  await expect.poll(() => visibleTree(page)).toEqual(['1:blob.bin', '1:notes.txt'])
})
