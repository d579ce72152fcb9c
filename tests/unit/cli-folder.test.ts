import '@automerge/automerge-repo'
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { Profile } from '../../src/cli/Profile.ts'
import { MAX_FILE_BYTES, sha256 } from '../../src/model/content.ts'
import type { Workspace } from '../../src/repo/Workspace.ts'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'

/** Works on the profile's one repository directly, as the app (another peer) would. */
async function onRepository(home: string, change: (ws: Workspace, branch: string) => unknown) {
  const profile = await Profile.open(home)
  const summary = profile.pick()
  const { ws } = await profile.open(summary)
  await change(ws, profile.currentBranch(ws, summary.id))
  await profile.close()
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8')
const manifest = (dir: string) =>
  JSON.parse(read(dir, '.weft/checkout.json')) as {
    repo: string
    branch: string
    files: Record<string, string>
    folders: string[]
  }
const statusOf = async (home: string) =>
  (
    JSON.parse((await weft(home, ['status', '--json'])).out) as {
      kind: string
      path: string
      oldPath?: string
    }[]
  ).map((c) => `${c.kind} ${c.oldPath && c.kind === 'renamed' ? `${c.oldPath} → ` : ''}${c.path}`)

describe('weft checkout and sync', () => {
  let home: string
  let dir: string

  beforeEach(async () => {
    home = tempDir('weft-folder-home-')
    dir = join(tempDir('weft-folder-'), 'work')
    // A relay-less profile with one repository holding three committed files and an empty folder.
    const profile = await Profile.open(home)
    profile.catalog.create('solo')
    await profile.close()
    await weft(home, ['write', 'README.md'], '# Solo\n')
    await weft(home, ['write', 'notes.txt'], 'keep me\n')
    await weft(home, ['write', 'src/main.ts'], 'export const main = 1\n')
    await onRepository(home, (ws, branch) => ws.createFolder(branch, 'assets'))
    expect((await weft(home, ['commit', '-m', 'start'])).code).toBe(0)
  })

  it('checks the branch out into a new folder with a manifest of what it wrote', async () => {
    const result = await weft(home, ['checkout', dir])
    expect(result).toMatchObject({
      code: 0,
      errors: [],
      out: `Checked out ${dir}: 3 file(s) written from the branch.\n`,
    })
    expect(read(dir, 'README.md')).toBe('# Solo\n')
    expect(read(dir, 'src/main.ts')).toBe('export const main = 1\n')
    expect(existsSync(join(dir, 'assets'))).toBe(true)
    const written = manifest(dir)
    expect(written.files).toEqual({
      'README.md': await sha256(new TextEncoder().encode('# Solo\n')),
      'notes.txt': await sha256(new TextEncoder().encode('keep me\n')),
      'src/main.ts': await sha256(new TextEncoder().encode('export const main = 1\n')),
    })
    expect(written.folders).toEqual(['assets'])
    expect(await weft(home, ['sync', dir])).toMatchObject({ code: 0, out: 'Already in sync.\n' })
  })

  it('writes live (unsaved) edits, not the stored blob', async () => {
    await onRepository(home, async (ws, branch) => {
      const id = ws.entries(branch).find((e) => e.path === 'notes.txt')!.id
      const live = await ws.repo.find<{ content: string }>(await ws.openLive(branch, id))
      live.change((d) => {
        d.content = 'edited live\n'
      })
    })
    await weft(home, ['checkout', dir])
    expect(read(dir, 'notes.txt')).toBe('edited live\n')
  })

  it('sends edits, additions, deletions and moves made in the folder to the branch', async () => {
    await weft(home, ['checkout', dir])
    writeFileSync(join(dir, 'README.md'), '# Solo, edited\n')
    writeFileSync(join(dir, 'new.txt'), 'new\n')
    rmSync(join(dir, 'notes.txt'))
    mkdirSync(join(dir, 'lib'))
    writeFileSync(join(dir, 'lib/main.ts'), read(dir, 'src/main.ts'))
    rmSync(join(dir, 'src'), { recursive: true })
    mkdirSync(join(dir, 'empty'))

    const result = await weft(home, ['sync', dir])
    expect(result).toMatchObject({ code: 0, errors: [] })
    expect(result.out.split('\n')).toEqual([
      '~ README.md',
      '+ empty/',
      '+ lib/main.ts',
      '+ new.txt',
      '- notes.txt',
      '- src/main.ts',
      '',
    ])
    // The branch sees a move done outside Weft as a rename: same content, new path.
    expect(await statusOf(home)).toEqual([
      'modified README.md',
      'renamed src/main.ts → lib/main.ts',
      'added new.txt',
      'deleted notes.txt',
    ])
    expect((await weft(home, ['ls'])).out).toContain('empty/\n')
    expect((await weft(home, ['cat', 'new.txt'])).out).toBe('new\n')
    expect(await weft(home, ['sync', dir])).toMatchObject({ code: 0, out: 'Already in sync.\n' })
  })

  it('brings changes made on the branch meanwhile into the folder', async () => {
    await weft(home, ['checkout', dir])
    await weft(home, ['write', 'README.md'], '# From a peer\n')
    await weft(home, ['write', 'docs/guide.md'], 'guide\n')
    await weft(home, ['rm', 'src/main.ts'])
    await onRepository(home, (ws, branch) => ws.remove(branch, 'assets'))

    const result = await weft(home, ['sync', dir, '--json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.out)).toMatchObject({
      dir,
      changes: [
        { kind: 'updated', path: 'README.md' },
        { kind: 'removed', path: 'assets/' },
        { kind: 'updated', path: 'docs/guide.md' },
        { kind: 'removed', path: 'src/main.ts' },
      ],
    })
    expect(read(dir, 'README.md')).toBe('# From a peer\n')
    expect(read(dir, 'docs/guide.md')).toBe('guide\n')
    // Folders the branch no longer has are not left behind empty, to come back as new folders.
    expect(existsSync(join(dir, 'src'))).toBe(false)
    expect(existsSync(join(dir, 'assets'))).toBe(false)
    expect(await weft(home, ['sync', dir])).toMatchObject({ code: 0, out: 'Already in sync.\n' })
    expect(await statusOf(home)).toEqual(['modified README.md', 'added docs/guide.md', 'deleted src/main.ts'])
  })

  it('lists files changed on both sides as conflicts (exit 1), writes neither, and syncs the rest', async () => {
    await weft(home, ['checkout', dir])
    writeFileSync(join(dir, 'README.md'), '# Mine\n')
    await weft(home, ['write', 'README.md'], '# Theirs\n')
    rmSync(join(dir, 'notes.txt'))
    await weft(home, ['write', 'notes.txt'], 'changed on the branch\n')
    writeFileSync(join(dir, 'new.txt'), 'new\n')
    await weft(home, ['write', 'src/main.ts'], 'export const main = 2\n')

    const result = await weft(home, ['sync', dir])
    expect(result.code).toBe(1)
    expect(result.out).toMatch(/^! README.md\n\+ new.txt\n! notes.txt\n↓ src\/main.ts\n/)
    expect(result.out).toContain('2 file(s) changed both here and on the branch')
    expect(read(dir, 'README.md')).toBe('# Mine\n')
    expect(existsSync(join(dir, 'notes.txt'))).toBe(false)
    expect((await weft(home, ['cat', 'README.md'])).out).toBe('# Theirs\n')
    expect((await weft(home, ['cat', 'new.txt'])).out).toBe('new\n')
    expect(read(dir, 'src/main.ts')).toBe('export const main = 2\n')

    // Still a conflict until the two sides agree; then sync settles it.
    expect((await weft(home, ['sync', dir])).code).toBe(1)
    await weft(home, ['write', 'README.md'], '# Mine\n')
    writeFileSync(join(dir, 'notes.txt'), 'changed on the branch\n')
    expect(await weft(home, ['sync', dir])).toMatchObject({ code: 0, out: 'Already in sync.\n' })
  })

  it('refuses a non-empty folder that is not a checkout of this repository and branch', async () => {
    mkdirSync(dir)
    writeFileSync(join(dir, 'mine.txt'), 'x')
    expect(await weft(home, ['checkout', dir])).toMatchObject({
      code: 2,
      errors: [
        `weft checkout: "${dir}" is not empty and not a checkout of this repository and branch; choose an empty or new folder.`,
      ],
    })
    expect(read(dir, 'mine.txt')).toBe('x')

    const other = join(tempDir('weft-folder-'), 'other')
    await weft(home, ['checkout', other])
    await weft(home, ['branch', 'create', 'feature'])
    expect(await weft(home, ['checkout', other])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('is a checkout of branch "main"')],
    })
    expect(await weft(home, ['sync', dir])).toMatchObject({
      code: 2,
      errors: [`weft sync: "${dir}" is not a checkout; run \`weft checkout ${dir}\` first.`],
    })
    // Without --branch, sync follows the checkout's own branch, whatever the current one is.
    expect(await weft(home, ['sync', other])).toMatchObject({ code: 0, out: 'Already in sync.\n' })
  })

  it('checking out again over an earlier checkout updates it and keeps its local edits unsent', async () => {
    await weft(home, ['checkout', dir])
    writeFileSync(join(dir, 'notes.txt'), 'local\n')
    await weft(home, ['write', 'README.md'], '# From a peer\n')
    const result = await weft(home, ['checkout', dir])
    expect(result).toMatchObject({ code: 0, errors: [] })
    expect(result.out).toBe(
      `Updated ${dir}: 1 file(s) written from the branch.\n~ notes.txt\nLocal changes (~) were kept; \`weft sync ${dir}\` sends them to the branch.\n`,
    )
    expect(read(dir, 'README.md')).toBe('# From a peer\n')
    expect((await weft(home, ['cat', 'notes.txt'])).out).toBe('keep me\n')
    expect(await weft(home, ['sync', dir])).toMatchObject({ code: 0, out: '~ notes.txt\n' })
  })

  it('refuses links, oversize files and bad names with reasons while the rest syncs', async () => {
    await weft(home, ['checkout', dir])
    const outside = join(tempDir('weft-outside-'), 'secret.txt')
    writeFileSync(outside, 'outside\n')
    symlinkSync(outside, join(dir, 'link.txt'))
    // A tracked file replaced by a link is left alone on the branch, not deleted.
    rmSync(join(dir, 'notes.txt'))
    symlinkSync(outside, join(dir, 'notes.txt'))
    writeFileSync(join(dir, 'huge.bin'), new Uint8Array(MAX_FILE_BYTES + 1))
    writeFileSync(join(dir, 'back\\slash.txt'), 'x')
    writeFileSync(join(dir, 'bell\u0007.txt'), 'x')
    writeFileSync(join(dir, 'ok.txt'), 'fine\n')
    await weft(home, ['write', 'notes.txt'], 'changed on the branch\n')
    mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true })
    writeFileSync(join(dir, 'node_modules/pkg/index.js'), 'ignored')

    const result = await weft(home, ['sync', dir, '--json'])
    expect(result).toMatchObject({ code: 0, errors: [] })
    expect(JSON.parse(result.out).changes).toEqual([
      {
        kind: 'refused',
        path: 'back\\slash.txt',
        reason: '"back\\slash.txt" contains "\\": use "/" to separate folders.',
      },
      { kind: 'refused', path: 'bell\u0007.txt', reason: 'A name cannot contain control characters.' },
      { kind: 'refused', path: 'huge.bin', reason: '10.0 MiB is over the 10.0 MiB file size limit.' },
      { kind: 'refused', path: 'link.txt', reason: 'is a symbolic link; links are not followed.' },
      { kind: 'refused', path: 'notes.txt', reason: 'is a symbolic link; links are not followed.' },
      { kind: 'added', path: 'ok.txt' },
    ])
    expect(readFileSync(outside, 'utf8')).toBe('outside\n')
    expect((await weft(home, ['cat', 'notes.txt'])).out).toBe('changed on the branch\n')
    expect((await weft(home, ['ls'])).out.split('\n')).toEqual([
      'README.md',
      'assets/',
      'notes.txt',
      'ok.txt',
      'src/main.ts',
      '',
    ])
    const plain = await weft(home, ['sync', dir])
    expect(plain.out).toContain('✗ link.txt: is a symbolic link; links are not followed.\n')
    expect(plain.out).toContain('✗ huge.bin: 10.0 MiB is over the 10.0 MiB file size limit.\n')
  })

  it('does not write the branch through a link in the folder', async () => {
    await weft(home, ['checkout', dir])
    const outside = tempDir('weft-outside-')
    rmSync(join(dir, 'src'), { recursive: true })
    symlinkSync(outside, join(dir, 'src'))
    await weft(home, ['write', 'src/main.ts'], 'export const main = 2\n')
    const result = await weft(home, ['sync', dir])
    expect(result).toMatchObject({
      code: 0,
      out: '✗ src: is a symbolic link; links are not followed.\n✗ src/main.ts: is beyond a symbolic link ("src") in the folder, so the branch\'s file was not written.\n',
    })
    expect(existsSync(join(outside, 'main.ts'))).toBe(false)
    expect((await weft(home, ['cat', 'src/main.ts'])).out).toBe('export const main = 2\n')
  })
})
