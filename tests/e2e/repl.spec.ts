import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { createRepository, shareLinkOf, weft } from './fixtures.ts'

/** Opts the page in as a realm from its REPL panel; returns the realm id it got. */
async function optIn(page: Page): Promise<string> {
  await page.getByRole('tab', { name: 'REPL' }).click()
  await page.getByLabel('Run REPL code in this tab').check()
  const hint = page.getByText(/^This tab is realm /)
  await expect(hint).toBeVisible()
  return (await hint.locator('code').textContent())!
}

/** Selects a realm in the page's panel and writes the key it shows its owner to a file, for `--key-file`. */
async function keyFileOf(page: Page, realm: string): Promise<string> {
  await page.getByLabel('Realm', { exact: true }).selectOption(realm)
  const key = page.getByLabel('Realm key', { exact: true })
  await expect(key).toHaveText(/^[0-9a-f]{64}$/)
  const file = join(mkdtempSync(join(tmpdir(), 'weft-realm-key-')), 'key')
  writeFileSync(file, (await key.textContent())!)
  return file
}

/** A profile's realms as `weft repl list --json` gives them. */
async function listRealms(home: string): Promise<{ id: string; status: string; kind: string }[]> {
  return JSON.parse((await weft(home, ['repl', 'list', '--json'])).out || '[]')
}

