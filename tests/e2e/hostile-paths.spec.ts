import { expect, test } from '@playwright/test'
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import type { RepositoryDoc } from '../../src/model/types.ts'
import { parseRoute } from '../../src/sync/links.ts'
import { createPath, createRepository, shareLinkOf, treeItem, visibleTree } from './fixtures.ts'

test('a peer with the link plants ../x: the explorer names the entry instead of listing files, and export refuses', async ({
  page,
}) => {
  await createRepository(page, 'victim')
  await createPath(page, 'New file', 'README.md')
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
      const tree = d.branches[d.defaultBranch].tree
      const donor = Object.values(tree)[0]
      ;(tree as Record<string, unknown>)['evil-e2e'] = { ...JSON.parse(JSON.stringify(donor)), path: '../x' }
    })
    const alert = page.getByRole('alert', { name: 'Unsafe path in this branch' })
    await expect(alert).toContainText('entry "evil-e2e" at "../x"')
    await expect(treeItem(page, 'README.md')).toHaveCount(0)

    await page.getByRole('button', { name: 'Export .zip' }).click()
    await expect(page.getByRole('alert', { name: 'Refused files' })).toContainText(
      'entry "evil-e2e" at "../x"',
    )
  } finally {
    await attacker.shutdown()
  }
})

test('a peer adds a second README.md (as two people creating it at once do): both are listed, a notice names the renamed one, and renaming it resolves it for the peer too', async ({
  page,
}) => {
  await createRepository(page, 'shared')
  await createPath(page, 'New file', 'README.md')
  const route = parseRoute(new URL(await shareLinkOf(page)).hash)
  if (route.page !== 'open' || !route.relay) throw new Error('the share link names no relay')

  const peer = new Repo({ network: [new WebSocketClientAdapter(route.relay)] })
  try {
    const handle = await peer.find<RepositoryDoc>(route.url as AutomergeUrl)
    await expect
      .poll(() => Object.keys(handle.doc().branches[handle.doc().defaultBranch].tree).length)
      .toBe(1)
    handle.change((d) => {
      const tree = d.branches[d.defaultBranch].tree
      const donor = Object.values(tree)[0]
      ;(tree as Record<string, unknown>)['peer-dup'] = {
        ...JSON.parse(JSON.stringify(donor)),
        path: 'README.md',
      }
    })
    const notice = page.getByRole('status', { name: 'Files shown under another name' })
    await expect(notice).toContainText('1 file has the same name as another')
    await expect(notice).toContainText('"README.md" → "README (conflict peerdu).md"')
    await expect(page.getByRole('alert', { name: 'Unsafe path in this branch' })).toHaveCount(0)
    await expect.poll(() => visibleTree(page)).toEqual(['1:README (conflict peerdu).md', '1:README.md'])

    await treeItem(page, 'README (conflict peerdu).md').click()
    await page.getByRole('button', { name: 'Rename', exact: true }).click()
    const rename = page.getByRole('dialog', { name: 'Rename README (conflict peerdu).md' })
    await rename.getByLabel('New name').fill('NOTES.md')
    await rename.getByRole('button', { name: 'Rename' }).click()
    await expect.poll(() => visibleTree(page)).toEqual(['1:NOTES.md', '1:README.md'])
    await expect(notice).toHaveCount(0)
    await expect
      .poll(() => String(handle.doc().branches[handle.doc().defaultBranch].tree['peer-dup']?.path))
      .toBe('NOTES.md')
  } finally {
    await peer.shutdown()
  }
})
