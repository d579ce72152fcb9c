/**
 * export-git writes packs, checked by git itself: a real history (the fixture bundle) exported as
 * pack files with no loose objects, re-exports that pack only what is new, and the pack writer's
 * entries (size headers at their boundaries, packs cut by size) read back byte for byte by git.
 */
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { gitObjectId } from '../../src/git/gitObjects.ts'
import type { GitFs } from '../../src/git/gitRepository.ts'
import { GitPackWriter } from '../../src/git/packWriter.ts'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'
import { GIT_BUNDLE, gitRunner, gitTestEnv } from './gitFixture.ts'

const BUNDLE = GIT_BUNDLE
const ENV = gitTestEnv()
const gitIn = gitRunner(ENV)

/** `git count-objects -v` as numbers: loose `count`, `packs`, `in-pack`. */
function counts(dir: string): Record<string, number> {
  return Object.fromEntries(
    gitIn(dir, 'count-objects', '-v')
      .trim()
      .split('\n')
      .map((line) => line.split(': '))
      .map(([key, value]) => [key, Number(value)]),
  )
}

/** Every pack of the repository verified by `git verify-pack`. */
function verifyPacks(gitdir: string): void {
  const folder = join(gitdir, 'objects/pack')
  for (const name of fs.readdirSync(folder).filter((n) => n.endsWith('.idx')))
    gitIn(gitdir, 'verify-pack', join(folder, name))
}

