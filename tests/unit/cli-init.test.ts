import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../relay/server.ts'
import { MAX_FILE_BYTES } from '../../src/model/content.ts'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'

describe('weft init and weft import: a repository without a browser', () => {
  let relay: Relay

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
  })

  afterAll(async () => {
    await relay.close()
  })

  it('creates an empty repository and, with no relay, says how to share it later', async () => {
    const home = tempDir('weft-init-')
    const created = await weft(home, ['init', 'notes'])
    expect(created).toMatchObject({ code: 0, errors: [] })
    expect(created.out).toMatch(/^Created notes \(.+\) on branch main\./)
    expect(created.out).toContain('No relay receives "notes" yet')
    expect(created.out).toContain('weft relay add URL --repo "notes"')
    expect((await weft(home, ['repos'])).out).toMatch(/^notes\t/)
    expect(await weft(home, ['ls'])).toMatchObject({ code: 0, out: '\n' })
    // A second repository of the same name would make `--repo notes` ambiguous.
    expect(await weft(home, ['init', 'notes'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('A repository named "notes" is already here')],
    })
    expect(await weft(home, ['init', '  '])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('A repository needs a name')],
    })
    // Shared later: the link comes once a relay receives it.
    expect(await weft(home, ['link', '--repo', 'notes'])).toMatchObject({ code: 2 })
    expect(await weft(home, ['relay', 'add', relay.url, '--repo', 'notes'])).toMatchObject({ code: 0 })
    const later = await weft(home, ['link', '--repo', 'notes'])
    expect(later).toMatchObject({ code: 0, out: expect.stringContaining('#/open/automerge%3A') })
  })

  it('prints a Share link that another profile clones', async () => {
    const home = tempDir('weft-init-')
    const created = await weft(home, ['init', 'shared', '--relay', relay.url, '--json'])
    expect(created).toMatchObject({ code: 0, errors: [] })
    const { share } = JSON.parse(created.out) as { share: { link: string } }
    expect(share.link).toMatch(new RegExp(`^${relay.url}/#/open/automerge%3A.+\\?branch=main&relay=`))

    await weft(home, ['write', 'hello.txt', '--relay', relay.url], 'hi\n')
    const other = tempDir('weft-init-other-')
    expect(await weft(other, ['clone', share.link, '--add-relay'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('Cloned shared'),
    })
    expect(await weft(other, ['cat', 'hello.txt'])).toMatchObject({ code: 0, out: 'hi\n' })
  })

  it("imports a folder by the app's rules, naming each refused entry, and commits it", async () => {
    const home = tempDir('weft-import-')
    const dir = tempDir('weft-import-src-')
    mkdirSync(join(dir, 'src'))
    writeFileSync(join(dir, 'README.md'), '# Project\n')
    writeFileSync(join(dir, 'src', 'main.ts'), 'export const answer = 42\n')
    // Differs from README.md only in case: one file on macOS and Windows, so the second is refused.
    writeFileSync(join(dir, 'readme.md'), 'other\n')
    writeFileSync(join(dir, 'back\\slash.txt'), 'x\n')
    writeFileSync(join(dir, 'big.bin'), '')
    truncateSync(join(dir, 'big.bin'), MAX_FILE_BYTES + 1)
    symlinkSync('/etc/passwd', join(dir, 'passwd'))
    mkdirSync(join(dir, '.git'))
    writeFileSync(join(dir, '.git', 'config'), '[core]\n')

    const imported = await weft(home, ['import', dir, '--name', 'project', '--json'])
    expect(imported).toMatchObject({ code: 0, errors: [] })
    const report = JSON.parse(imported.out) as {
      name: string
      added: number
      commit: string
      refused: { path: string; reason: string }[]
      ignored: string[]
      share: { link: null; hint: string }
    }
    expect(report).toMatchObject({ name: 'project', added: 2, ignored: ['.git'], share: { link: null } })
    expect(report.refused.map((r) => r.path).sort()).toEqual([
      'back\\slash.txt',
      'big.bin',
      'passwd',
      'readme.md',
    ])
    expect(report.refused.find((r) => r.path === 'big.bin')?.reason).toContain('file size limit')
    expect(report.refused.find((r) => r.path === 'passwd')?.reason).toContain('symbolic link')
    expect(report.refused.find((r) => r.path === 'readme.md')?.reason).toContain('appears twice')

    expect((await weft(home, ['ls'])).out.split('\n').filter(Boolean)).toEqual(['README.md', 'src/main.ts'])
    expect(await weft(home, ['status'])).toMatchObject({ out: expect.stringContaining('nothing to commit') })
    expect((await weft(home, ['log'])).out).toContain(`Import ${dir.split('/').pop()}`)

    // The text form names each refused entry too.
    const again = await weft(home, ['import', dir, '--name', 'project-2'])
    expect(again.out).toContain('Imported 2 file(s)')
    expect(again.out).toContain('✗ passwd: is a symbolic link')
    expect(again.out).toContain('Left out: .git')
  })

  it('refuses a folder that is not there, and creates nothing', async () => {
    const home = tempDir('weft-import-')
    expect(await weft(home, ['import', join(home, 'missing')])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('is not a folder; nothing was imported')],
    })
    expect(await weft(home, ['repos'])).toMatchObject({ code: 0, out: '\n' })
  })
})
