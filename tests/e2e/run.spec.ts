import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { spawnSync } from 'node:child_process'
import {
  createPath,
  createRepository,
  editor,
  shareLinkOf,
  treeItem,
  waitSaved,
  weft,
  paste,
} from './fixtures.ts'
import { RelayProcess } from './relayProcess.ts'

/** Creates a file with `text` (inserted at once, as a paste is) and waits until it is saved. */
async function writeFile(page: Page, path: string, text: string) {
  await createPath(page, 'New file', path)
  // The tree names a file by its own name, under its folder's.
  await treeItem(page, path.slice(path.lastIndexOf('/') + 1)).click()
  await editor(page, path).click()
  await paste(page, text)
  await waitSaved(page)
}

const runDialog = (page: Page) => page.getByRole('dialog', { name: 'Run' })

test('Run suggests npm test and runs it in the browser; Stop ends an endless loop at once; runs are kept; an offline WebContainer is reported unavailable', async ({
  page,
}) => {
  // Several browser runs (an esbuild-wasm bundle each), a reload that restarts the repository worker, and a
  // WebContainer probe: 26–50 s on an idle machine, over the default 60 s on a loaded one (CI).
  test.setTimeout(120_000)
  await createRepository(page, 'runs')
  await writeFile(page, 'package.json', '{"scripts": {"test": "node test.js"}}')
  await writeFile(
    page,
    'test.js',
    "import { total } from './lib.js'\nconsole.log('total is ' + total([1, 2, 3]))\nconsole.error('a warning')\n",
  )
  await writeFile(page, 'lib.js', 'export const total = (xs) => xs.reduce((a, b) => a + b, 0)\n')
  await writeFile(page, 'loop.js', 'while (true) {}\n')
  await writeFile(
    page,
    'serve.js',
    "globalThis.hits = 0\nsetInterval(() => {}, 1000)\nconsole.log('serving')\n",
  )
  const home = mkdtempSync(join(tmpdir(), 'weft-run-realm-'))
  expect((await weft(home, ['clone', await shareLinkOf(page), '--add-relay'])).code).toBe(0)

  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const dialog = runDialog(page)
  // Auto picks the browser while no WebContainer is up and the relay runs nothing.
  await expect(dialog.getByLabel('Backend', { exact: true })).toContainText('Auto (Browser)')
  // A suggestion runs in one click, and stays in the field to edit and run again.
  await dialog
    .getByRole('group', { name: 'Suggested commands' })
    .getByRole('button', { name: 'npm test' })
    .click()
  await expect(dialog.getByLabel('Command', { exact: true })).toHaveValue('npm test')
  const output = dialog.getByRole('log', { name: 'Run output' })
  // The first browser run downloads esbuild-wasm (14 MB), no longer part of the first visit.
  await expect(output).toContainText('total is 6', { timeout: 60_000 })
  await expect(output).toContainText('a warning')
  await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText(
    /^Exited with code 0 in \d+\.\d s$/,
  )

  await dialog.getByLabel('Command', { exact: true }).fill('node loop.js')
  await dialog.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText('Running on Browser…')
  await dialog.getByRole('button', { name: 'Stop' }).click()
  await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText(/^Stopped after/, {
    timeout: 1_000,
  })

  // A running program as a REPL realm: code evaluated inside it, from a terminal.
  await dialog.getByLabel('Open browser runs as REPL realms').check()
  await dialog.getByLabel('Command', { exact: true }).fill('node serve.js')
  await dialog.getByRole('button', { name: 'Run', exact: true }).click()
  await expect(dialog.getByRole('log', { name: 'Run output' })).toContainText('serving')
  const realmHint = dialog.getByText(/^This run is realm /)
  await expect(realmHint).toBeVisible()
  const realm = (await realmHint.locator('code').textContent())!
  // Only with the run realm's key (unsigned code is refused).
  const keyFile = join(home, 'run-realm-key')
  writeFileSync(keyFile, (await dialog.getByLabel('Run realm key').textContent())!)
  await expect
    .poll(async () => (await weft(home, ['repl', 'eval', '--realm', realm, '++globalThis.hits'])).err, {
      timeout: 30_000,
    })
    .toContain('not authorized')
  expect(
    await weft(home, ['repl', 'eval', '--realm', realm, '--key-file', keyFile, '++globalThis.hits']),
  ).toMatchObject({ code: 0, out: '1\n' })
  expect(
    await weft(home, ['repl', 'eval', '--realm', realm, '--key-file', keyFile, '++globalThis.hits']),
  ).toMatchObject({ code: 0, out: '2\n' })
  expect(
    await weft(home, ['repl', 'eval', '--realm', realm, '--key-file', keyFile, 'typeof document']),
  ).toMatchObject({ code: 0, out: "'undefined'\n" })
  await dialog.getByRole('button', { name: 'Stop' }).click()
  await expect(realmHint).toBeHidden()

  // Offline, the WebContainer cannot boot: said within its timeout, and the others stay offered.
  await expect(dialog.getByRole('list', { name: 'Backends' })).toContainText(
    'WebContainer: unavailable — The webcontainer runner is unavailable: its runtime did not load within 20 s',
    { timeout: 25_000 },
  )
  await expect(
    dialog.getByLabel('Backend', { exact: true }).locator('option', { hasText: 'WebContainer' }),
  ).toBeDisabled()
  await expect(
    dialog.getByLabel('Backend', { exact: true }).locator('option', { hasText: /^Browser$/ }),
  ).toBeEnabled()
  await expect(dialog.getByRole('list', { name: 'Backends' })).toContainText(
    'Local runner: unavailable — the relay was not started with --runs.',
  )

  // The runs and their output are still there after a reload.
  await page.reload()
  await page.getByRole('button', { name: 'Run', exact: true }).click()
  const runs = runDialog(page).getByRole('list', { name: 'Recent runs' })
  await expect(runs.getByRole('listitem')).toHaveCount(3)
  await runs.getByRole('button', { name: 'npm test' }).click()
  await expect(runDialog(page).getByRole('log', { name: 'Run output' })).toContainText('total is 6')
  await expect(runDialog(page).getByRole('status', { name: 'Run status' })).toHaveText(/^Exited with code 0/)
})

