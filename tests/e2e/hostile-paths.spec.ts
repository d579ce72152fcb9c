import { expect, test } from '@playwright/test'
import { Repo, type AutomergeUrl } from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import type { RepositoryDoc } from '../../src/repo/types.ts'
import { parseRoute } from '../../src/sync/links.ts'
import { createPath, createRepository, shareLinkOf, treeItem } from './fixtures.ts'

test('a peer with the link plants ../x: the explorer names the entry instead of listing files, and export refuses', async ({ page }) => {
  await createRepository(page, 'victim')
  await createPath(page, 'New file', 'README.md')
  const route = parseRoute(new URL(await shareLinkOf(page)).hash)
  if (route.page !== 'open' || !route.relay) throw new Error('the share link names no relay')

  // The attacker: a plain automerge-repo client on the same relay, holding only the link.
  const attacker = new Repo({ network: [new WebSocketClientAdapter(route.relay)] })
  try {
    const handle = await attacker.find<RepositoryDoc>(route.url as AutomergeUrl)
    await expect.poll(() => Object.keys(handle.doc().branches[handle.doc().defaultBranch].tree).length).toBe(1)
    handle.change((d) => {
      const tree = d.branches[d.defaultBranch].tree
      const donor = Object.values(tree)[0]
      ;(tree as Record<string, unknown>)['evil-e2e'] = { ...JSON.parse(JSON.stringify(donor)), path: '../x' }
    })
    const alert = page.getByRole('alert', { name: 'Unsafe path in this branch' })
    await expect(alert).toContainText('entry "evil-e2e" at "../x"')
    await expect(treeItem(page, 'README.md')).toHaveCount(0)

    await page.getByRole('button', { name: 'Export .zip' }).click()
    await expect(page.getByRole('alert', { name: 'Refused files' })).toContainText('entry "evil-e2e" at "../x"')
  } finally {
    await attacker.shutdown()
  }
})