test('the CLI evaluates code in a chosen tab and reads its console; a closed tab times its job out; nothing runs twice', async ({
  page,
  context,
}) => {
  // About twenty `weft` processes, each a few seconds on a loaded machine.
  test.setTimeout(180_000)
  await createRepository(page, 'repl')
  const link = await shareLinkOf(page)
  const other = await context.newPage()
  await other.goto(page.url())
  const realmA = await optIn(page)
  const realmB = await optIn(other)
  expect(realmB).not.toBe(realmA)

  const home = mkdtempSync(join(tmpdir(), 'weft-repl-'))
  expect((await weft(home, ['clone', link, '--add-relay'])).code).toBe(0)
  let realms: { id: string; status: string }[] = []
  await expect
    .poll(
      async () => {
        realms = await listRealms(home)
        return realms.filter((r) => r.status === 'alive').length
      },
      { timeout: 30_000 },
    )
    .toBe(2)
  const idB = realms.find((r) => r.id.startsWith(realmB))!.id
  const idA = realms.find((r) => r.id.startsWith(realmA))!.id
  const keyA = await keyFileOf(page, idA)
  const keyB = await keyFileOf(page, idB)
  // Each realm has its own key, and the panel shows the selected realm's, never the one shown before.
  expect(readFileSync(keyB, 'utf8')).not.toBe(readFileSync(keyA, 'utf8'))
  const inA = (code: string) => ['repl', 'eval', '--realm', idA, '--key-file', keyA, code]
  const inB = (code: string) => ['repl', 'eval', '--realm', idB, '--key-file', keyB, code]

  // 1 + 1 in tab B, and what B logs and fails to catch lands in B's log.
  expect(await weft(home, inB('1 + 1'))).toMatchObject({ code: 0, out: '2\n' })
  // What the code prints comes back first, each line marked as console output, then the result;
  // log/info/debug on stdout and warn/error on stderr, as Node prints them.
  expect(await weft(home, inB("console.log('only-log')"))).toMatchObject({
    code: 0,
    out: '[console.log] only-log\nundefined\n',
  })
  expect(await weft(home, inB("console.log('one'); console.error('two'); console.info('three'); 3"))).toEqual(
    {
      code: 0,
      out: '[console.log] one\n[console.info] three\n3\n',
      err: '[console.error] two\n',
    },
  )
  const printed = await weft(home, [...inB("console.log('one'); console.warn('two'); 3"), '--json'])
  expect(JSON.parse(printed.out)).toMatchObject({
    state: 'finished',
    result: { text: '3' },
    console: [
      { kind: 'log', text: 'one' },
      { kind: 'warn', text: 'two' },
    ],
  })
  expect(
    (
      await weft(
        home,
        inB("console.log('hello from B'); Promise.reject(new Error('nobody caught me')); 'ok'"),
      )
    ).code,
  ).toBe(0)
  await page.getByLabel('Realm', { exact: true }).selectOption(idB)
  const log = page.getByRole('list', { name: 'REPL log' })
  await expect(log).toContainText('hello from B')
  await expect(log).toContainText('unhandled-rejection')
  await expect(log).toContainText('nobody caught me')

  // Exactly once: the counter of B went up by one; A never ran B's job. A's key does not open B.
  expect(await weft(home, inB('globalThis.count = (globalThis.count ?? 0) + 1'))).toMatchObject({
    code: 0,
    out: '1\n',
  })
  expect(await weft(home, inB('globalThis.count'))).toMatchObject({ code: 0, out: '1\n' })
  expect(await weft(home, inA('typeof globalThis.count'))).toMatchObject({ code: 0, out: "'undefined'\n" })
  expect(
    await weft(home, ['repl', 'eval', '--realm', idB, '--key-file', keyA, 'globalThis.count']),
  ).toMatchObject({ code: 1, err: expect.stringContaining('not authorized') })

  // From the panel: this tab's realm, code typed and evaluated (signed with the realm's key), the result shown.
  await page.getByLabel('Realm', { exact: true }).selectOption(idA)
  await page.getByLabel('Code', { exact: true }).fill('await Promise.resolve(6 * 7)')
  await page.getByRole('button', { name: 'Evaluate' }).click()
  await expect(log.getByLabel('Result').last()).toHaveText('42')
  await page.getByLabel('Realm', { exact: true }).selectOption(idB)

  // A worker realm started from the panel runs code off the page.
  await page.getByRole('button', { name: 'Start a worker realm' }).click()
  const workerHint = page.getByText(/^worker [0-9a-f]{8}/)
  await expect(workerHint).toBeVisible()
  const workerPrefix = (await workerHint.locator('code').textContent())!
  await expect
    .poll(async () => (await listRealms(home)).some((r) => r.id.startsWith(workerPrefix)), {
      timeout: 20_000,
    })
    .toBe(true)
  const workerId = (await listRealms(home)).find((r) => r.id.startsWith(workerPrefix))!.id
  const workerKey = await keyFileOf(page, workerId)
  expect(
    await weft(home, ['repl', 'eval', '--realm', workerPrefix, '--key-file', workerKey, 'typeof document']),
  ).toMatchObject({ code: 0, out: "'undefined'\n" })
  expect(await weft(home, inA('typeof document'))).toMatchObject({ code: 0, out: "'object'\n" })
  await page.getByRole('button', { name: `Stop worker realm ${workerPrefix}` }).click()
  await expect
    .poll(async () => (await listRealms(home)).find((r) => r.id.startsWith(workerPrefix))?.status, {
      timeout: 20_000,
    })
    .toBe('closed')
  await page.getByLabel('Realm', { exact: true }).selectOption(idB)

  // Bad requests get a clear error.
  const unknown = await weft(home, ['repl', 'eval', '--realm', 'no-such-realm', '1'])
  expect(unknown.code).toBe(2)
  expect(unknown.err).toContain('No realm "no-such-realm"')
  const huge = await weft(
    home,
    ['repl', 'eval', '--realm', idB, '--key-file', keyB, '-'],
    `'${'x'.repeat(100_000)}'`,
  )
  expect(huge.code).toBe(2)
  expect(huge.err).toMatch(/the limit is \d+/)

  // A job running in B when B closes times out, saying why; the CLI exits 1 with that reason.
  const pending = spawn(process.execPath, [
    'bin/weft.js',
    ...inB('await new Promise((r) => setTimeout(r, 600000))'),
    '--home',
    home,
  ])
  let stderr = ''
  pending.stderr.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const exited = new Promise<number | null>((resolve) => pending.on('close', resolve))
  await expect(log).toContainText('executing', { timeout: 30_000 })
  await other.close()
  await expect(log).toContainText(`realm ${idB} was closed before the job finished`, { timeout: 30_000 })
  expect(await exited).toBe(1)
  expect(stderr).toContain('was closed before the job finished')
})

/**
 * What realm code can reach of the app: each probe says what it got, or the error's name. The
 * repository worker's real script URL is used, so a SharedWorker that opened would be the app's.
 */
const probes = (repoWorker: string) => `(async () => {
const probe = async (name, get) => { try { return name + ': ' + String(await get()) } catch (e) { return name + ': ' + e.name } }
return (await Promise.all([
  probe('localStorage', () => Object.entries(localStorage).map(([k, v]) => k + '=' + v).join(',') || 'readable, empty'),
  probe('indexedDB', () => new Promise((resolve, reject) => { const r = indexedDB.open('weft'); r.onsuccess = () => resolve('opened ' + [...r.result.objectStoreNames].join(',')); r.onerror = () => reject(r.error) })),
  probe('databases', () => indexedDB.databases().then((d) => d.map((x) => x.name).join(','))),
  probe('SharedWorker', () => { new SharedWorker(${JSON.stringify(repoWorker)}, { type: 'module', name: 'weft-repo' }); return 'connected' }),
  probe('cookie', () => document.cookie || 'readable, empty'),
  probe('parent', () => parent.document.title),
  probe('storage', () => navigator.storage.estimate().then((e) => 'usage ' + e.usage)),
  probe('caches', () => caches.keys().then((k) => k.join(',') || 'readable, empty')),
  probe('serviceWorker', () => navigator.serviceWorker.getRegistrations().then((r) => r.length + ' registrations')),
  probe('origin', () => self.origin),
])).join('\\n')
})()`