test('with the relay running commands: the runner token (never in a Share link or storage) runs echo and exit 3; closing the tab kills the running process', async ({
  browser,
}) => {
  const relay = new RelayProcess()
  await relay.start(0, ['--runs', '--token', 'sync-secret'])
  // The runner's own token, in the file the relay wrote (mode 0600) in its data folder.
  const tokenFile = join(relay.dataDir, 'runs-token')
  const runnerToken = readFileSync(tokenFile, 'utf8').trim()
  const context = await browser.newContext({ baseURL: relay.url })
  const page = await context.newPage()
  try {
    // The relay wants its sync token: the app asks for it once.
    await page.goto('/')
    const asked = page.getByRole('dialog', { name: 'Relay token' })
    await asked.getByLabel('Token').fill('sync-secret')
    await asked.getByRole('button', { name: 'Connect' }).click()
    await expect(page.getByRole('status', { name: 'Connection' })).toHaveText(/^Connected/)
    await createRepository(page, 'local-runs')
    await writeFile(page, 'hello.sh', 'echo "hello from $(basename $PWD | cut -c1-4)"\n')
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    const dialog = runDialog(page)
    await expect(dialog.getByRole('list', { name: 'Backends' })).toContainText(
      'Local runner: unavailable — enter the runner token.',
    )
    await expect(dialog.getByText(/finds it in the file the relay\s+names when it starts/)).toBeVisible()
    // The sync token is not the runner's.
    await dialog.getByLabel('Runner token').fill('sync-secret')
    await dialog.getByLabel('Command', { exact: true }).fill('sh hello.sh')
    await dialog.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(dialog.getByRole('alert')).toHaveText(/Missing or wrong runner token/)
    await dialog.getByLabel('Runner token').fill(runnerToken)
    await expect(dialog.getByLabel('Backend', { exact: true })).toContainText('Auto (Local runner)')
    await dialog.getByLabel('Command', { exact: true }).fill('sh hello.sh; echo oops >&2; exit 3')
    await dialog.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(dialog.getByRole('log', { name: 'Run output' })).toContainText('hello from')
    await expect(dialog.getByRole('log', { name: 'Run output' })).toContainText('oops')
    await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText(/^Exited with code 3 in/)
    // Nothing any same-origin script could read keeps it.
    const stored = await page.evaluate(
      () => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
    )
    expect(stored).not.toContain(runnerToken)
    await dialog.getByRole('button', { name: 'Close' }).click()

    // A Share link through this relay carries its sync token, and only that one.
    const link = await shareLinkOf(page)
    expect(decodeURIComponent(decodeURIComponent(link))).not.toContain(runnerToken)
    // Whoever receives the link holds the token in it, and cannot run commands with it.
    const linkToken = /token(?:=|%3D)([^&%]+)/.exec(link)?.[1]
    expect(linkToken).toBe('sync-secret')
    const collaborator = await fetch(`${relay.url}/runs`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${linkToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ spec: { command: 'true', repo: 'r', branch: 'main' }, files: {} }),
    })
    expect(collaborator.status).toBe(401)
    const home = mkdtempSync(join(tmpdir(), 'weft-run-agent-'))
    expect(await weft(home, ['clone', link, '--add-relay'])).toMatchObject({ code: 0 })

    // An agent's run from a terminal, with the token file, appears among the repository's runs, with its output.
    const agent = spawnSync(
      process.execPath,
      ['bin/weft.js', 'run', '--relay', relay.url, '--runs-token-file', tokenFile, '--', 'sh', 'hello.sh'],
      {
        encoding: 'utf8',
        env: { ...process.env, WEFT_HOME: home, WEFT_AUTHOR: 'agent-7' },
      },
    )
    expect(agent.stdout).toMatch(/^hello from /)
    expect(agent.status).toBe(0)
    // The dialog, opened again, still has the token for this page's life.
    await page.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(dialog.getByLabel('Runner token')).toHaveValue(runnerToken)
    const runs = dialog.getByRole('list', { name: 'Recent runs' })
    await expect(runs.getByRole('listitem').filter({ hasText: 'agent-7' })).toContainText('sh hello.sh')
    await runs.getByRole('listitem').filter({ hasText: 'agent-7' }).getByRole('button').click()
    await expect(dialog.getByRole('log', { name: 'Run output' })).toContainText('hello from')

    // A long process whose pid we can check: closing the tab must end it.
    const marker = join(mkdtempSync(join(tmpdir(), 'weft-run-')), 'pid')
    await dialog.getByLabel('Command', { exact: true }).fill(`sleep 300 & echo $! > ${marker}; wait`)
    await dialog.getByRole('button', { name: 'Run', exact: true }).click()
    await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText('Running on Local runner…')
    await expect.poll(() => existsSync(marker) && readFileSync(marker, 'utf8').trim() !== '').toBe(true)
    const pid = Number(readFileSync(marker, 'utf8'))
    expect(alive(pid)).toBe(true)
    await page.close()
    await expect.poll(() => alive(pid), { timeout: 10_000 }).toBe(false)
  } finally {
    await context.close()
    await relay.stop()
  }
})