describe('export-git writes packs', () => {
  it('exports a real history as one pack, no loose objects, and a re-export packs only what is new', async () => {
    const source = join(tempDir('git-src-'), 'src.git')
    execFileSync('git', ['clone', '--quiet', '--mirror', BUNDLE, source], { env: ENV })
    const home = tempDir('weft-git-')
    expect((await weft(home, ['import-git', source, '--name', 'bm'])).code).toBe(0)
    const out = join(tempDir('git-out-'), 'out')
    expect(await weft(home, ['export-git', out, '--repo', 'bm'])).toMatchObject({ code: 0 })

    const gitdir = join(out, '.git')
    expect(counts(out)).toMatchObject({ count: 0, packs: 1 })
    verifyPacks(gitdir)
    gitIn(out, 'fsck', '--strict')
    const refs = (dir: string) => gitIn(dir, 'for-each-ref', '--format=%(objectname) %(refname)')
    expect(refs(out)).toBe(refs(source))
    // Every object once: the pack holds exactly what the refs reach.
    const reachable = gitIn(out, 'rev-list', '--objects', '--all').trim().split('\n').length
    expect(counts(out)['in-pack']).toBe(reachable)

    // A commit made in Weft: the next export packs it alone, with its new tree and blob.
    await weft(home, ['write', 'NOTES.md', '--repo', 'bm', '--branch', 'master'], '# Notes\n')
    expect((await weft(home, ['commit', '-m', 'Notes', '--repo', 'bm', '--branch', 'master'])).code).toBe(0)
    expect(await weft(home, ['export-git', out, '--repo', 'bm'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('(1 written)'),
    })
    expect(counts(out)).toMatchObject({ count: 0, packs: 2, 'in-pack': reachable + 3 })
    verifyPacks(gitdir)
    gitIn(out, 'fsck', '--strict')
    expect(gitIn(out, 'show', 'master:NOTES.md')).toBe('# Notes\n')
    // Nothing new: no pack.
    expect(await weft(home, ['export-git', out, '--repo', 'bm'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('(0 written)'),
    })
    expect(counts(out)).toMatchObject({ count: 0, packs: 2 })
  })

  it('builds a Weft commit on the tree the target holds: files become folders, folders files or nothing', async () => {
    const source = join(tempDir('git-src-'), 'src.git')
    execFileSync('git', ['clone', '--quiet', '--mirror', BUNDLE, source], { env: ENV })
    const home = tempDir('weft-git-')
    const repo = ['--repo', 'bm', '--branch', 'master']
    expect((await weft(home, ['import-git', source, '--name', 'bm'])).code).toBe(0)
    const out = join(tempDir('git-out-'), 'out')
    expect((await weft(home, ['export-git', out, '--repo', 'bm'])).code).toBe(0)

    // One commit: a file becomes a folder, the only file of a folder goes, a deep new folder comes.
    await weft(home, ['rm', 'Makefile', ...repo])
    await weft(home, ['write', 'Makefile/README.md', ...repo], 'now a folder\n')
    await weft(home, ['rm', '.github/FUNDING.yml', ...repo])
    await weft(home, ['write', 'src/deep/er/new.js', ...repo], 'export {}\n')
    await weft(home, ['write', 'test/test.js', ...repo], 'changed\n')
    expect((await weft(home, ['commit', '-m', 'Shapes', ...repo])).code).toBe(0)
    expect((await weft(home, ['export-git', out, '--repo', 'bm'])).out).toContain('(1 written)')
    // Then a folder becomes a file again, exported on top of the commit above.
    await weft(home, ['rm', 'Makefile/README.md', ...repo])
    await weft(home, ['write', 'Makefile', ...repo], 'all:\n')
    expect((await weft(home, ['commit', '-m', 'Back', ...repo])).code).toBe(0)

    expect((await weft(home, ['export-git', out, '--repo', 'bm'])).out).toContain('(1 written)')
    gitIn(out, 'fsck', '--strict')
    // The same commits as an export that builds every tree whole.
    const whole = join(tempDir('git-out-'), 'whole')
    expect((await weft(home, ['export-git', whole, '--repo', 'bm'])).code).toBe(0)
    expect(gitIn(out, 'rev-parse', 'master')).toBe(gitIn(whole, 'rev-parse', 'master'))
    expect(gitIn(out, 'ls-tree', '-r', '--name-only', 'master~1')).toContain('Makefile/README.md\n')
    expect(gitIn(out, 'ls-tree', '-d', '--name-only', 'master~1')).not.toContain('.github')
    expect(gitIn(out, 'show', 'master:Makefile')).toBe('all:\n')
    expect(gitIn(out, 'show', 'master:src/deep/er/new.js')).toBe('export {}\n')
  })

  it('writes entries git reads back byte for byte, across size-header boundaries and pack cuts', async () => {
    const gitdir = join(tempDir('git-pack-'), 'repo.git')
    execFileSync('git', ['init', '--quiet', '--bare', gitdir], { env: ENV })
    const writer = new GitPackWriter({ fs: fs as unknown as GitFs, gitdir, cache: {} }, { maxBytes: 100_000 })
    const sizes = [0, 1, 15, 16, 127, 128, 2047, 2048, 2049, 262_143, 262_144, 300_000]
    const blobs: { oid: string; content: Uint8Array }[] = []
    for (const size of sizes) {
      // Random bytes do not compress: the packs really pass the size limit.
      const content = new Uint8Array(randomBytes(size))
      const oid = await gitObjectId('blob', content)
      await writer.add('blob', content, oid)
      blobs.push({ oid, content })
    }
    const text = new TextEncoder().encode('hello\n')
    const textOid = await gitObjectId('blob', text)
    await writer.add('blob', text, textOid)
    await writer.flush()
    expect(writer.pending).toBe(0)

    expect(counts(gitdir).count).toBe(0)
    expect(counts(gitdir).packs).toBeGreaterThan(1)
    expect(counts(gitdir)['in-pack']).toBe(sizes.length + 1)
    verifyPacks(gitdir)
    expect(textOid).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
    for (const { oid, content } of blobs) {
      const read = execFileSync('git', ['-C', gitdir, 'cat-file', 'blob', oid], { env: ENV })
      expect(Buffer.compare(read, Buffer.from(content))).toBe(0)
    }
  })
})