const singleQuoted = (text: string) => `'${text.replace(/\n/g, '\\n')}'`

test('realm code runs isolated: no app storage, tokens, repository worker or page, and nothing without the key', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'])
  await createRepository(page, 'isolated')
  const link = await shareLinkOf(page)
  // Something secret in the app's storage, as a token would be.
  await page.evaluate(() => localStorage.setItem('weft-secret-token', 'hunter2'))
  const repoWorker = `${new URL(page.url()).origin}/assets/${readdirSync('dist/assets').find((f) => /^repo\.worker-.*\.js$/.test(f))}`
  const code = probes(repoWorker)
  // The probes do see the app's data where it is reachable: in the app page itself (where a tab realm ran code before).
  const inPage = await page.evaluate(code)
  expect(inPage).toContain('hunter2')
  expect(inPage).toMatch(/indexedDB: opened \w/)
  expect(inPage).toContain('SharedWorker: connected')

  const realm = await optIn(page)
  const home = mkdtempSync(join(tmpdir(), 'weft-repl-isolated-'))
  expect((await weft(home, ['clone', link, '--add-relay'])).code).toBe(0)
  await expect
    .poll(async () => (await listRealms(home)).filter((r) => r.status === 'alive').length, {
      timeout: 30_000,
    })
    .toBe(1)
  const tabId = (await listRealms(home)).find((r) => r.id.startsWith(realm))!.id
  await page.getByRole('button', { name: 'Start a worker realm' }).click()
  const workerPrefix = (await page
    .getByText(/^worker [0-9a-f]{8}/)
    .locator('code')
    .textContent())!
  await expect
    .poll(
      async () => (await listRealms(home)).some((r) => r.id.startsWith(workerPrefix) && r.status === 'alive'),
      { timeout: 20_000 },
    )
    .toBe(true)
  const workerId = (await listRealms(home)).find((r) => r.id.startsWith(workerPrefix))!.id

  for (const [id, kind] of [
    [tabId, 'tab'],
    [workerId, 'worker'],
  ] as const) {
    // Without the key: refused, and the code did not run.
    const refused = await weft(home, [
      'repl',
      'eval',
      '--realm',
      id,
      'globalThis.ran = true; localStorage.getItem("weft-secret-token")',
    ])
    expect(refused, kind).toMatchObject({
      code: 1,
      out: '',
      err: expect.stringContaining('NotAuthorized: not authorized'),
    })
    const key = await keyFileOf(page, id)
    // The owner copies the key to hand it on.
    await page.getByRole('button', { name: 'Copy realm key' }).click()
    await expect(page.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible()
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(readFileSync(key, 'utf8'))
    expect(
      await weft(home, ['repl', 'eval', '--realm', id, '--key-file', key, 'typeof globalThis.ran']),
    ).toMatchObject({ code: 0, out: "'undefined'\n" })

    // With the key: the code runs, and finds nothing of the app's.
    const probed = await weft(home, ['repl', 'eval', '--realm', id, '--key-file', key, code])
    expect(probed.code, probed.err).toBe(0)
    // The realm prints the string as Node does: single-quoted, line breaks escaped.
    expect(probed.out.trim(), kind).toBe(
      singleQuoted(
        kind === 'tab'
          ? [
              'localStorage: SecurityError',
              'indexedDB: SecurityError',
              'databases: SecurityError',
              'SharedWorker: SecurityError',
              'cookie: SecurityError',
              'parent: SecurityError',
              'storage: TypeError',
              'caches: SecurityError',
              'serviceWorker: SecurityError',
              'origin: null',
            ].join('\n')
          : [
              'localStorage: ReferenceError',
              'indexedDB: SecurityError',
              'databases: SecurityError',
              'SharedWorker: ReferenceError',
              'cookie: ReferenceError',
              'parent: ReferenceError',
              'storage: TypeError',
              'caches: SecurityError',
              'serviceWorker: TypeError',
              'origin: null',
            ].join('\n'),
      ),
    )
  }
})