test('a suggestion from a nested package.json shows its folder and runs there in one click; Escape in the run output closes the dialog and gives focus back', async ({
  browser,
}) => {
  const relay = new RelayProcess()
  await relay.start(0, ['--runs'])
  const runnerToken = readFileSync(join(relay.dataDir, 'runs-token'), 'utf8').trim()
  const context = await browser.newContext({ baseURL: relay.url })
  const page = await context.newPage()
  try {
    await createRepository(page, 'nested-runs')
    await writeFile(
      page,
      'tools/fmt/package.json',
      '{"name": "fmt", "scripts": {"fmt_test": "node check.js"}}',
    )
    await writeFile(
      page,
      'tools/fmt/check.js',
      "console.log('checked in ' + process.cwd().split('/').slice(-2).join('/'))\n",
    )
    const runButton = page.getByRole('button', { name: 'Run', exact: true })
    await runButton.click()
    const dialog = runDialog(page)
    await dialog.getByLabel('Runner token').fill(runnerToken)
    await expect(dialog.getByLabel('Backend', { exact: true })).toContainText('Auto (Local runner)')
    // The chip says where it runs, and one click runs it there (npm at the root fails: no package.json).
    const chip = dialog
      .getByRole('group', { name: 'Suggested commands' })
      .getByRole('button', { name: 'npm run fmt_test' })
    await expect(chip).toContainText('tools/fmt')
    await chip.click()
    const output = dialog.getByRole('log', { name: 'Run output' })
    await expect(output).toContainText('checked in tools/fmt')
    await expect(dialog.getByRole('status', { name: 'Run status' })).toHaveText(/^Exited with code 0 in/)

    // Escape with the focus in the run's output (where typed input goes) closes the dialog.
    await output.click()
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(runButton).toBeFocused()
  } finally {
    await context.close()
    await relay.stop()
  }
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
