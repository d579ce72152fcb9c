import { expect, test, type Browser, type Page } from '@playwright/test'
import { createPath, createRepository, editor, shareLinkOf, treeItem, waitSaved } from './fixtures.ts'
import { NetworkLink, RelayProcess } from './relayProcess.ts'

/**
 * Two people on the same file through `relay`: A created it with `text`, B opened A's share link,
 * through `viaB` (B's own network path to the relay) when given.
 */
async function pair(
  browser: Browser,
  relay: RelayProcess,
  text: string,
  viaB?: NetworkLink,
): Promise<{ a: Page; b: Page }> {
  const a = await (await browser.newContext({ baseURL: relay.url })).newPage()
  await createRepository(a, 'converge')
  await createPath(a, 'New file', 'doc.txt')
  await editor(a, 'doc.txt').click()
  await a.keyboard.type(text)
  await waitSaved(a)
  const link = await shareLinkOf(a)

  const b = await (await browser.newContext()).newPage()
  await b.goto(viaB ? link.replaceAll(String(relay.port), String(viaB.port)) : link)
  await treeItem(b, 'doc.txt').click()
  await expect(editor(b, 'doc.txt')).toHaveText(text)
  return { a, b }
}

const connection = (page: Page) => page.getByRole('status', { name: 'Connection' })

test.describe('convergence through a relay process', () => {
  const relay = new RelayProcess()
  test.beforeAll(() => relay.start())
  test.afterAll(() => relay.stop())

  test('both type into the same file at once, at different places: both edits survive', async ({
    browser,
  }) => {
    const { a, b } = await pair(browser, relay, 'middle')
    await editor(a, 'doc.txt').click()
    await a.keyboard.press('Control+Home')
    await editor(b, 'doc.txt').click()
    await b.keyboard.press('Control+End')
    await Promise.all([a.keyboard.type('start-', { delay: 15 }), b.keyboard.type('-end', { delay: 15 })])
    await expect(editor(a, 'doc.txt')).toHaveText('start-middle-end')
    await expect(editor(b, 'doc.txt')).toHaveText('start-middle-end')
  })

  test('B goes offline, both edit, B comes back: they converge and nothing is lost', async ({ browser }) => {
    const bNetwork = new NetworkLink(() => relay.port)
    await bNetwork.start()
    const { a, b } = await pair(browser, relay, 'shared', bNetwork)
    bNetwork.cut()
    await expect(connection(b)).toHaveText(/retrying in/)
    await editor(a, 'doc.txt').click()
    await a.keyboard.press('Control+End')
    await a.keyboard.type(' +online')
    await editor(b, 'doc.txt').click()
    await b.keyboard.press('Control+Home')
    await b.keyboard.type('offline+ ')
    await expect(connection(b)).toHaveText(/change.? pending/)
    await expect(editor(b, 'doc.txt')).toHaveText('offline+ shared')

    bNetwork.restore()
    await expect(editor(b, 'doc.txt')).toHaveText('offline+ shared +online', { timeout: 45_000 })
    await expect(editor(a, 'doc.txt')).toHaveText('offline+ shared +online')
    await bNetwork.close()
  })

  test('the relay is killed (SIGKILL) and restarted: both reconnect and converge', async ({ browser }) => {
    const { a, b } = await pair(browser, relay, 'before')
    await expect(connection(a)).toHaveText(/Connected/)
    await relay.stop('SIGKILL')
    await expect(connection(a)).toHaveText(/retrying in/)

    // Both keep working while the relay is gone; nothing reaches the other side yet.
    await editor(a, 'doc.txt').click()
    await a.keyboard.press('Control+Home')
    await a.keyboard.type('A:')
    await editor(b, 'doc.txt').click()
    await b.keyboard.press('Control+End')
    await b.keyboard.type(':B')
    await expect(connection(b)).toHaveText(/change.? pending/)
    await expect(editor(a, 'doc.txt')).toHaveText('A:before')

    await relay.start()
    await expect(editor(a, 'doc.txt')).toHaveText('A:before:B', { timeout: 45_000 })
    await expect(editor(b, 'doc.txt')).toHaveText('A:before:B')
    await expect(connection(a)).toHaveText(/Connected · all synced/, { timeout: 20_000 })
  })

  test('what the relay acknowledged survives SIGKILL: a newcomer reads it after the restart', async ({
    browser,
  }) => {
    const { a, b } = await pair(browser, relay, 'kept')
    await b.context().close()
    await editor(a, 'doc.txt').click()
    await a.keyboard.press('Control+End')
    await a.keyboard.type(' and acknowledged')
    await waitSaved(a)
    await expect(connection(a)).toHaveText(/Connected · all synced/)
    // The newcomer needs the share link, taken before the kill.
    const shared = await shareLinkOf(a)
    // Only the relay holds the text now: the writer leaves before the relay dies.
    await a.context().close()
    await relay.stop('SIGKILL')
    await relay.start()

    const newcomer = await (await browser.newContext()).newPage()
    await newcomer.goto(shared)
    await treeItem(newcomer, 'doc.txt').click()
    await expect(editor(newcomer, 'doc.txt')).toHaveText('kept and acknowledged')
  })
})
