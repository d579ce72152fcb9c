import { createServer, type Server } from 'node:http'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import {
  Repo,
  isValidAutomergeUrl,
  isValidDocumentId,
  interpretAsDocumentId,
  type AutomergeUrl,
} from '@automerge/automerge-repo'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { createPath, createRepository, editor, shareLinkOf, treeItem, waitSaved } from './fixtures.ts'
import { RelayProcess } from './relayProcess.ts'

/**
 * The attack: a page on another origin navigates the person's Weft tab to a Share link naming the
 * attacker's relay. Before sharing by capability, the app added that relay without asking and
 * offered it every document, the catalog (every repository's URL) included: the victim's catalog
 * and a private repository were on the attacker's relay within 12 s, with no click.
 */

/** Longer than the 12 s the old exfiltration took. */
const WATCH_MS = 15_000

/** The document ids the relay has stored: its storage keeps each under `xx/rest-of-id`. */
function storedIds(dataDir: string): Set<string> {
  const ids = new Set<string>()
  for (const head of readdirSync(dataDir, { withFileTypes: true }))
    if (head.isDirectory() && head.name.length === 2)
      for (const rest of readdirSync(join(dataDir, head.name)))
        if (isValidDocumentId(head.name + rest)) ids.add(head.name + rest)
  return ids
}

/** The victim's catalog id, read from the app's IndexedDB, as the repository worker stores it. */
function catalogId(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('weft')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const get = open.result
            .transaction('documents')
            .objectStore('documents')
            .get(['weft', 'catalog-url'])
          get.onsuccess = () => resolve(new TextDecoder().decode(get.result.binary).replace('automerge:', ''))
          get.onerror = () => reject(get.error)
        }
      }),
  )
}

