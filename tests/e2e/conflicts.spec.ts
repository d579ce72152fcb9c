import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import type { RepositoryDoc } from '../../src/model/types.ts'
import { parseRoute } from '../../src/sync/links.ts'
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

/** Replaces the whole text of a file in the editor, and waits until it is saved. */
async function replaceText(page: Page, path: string, text: string) {
  await treeItem(page, path.slice(path.lastIndexOf('/') + 1)).click()
  await editor(page, path).click()
  await page.keyboard.press('Control+a')
  await page.keyboard.type(text)
  await waitSaved(page)
}

async function newBranch(page: Page, name: string) {
  await page.getByRole('button', { name: 'New branch' }).click()
  await page.getByRole('dialog', { name: 'New branch' }).getByLabel('Name').fill(name)
  await page.getByRole('dialog', { name: 'New branch' }).getByRole('button', { name: 'Create' }).click()
  await expect(page.getByLabel('Branch', { exact: true }).locator('option:checked')).toHaveText(name)
}

/** A repository where main and feature both changed the first and last lines of `path`. */
async function conflictingBranches(page: Page, name: string, path = 'notes.txt') {
  await createRepository(page, name)
  await createPath(page, 'New file', path)
  await replaceText(page, path, 'one\nkeep 1\nkeep 2\nkeep 3\nfive')
  await commit(page, 'Base')
  await newBranch(page, 'feature')
  await replaceText(page, path, 'ONE from feature\nkeep 1\nkeep 2\nkeep 3\nFIVE from feature')
  await commit(page, 'Feature edits')
  await switchBranch(page, 'main')
  await replaceText(page, path, 'ONE from main\nkeep 1\nkeep 2\nkeep 3\nFIVE from main')
  await commit(page, 'Main edits')
}

const notice = (page: Page) => page.getByRole('status', { name: 'Merge conflicts to resolve' })

test('a merge kept with its conflicts: another peer sees the file conflicted, resolves it and commits, and the first sees the merge completed', async ({
  page,
  browser,
}) => {
  // Three commits on two branches in one browser and a second browser before the test proper.
  test.setTimeout(120_000)
  await conflictingBranches(page, 'kept-conflicts')

  // A merges and keeps the conflicts instead of resolving them now.
  await page.getByRole('button', { name: 'Merge…' }).click()
  const merge = page.getByRole('dialog', { name: 'Merge into main' })
  await merge.getByRole('checkbox', { name: /^Keep conflicts/ }).check()
  await merge.getByRole('button', { name: 'Merge', exact: true }).click()
  await expect(merge.getByRole('status')).toHaveText(/^Merged with conflicts in 1 file: \w{8}\./)
  await expect(page.getByRole('dialog', { name: /^Resolve/ })).toHaveCount(0)
  await merge.getByRole('button', { name: 'Close' }).click()

  // The file is named conflicted in the explorer and its tab; it holds ours, never marker text.
  await treeItem(page, 'notes.txt (conflicted)').click()
  await expect(page.getByRole('tab', { name: 'notes.txt (conflicted)' })).toBeVisible()
  await expect(editor(page, 'notes.txt')).toHaveText('ONE from mainkeep 1keep 2keep 3FIVE from main')
  await expect(notice(page)).toContainText('1 file conflicted by a merge: notes.txt')

  // B, in another browser, gets the conflicts with the repository.
  const link = await shareLinkOf(page)
  const other = await browser.newContext()
  const peer = await other.newPage()
  await peer.goto(link)
  await expect(peer.getByRole('heading', { name: 'kept-conflicts' })).toBeVisible()
  await expect(treeItem(peer, 'notes.txt (conflicted)')).toBeVisible()
  await notice(peer).getByRole('button', { name: 'Resolve conflicts…' }).click()
  const resolver = peer.getByRole('dialog', { name: 'Resolve recorded conflicts' })
  await expect(resolver.getByRole('button', { name: 'notes.txt: unresolved' })).toBeVisible()
  await expect(resolver.getByLabel('Theirs').getByRole('textbox')).toContainText('ONE from feature')
  await expect(resolver.getByLabel('Base').getByRole('textbox')).toContainText('five')
  const regions = resolver.getByRole('list', { name: 'Conflicts in this file' }).getByRole('listitem')
  await expect(regions).toHaveCount(2)
  await resolver.getByRole('button', { name: 'Conflict 1: use theirs' }).click()
  await expect(regions).toHaveCount(1)
  await resolver.getByRole('button', { name: 'Conflict 1: use both' }).click()
  await expect(regions).toHaveCount(0)
  const result = resolver.getByLabel('Result').getByRole('textbox')
  await result.click()
  await peer.keyboard.press('Control+End')
  await peer.keyboard.type(' (by hand)')
  await expect(resolver.getByRole('button', { name: 'notes.txt: resolved' })).toBeVisible()
  await resolver.getByRole('button', { name: 'Commit merge' }).click()
  await expect(resolver).toBeHidden()
  await expect(peer.getByRole('status').filter({ hasText: /^Merge completed: \w{8}$/ })).toBeVisible()
  await expect(notice(peer)).toHaveCount(0)
  await treeItem(peer, 'notes.txt').click()
  const settled = 'ONE from featurekeep 1keep 2keep 3FIVE from mainFIVE from feature (by hand)'
  await expect(editor(peer, 'notes.txt')).toHaveText(settled)

  // A sees the merge completed: nothing conflicted, the settled text, the settling commit.
  await expect(notice(page)).toHaveCount(0)
  await expect(treeItem(page, 'notes.txt')).toBeVisible()
  await expect(page.getByRole('tab', { name: 'notes.txt', exact: true })).toBeVisible()
  await expect(editor(page, 'notes.txt')).toHaveText(settled)
  await page.getByRole('tab', { name: 'History' }).click()
  await expect(
    page.getByRole('button', {
      name: /^Open commit \w{8}: Settle the conflicts of "Merge feature into main"$/,
    }),
  ).toBeVisible()
  await other.close()
})

