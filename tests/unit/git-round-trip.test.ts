/**
 * The git round trip on real history, checked by git itself: a public repository's history (a
 * bundle in fixtures/git, written by nobody here) imported, exported, and compared commit by commit;
 * files git treats specially; bad repositories refused by name with nothing written.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'
import { GIT_BUNDLE, gitRunner, gitTestEnv } from './gitFixture.ts'

const BUNDLE = GIT_BUNDLE
const ENV = gitTestEnv()
const gitIn = gitRunner(ENV)

/** Every ref with its object, and the whole graph with each commit's tree and parents, as git prints them. */
const history = (dir: string) => ({
  refs: gitIn(dir, 'for-each-ref', '--format=%(objectname) %(objecttype) %(refname)'),
  graph: gitIn(dir, 'log', '--graph', '--all', '--format=%H %T %P %an <%ae> %at %s'),
})

function mirrorOfBundle(): string {
  const dir = join(tempDir('git-src-'), 'src.git')
  execFileSync('git', ['clone', '--quiet', '--mirror', BUNDLE, dir], { env: ENV })
  return dir
}

describe('weft import-git and export-git', () => {
  it('brings a real history in and writes it back out with the same commits, trees, tags and graph', async () => {
    const source = mirrorOfBundle()
    const home = tempDir('weft-git-')
    const imported = await weft(home, ['import-git', source, '--name', 'bm', '--json'])
    expect(imported.code).toBe(0)
    const report = JSON.parse(imported.out)
    expect(report).toMatchObject({ commits: 65, tags: 10 })
    expect(report.branches.map((b: { name: string }) => b.name)).toEqual(['master', 'older'])
    expect(imported.errors.at(-1)).toBe('writing commits: 65 of 65')

    // Weft shows the history as git has it: merges keep both parents, authors and messages stay.
    const log = JSON.parse((await weft(home, ['log', '--repo', 'bm', '--branch', 'master', '--json'])).out)
    const gitLog = gitIn(source, 'log', '--format=%H', 'master').trim().split('\n')
    expect(log.map((c: { id: string }) => c.id).sort()).toEqual(gitLog.sort())
    expect(log.filter((c: { parents: string[] }) => c.parents.length === 2)).toHaveLength(14)
    expect(log[0].author).toBe(gitIn(source, 'log', '-1', '--format=%an <%ae>', 'master').trim())
    const readme = (await weft(home, ['cat', 'README.md', '--repo', 'bm', '--branch', 'master'])).out
    expect(readme).toBe(gitIn(source, 'show', 'master:README.md'))

    const out = join(tempDir('git-out-'), 'out')
    const exported = await weft(home, ['export-git', out, '--repo', 'bm'])
    expect(exported).toMatchObject({ code: 0, out: expect.stringContaining('Exported 65 commit(s)') })
    gitIn(out, 'fsck', '--strict')
    expect(history(out)).toEqual(history(source))
    // A new repository gets its current branch checked out.
    expect(gitIn(out, 'status', '--porcelain')).toBe('')

    // Again: nothing new to write.
    expect(await weft(home, ['export-git', out, '--repo', 'bm'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('(0 written)'),
    })
  })

  it('re-import brings only new git commits; re-export writes only new Weft commits on top', async () => {
    const work = join(tempDir('git-work-'), 'work')
    execFileSync('git', ['clone', '--quiet', BUNDLE, work, '--branch', 'master'], { env: ENV })
    const home = tempDir('weft-git-')
    expect((await weft(home, ['import-git', work, '--name', 'bm', '--branches', 'master'])).code).toBe(0)

    writeFileSync(join(work, 'CHANGELOG.md'), '# Changes\n')
    gitIn(work, 'add', 'CHANGELOG.md')
    gitIn(work, 'commit', '--quiet', '-m', 'Add a changelog')
    const again = await weft(home, ['import-git', work, '--repo', 'bm', '--branches', 'master'])
    expect(again).toMatchObject({ code: 0, out: expect.stringContaining('Imported 1 new commit(s)') })
    expect(again.out).toContain('master → ' + gitIn(work, 'rev-parse', 'HEAD').slice(0, 12) + ' (moved)')

    // An agent's commit in Weft goes out on top of git's history.
    const bo = ['--repo', 'bm', '--branch', 'master', '--author', 'Bo <bo@example.invalid>']
    expect(await weft(home, ['write', 'NOTES.md', ...bo], 'from Weft\n')).toMatchObject({ code: 0 })
    expect(await weft(home, ['commit', '-m', 'Notes from Weft', ...bo])).toMatchObject({ code: 0 })
    const out = join(tempDir('git-out-'), 'out')
    expect((await weft(home, ['export-git', out, '--repo', 'bm'])).code).toBe(0)
    gitIn(out, 'fsck', '--strict')
    expect(gitIn(out, 'log', '-1', '--format=%an <%ae>|%s|%P', 'master').trim()).toBe(
      `Bo <bo@example.invalid>|Notes from Weft|${gitIn(work, 'rev-parse', 'HEAD').trim()}`,
    )
    expect(gitIn(out, 'show', 'master:NOTES.md')).toBe('from Weft\n')
    expect(gitIn(out, 'rev-parse', 'master~1')).toBe(gitIn(work, 'rev-parse', 'HEAD'))

    // A git commit on top of Weft's comes back in; Weft's own commit is recognised, not doubled.
    writeFileSync(join(out, 'NOTES.md'), 'from git\n')
    gitIn(out, 'commit', '--quiet', '-am', 'Notes from git')
    const back = await weft(home, ['import-git', out, '--repo', 'bm', '--branches', 'master'])
    expect(back).toMatchObject({ code: 0, out: expect.stringContaining('Imported 1 new commit(s)') })
    expect(back.out).toContain('(moved)')
    expect((await weft(home, ['cat', 'NOTES.md', '--repo', 'bm', '--branch', 'master'])).out).toBe(
      'from git\n',
    )

    // git moves on by itself: Weft does not overwrite it (non-fast-forward), and says so.
    gitIn(out, 'commit', '--quiet', '--allow-empty', '-m', 'made in git')
    await weft(home, ['write', 'NOTES.md', '--repo', 'bm', '--branch', 'master'], 'more\n')
    await weft(home, ['commit', '-m', 'More notes', '--repo', 'bm', '--branch', 'master'])
    const refused = await weft(home, ['export-git', out, '--repo', 'bm'])
    expect(refused).toMatchObject({ code: 1, out: expect.stringContaining('✗ master') })
    expect(refused.out).toContain('non-fast-forward')
    expect(gitIn(out, 'log', '-1', '--format=%s', 'master').trim()).toBe('made in git')
  })

  it('keeps executable files, symlinks, binary files and line endings byte for byte', async () => {
    const work = join(tempDir('git-modes-'), 'work')
    gitIn(tempDir(), 'init', '--quiet', work)
    gitIn(work, 'config', 'core.autocrlf', 'false')
    writeFileSync(join(work, 'run.sh'), '#!/bin/sh\necho hi\n')
    chmodSync(join(work, 'run.sh'), 0o755)
    symlinkSync('run.sh', join(work, 'link'))
    writeFileSync(join(work, 'crlf.txt'), 'one\r\ntwo\r\n')
    writeFileSync(join(work, 'blob.bin'), new Uint8Array([0, 255, 13, 10, 0, 1]))
    writeFileSync(
      join(work, 'big.psd'),
      `version https://git-lfs.github.com/spec/v1\noid sha256:${'a'.repeat(64)}\nsize 12345\n`,
    )
    gitIn(work, 'add', '.')
    gitIn(work, 'commit', '--quiet', '-m', 'Special files')
    const home = tempDir('weft-git-')
    const imported = await weft(home, ['import-git', work, '--name', 'modes'])
    expect(imported.code).toBe(0)
    expect(imported.out).toContain('1 Git LFS pointer file(s) kept as pointers')
    expect(imported.out).toContain('big.psd')
    const out = join(tempDir('git-out-'), 'out')
    expect((await weft(home, ['export-git', out, '--repo', 'modes'])).code).toBe(0)
    expect(gitIn(out, 'ls-tree', '-r', 'HEAD')).toBe(gitIn(work, 'ls-tree', '-r', 'HEAD'))
    expect(gitIn(out, 'rev-parse', 'HEAD')).toBe(gitIn(work, 'rev-parse', 'HEAD'))

    // Edited in Weft, the script stays executable.
    const repo = ['--repo', 'modes']
    expect(await weft(home, ['write', 'run.sh', ...repo], '#!/bin/sh\necho bye\n')).toMatchObject({ code: 0 })
    expect(await weft(home, ['commit', '-m', 'Say bye', ...repo])).toMatchObject({ code: 0 })
    expect((await weft(home, ['export-git', out, ...repo])).code).toBe(0)
    gitIn(out, 'fsck', '--strict')
    expect(gitIn(out, 'ls-tree', 'master', 'run.sh')).toMatch(/^100755 blob /)
    expect(gitIn(out, 'show', 'master:run.sh')).toBe('#!/bin/sh\necho bye\n')

    // Merged in Weft (a real merge: both sides changed something), it stays executable too.
    expect(await weft(home, ['branch', 'create', 'side', ...repo])).toMatchObject({ code: 0 })
    const side = [...repo, '--branch', 'side']
    expect(await weft(home, ['write', 'run.sh', ...side], '#!/bin/sh\necho side\n')).toMatchObject({
      code: 0,
    })
    expect(await weft(home, ['commit', '-m', 'Side', ...side])).toMatchObject({ code: 0 })
    const main = [...repo, '--branch', 'master']
    expect(await weft(home, ['write', 'crlf.txt', ...main], 'three\r\n')).toMatchObject({ code: 0 })
    expect(await weft(home, ['commit', '-m', 'Main', ...main])).toMatchObject({ code: 0 })
    expect(await weft(home, ['merge', 'side', ...main])).toMatchObject({ code: 0 })
    expect((await weft(home, ['export-git', out, ...repo])).code).toBe(0)
    expect(gitIn(out, 'rev-list', '--parents', '-1', 'master').trim().split(' ')).toHaveLength(3)
    expect(gitIn(out, 'ls-tree', 'master', 'run.sh', 'link')).toMatch(
      /^120000 blob .*\tlink\n100755 blob .*\trun\.sh\n$/,
    )
  })

  describe('refuses a bad repository by name, leaving nothing behind', () => {
    const refusedWith = async (dir: string, message: RegExp) => {
      const home = tempDir('weft-git-')
      const result = await weft(home, ['import-git', dir, '--name', 'bad'])
      expect(result.code).toBe(2)
      expect(result.errors.at(-1)).toMatch(message)
      expect((await weft(home, ['repos'])).out.trim()).toBe('')
    }
    /** A small repository with loose objects only: two commits. */
    const small = () => {
      const work = join(tempDir('git-bad-'), 'work')
      gitIn(tempDir(), 'init', '--quiet', work)
      writeFileSync(join(work, 'a.txt'), 'one\n')
      gitIn(work, 'add', '.')
      gitIn(work, 'commit', '--quiet', '-m', 'first')
      writeFileSync(join(work, 'a.txt'), 'two\n')
      gitIn(work, 'commit', '--quiet', '-am', 'second')
      return work
    }
    const objectFile = (work: string, oid: string) =>
      join(work, '.git/objects', oid.slice(0, 2), oid.slice(2))

    it('a corrupt object', async () => {
      const work = small()
      const blob = gitIn(work, 'rev-parse', 'HEAD:a.txt').trim()
      const file = objectFile(work, blob)
      chmodSync(file, 0o644)
      writeFileSync(file, 'not zlib at all')
      await refusedWith(work, new RegExp(`Blob ${blob.slice(0, 12)} \\("a\\.txt"\\) cannot be read`))
    })

    it('a missing parent', async () => {
      const work = small()
      const parent = gitIn(work, 'rev-parse', 'HEAD~1').trim()
      unlinkSync(objectFile(work, parent))
      await refusedWith(
        work,
        new RegExp(`Commit ${parent.slice(0, 12)}, a parent of [0-9a-f]{12}, is missing`),
      )
    })

    it('a shallow clone', async () => {
      const work = small()
      const shallow = join(tempDir('git-shallow-'), 'shallow')
      execFileSync('git', ['clone', '--quiet', '--depth', '1', `file://${work}`, shallow], { env: ENV })
      await refusedWith(shallow, /shallow clone: its history is cut at 1 commit\(s\).*git fetch --unshallow/)
    })

    it('a path Weft refuses, in the middle of the history', async () => {
      const work = small()
      writeFileSync(join(work, 'back\\slash.txt'), 'x\n')
      gitIn(work, 'add', '.')
      gitIn(work, 'commit', '--quiet', '-m', 'third')
      writeFileSync(join(work, 'a.txt'), 'four\n')
      gitIn(work, 'commit', '--quiet', '-am', 'fourth')
      await refusedWith(work, /Commit [0-9a-f]{12} \("third"\): .*"back\\slash\.txt"/)
    })

    it('not a git repository', async () => {
      const dir = tempDir('git-none-')
      await refusedWith(dir, /is not a git repository/)
      expect(existsSync(dir) && readdirSync(dir)).toEqual([])
      rmSync(dir, { recursive: true })
    })
  })
})