const urlOf = (link: string) => decodeURIComponent(/#\/open\/([^?]+)/.exec(link)![1]) as AutomergeUrl

test('a page on another origin cannot make the app send the catalog or other repositories to its relay', async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000)
  const attacker = new RelayProcess()
  await attacker.start()
  let evil: Server | undefined
  const attackerContext = await browser.newContext()
  const stranger = new Repo({
    network: [new WebSocketClientAdapter(`${attacker.url.replace('http', 'ws')}/sync`)],
  })
  try {
    // The victim: a private repository with a file, synced to the relay that serves the app.
    await createRepository(page, 'private')
    await createPath(page, 'New file', 'secret.md')
    await editor(page, 'secret.md').click()
    await page.keyboard.type("the victim's secret")
    await waitSaved(page)
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/Connected · all synced/)
    const privateId = interpretAsDocumentId(urlOf(await shareLinkOf(page)))
    const catalog = await catalogId(page)

    // The attacker: a bait repository on the attacker's relay (served by it), and its Share link.
    const attackerPage = await attackerContext.newPage()
    await attackerPage.goto(`${attacker.url}/`)
    await attackerPage.getByLabel('Repository name').fill('bait')
    await attackerPage.getByRole('button', { name: 'Create repository' }).click()
    await expect(attackerPage.getByRole('heading', { name: 'bait' })).toBeVisible()
    const attackerLink = await shareLinkOf(attackerPage)
    expect(attackerLink).toContain(encodeURIComponent(`ws://127.0.0.1:${attacker.port}/sync`))
    // The same link, aimed at the victim's own Weft.
    const victimLink = `${baseURL}/${attackerLink.slice(attackerLink.indexOf('#'))}`

    // A page on another origin that only navigates the Weft tab there.
    evil = createServer((_, res) => {
      res.setHeader('content-type', 'text/html')
      res.end(
        `<!doctype html><title>cute cats</title><script>location.replace(${JSON.stringify(victimLink)})</script>`,
      )
    })
    await new Promise<void>((resolve) => evil!.listen(0, '127.0.0.1', resolve))
    const evilUrl = `http://127.0.0.1:${(evil.address() as import('node:net').AddressInfo).port}/`
    /** Neither the catalog nor the private repository reaches the attacker's relay for WATCH_MS from `since`. */
    const watchNothingLeaks = async (since: number) => {
      do {
        const stored = storedIds(attacker.dataDir)
        expect(stored.has(catalog), 'the catalog reached the attacker relay').toBe(false)
        expect(stored.has(privateId), 'the private repository reached the attacker relay').toBe(false)
        await page.waitForTimeout(500)
      } while (Date.now() - since < WATCH_MS)
    }

    // First visit, with no click: nothing leaks while the app asks…
    await page.goto(evilUrl)
    await watchNothingLeaks(Date.now())
    // …naming the relay and what it would receive; Cancel adds nothing.
    const consent = page.getByRole('dialog', { name: 'Add relay?' })
    await expect(consent).toBeVisible()
    await expect(consent).toContainText(`ws://127.0.0.1:${attacker.port}/sync`)
    await expect(consent).toContainText('only this repository')
    await consent.getByRole('button', { name: 'Cancel' }).click()
    await expect(page).toHaveURL(/#\/$/)
    await expect(page.getByRole('link', { name: 'private' })).toBeVisible()
    await expect(page.getByRole('link', { name: 'bait' })).toHaveCount(0)
    await page.getByRole('button', { name: 'Relays' }).click()
    const relays = page.getByRole('dialog', { name: 'Relays' })
    await expect(relays.getByRole('listitem')).toHaveCount(1)
    await expect(relays).not.toContainText(String(attacker.port))
    await relays.getByRole('button', { name: 'Done' }).click()

    // Second visit: the person adds the relay; it receives the bait repository and the victim's reply…
    await page.goto(evilUrl)
    await consent.getByRole('button', { name: 'Add relay' }).click()
    const added = Date.now()
    await expect(page.getByRole('heading', { name: 'bait' })).toBeVisible()
    await createPath(page, 'New file', 'reply.md')
    await editor(page, 'reply.md').click()
    await page.keyboard.type('hello attacker')
    await waitSaved(page)
    await expect(treeItem(attackerPage, 'reply.md')).toBeVisible({ timeout: 20_000 })

    // …and, for longer than the old exfiltration took, nothing else.
    const bait = await stranger.find<{
      blobs: Record<string, unknown>
      branches: Record<string, { tree: Record<string, { live?: unknown }> }>
      runs?: unknown
      repl?: unknown
    }>(urlOf(attackerLink))
    const baitIds = () => {
      const doc = bait.doc()
      const linked = [
        ...Object.values(doc.blobs),
        ...Object.values(doc.branches).flatMap((b) => Object.values(b.tree).map((e) => e.live)),
        doc.runs,
        doc.repl,
      ]
      return new Set([
        bait.documentId as string,
        ...linked
          .map(String)
          .filter(isValidAutomergeUrl)
          .map((u) => interpretAsDocumentId(u) as string),
      ])
    }
    // The attacker's own catalog is on its relay too (the relay that served the attacker's app is theirs).
    const attackerCatalog = await catalogId(attackerPage)
    const foreign = () =>
      [...storedIds(attacker.dataDir)].filter((id) => id !== attackerCatalog && !baitIds().has(id))
    await watchNothingLeaks(added)
    // A document the bait links to may be stored a moment before the link reaches us; a leaked one never becomes the bait's.
    await expect
      .poll(foreign, { message: "documents that are not the bait repository's reached the attacker relay" })
      .toEqual([])
    // Asked directly, the attacker's relay has neither.
    await expect(stranger.find(`automerge:${catalog}` as AutomergeUrl)).rejects.toThrow(/unavailable/)
    await expect(stranger.find(`automerge:${privateId}` as AutomergeUrl)).rejects.toThrow(/unavailable/)

    // The Relays dialog shows what each relay receives, and removes the attacker's.
    await page.getByRole('button', { name: 'Relays' }).click()
    await expect(relays).toContainText('Receives only: bait.')
    await relays.getByRole('button', { name: `Remove relay ws://127.0.0.1:${attacker.port}/sync` }).click()
    await expect(relays.getByRole('listitem')).toHaveCount(1)
  } finally {
    await stranger.shutdown().catch(() => undefined)
    await attackerContext.close()
    evil?.close()
    await attacker.stop()
  }
})

test('a link with a bad relay address says what is wrong and adds nothing', async ({ page }) => {
  await page.goto(
    '/#/open/automerge%3A2fLCE3xxo8rnmi4NDnDFyHkzfhuk?branch=x&relay=file%3A%2F%2F%2Fetc%2Fpasswd',
  )
  await expect(page.getByRole('alert')).toContainText(
    'A relay address starts with ws://, wss://, http:// or https://',
  )
  await page.getByRole('button', { name: 'Relays' }).click()
  await expect(page.getByRole('dialog', { name: 'Relays' }).getByRole('listitem')).toHaveCount(1)
})