test('an agent records a conflicted merge with the CLI (exit 1 from its own process); the person resolves it in the app and the agent sees the merge completed', async ({
  page,
}) => {
  // Several CLI processes, each starting tsx and Automerge (0.5–2 s, more on a loaded machine).
  test.setTimeout(120_000)
  await conflictingBranches(page, 'agent-conflicts', 'docs/notes.txt')
  const link = await shareLinkOf(page)
  const home = mkdtempSync(join(tmpdir(), 'weft-agent-'))
  expect((await weft(home, ['clone', link, '--add-relay'])).code).toBe(0)
  const merged = await weft(home, ['merge', 'feature', '--keep-conflicts', '--author', 'agent-1'])
  expect(merged.code).toBe(1)
  expect(merged.out).toMatch(/^Merged as \w{8} with 1 conflicted file\(s\) recorded \(docs\/notes\.txt\)/)

  // The person sees it without a reload (its folder too), and settles it.
  await expect(treeItem(page, 'docs (contains conflicts)')).toBeVisible()
  await expect(treeItem(page, 'notes.txt (conflicted)')).toBeVisible()
  await notice(page).getByRole('button', { name: 'Resolve conflicts…' }).click()
  const resolver = page.getByRole('dialog', { name: 'Resolve recorded conflicts' })
  await resolver.getByRole('button', { name: 'Conflict 1: use ours' }).click()
  await resolver.getByRole('button', { name: 'Conflict 1: use theirs' }).click()
  await resolver.getByRole('button', { name: 'Commit merge' }).click()
  await expect(resolver).toBeHidden()
  await expect(treeItem(page, 'notes.txt')).toBeVisible()
  await expect(treeItem(page, 'docs')).toBeVisible()

  await expect
    .poll(async () => (await weft(home, ['conflicts'])).out, { timeout: 30_000 })
    .toBe('No conflicts recorded on this branch.\n')
  // The merge engine writes a conflict's sides as whole lines, so the last line (which had none) gains one.
  expect((await weft(home, ['cat', 'docs/notes.txt'])).out).toBe(
    'ONE from main\nkeep 1\nkeep 2\nkeep 3\nFIVE from feature\n',
  )
})

test("a peer's malformed conflict record is named in an alert; nothing is marked and the files stay usable", async ({
  page,
}) => {
  await createRepository(page, 'hostile-conflicts')
  await createPath(page, 'New file', 'README.md')
  await replaceText(page, 'README.md', 'hello')
  const route = parseRoute(new URL(await shareLinkOf(page)).hash)
  if (route.page !== 'open' || !route.relay) throw new Error('the share link names no relay')

  // The attacker: a plain automerge-repo client on the same relay, holding only the link.
  const attacker = new Repo({ network: [new WebSocketClientAdapter(route.relay)] })
  try {
    const handle = await attacker.find<RepositoryDoc>(route.url as AutomergeUrl)
    await expect
      .poll(() => Object.keys(handle.doc().branches[handle.doc().defaultBranch].tree).length)
      .toBe(1)
    handle.change((d) => {
      const branch = d.branches[d.defaultBranch] as unknown as Record<string, unknown>
      const readme = Object.keys(d.branches[d.defaultBranch].tree)[0]
      branch.conflicts = {
        [readme]: {
          path: 'README.md',
          kind: 'content',
          message: 'planted',
          commit: 'nope',
          sides: { base: null, ours: null, theirs: null },
          regions: [{ line: -3, lines: 1, base: null, ours: 'x\n', theirs: 'y\n' }],
        },
      }
    })
    const alert = page.getByRole('alert', { name: 'Conflict records refused' })
    await expect(alert).toContainText('malformed conflict record for "README.md"')
    await expect(alert).toContainText('region 1.line is not a whole number of at least 1')
    await expect(treeItem(page, 'README.md')).toBeVisible()
    await expect(treeItem(page, 'README.md (conflicted)')).toHaveCount(0)
    await treeItem(page, 'README.md').click()
    await expect(editor(page, 'README.md')).toHaveText('hello')
  } finally {
    await attacker.shutdown()
  }
})
