/**
 * `git-remote-weft`, git's remote helper for `weft::LINK`, driven by real git against a real relay
 * process: clone, push, fetch, a refused non-fast-forward, and lines that are not the protocol.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'
import { RelayChild } from './relayChild.ts'
import { gitRunner, gitTestEnv } from './gitFixture.ts'

const HELPER = fileURLToPath(new URL('../../bin/git-remote-weft.js', import.meta.url))

// Each git command here starts a helper process that opens the profile and connects to the relay:
// about a second on an idle machine, several on a loaded one.
describe('git-remote-weft: git clone, fetch and push against Weft', { timeout: 60_000 }, () => {
  const relay = new RelayChild()
  const home = tempDir('weft-remote-home-')
  // git finds `git-remote-weft` on PATH, as `npm link` puts it there.
  const bin = tempDir('weft-remote-bin-')
  symlinkSync(HELPER, join(bin, 'git-remote-weft'))
  const ENV = gitTestEnv({ PATH: `${bin}:${process.env.PATH}`, WEFT_HOME: home })
  const git = gitRunner(ENV)
  /** A git command expected to fail: its stderr. */
  const gitFails = (dir: string, ...args: string[]) => {
    const result = spawnSync('git', ['-C', dir, ...args], { env: ENV, encoding: 'utf8' })
    expect(result.status).not.toBe(0)
    return result.stderr
  }
  const work = tempDir('weft-remote-work-')
  const clone = join(work, 'clone')
  let link = ''

  beforeAll(async () => {
    await relay.start()
    expect(await weft(home, ['init', 'demo'])).toMatchObject({ code: 0 })
    expect(await weft(home, ['relay', 'add', relay.url, '--own'])).toMatchObject({ code: 0 })
    await weft(home, ['write', 'hello.txt'], 'hello\n')
    await weft(home, ['write', 'src/app.ts'], 'export const answer = 42\n')
    expect(await weft(home, ['commit', '-m', 'First'])).toMatchObject({ code: 0 })
    link = (await weft(home, ['link'])).out.replace('Share link: ', '').trim()
  })

  afterAll(async () => {
    await relay.stop()
  })

  const weftHead = async () => (await weft(home, ['log', '--json'])).out

  it('clones a repository with the commit ids and tree export-git gives it', async () => {
    git(work, 'clone', '--quiet', `weft::${link}`, clone)
    const exported = join(work, 'exported')
    expect(await weft(home, ['export-git', exported])).toMatchObject({ code: 0 })
    expect(git(clone, 'rev-parse', 'HEAD')).toBe(git(exported, 'rev-parse', 'main'))
    expect(git(clone, 'ls-tree', '-r', 'HEAD')).toBe(git(exported, 'ls-tree', '-r', 'main'))
    expect(git(clone, 'symbolic-ref', 'HEAD').trim()).toBe('refs/heads/main')
    expect(git(clone, 'show', 'HEAD:src/app.ts')).toBe('export const answer = 42\n')
    git(clone, 'fsck', '--strict')
  })

  it('pushes a commit made in git: weft log and weft cat show it', async () => {
    writeFileSync(join(clone, 'hello.txt'), 'hello from git\n')
    git(clone, 'commit', '--quiet', '-am', 'Edit in git')
    const pushed = git(clone, 'rev-parse', 'HEAD').trim()
    git(clone, 'push', '--quiet', 'origin', 'main')
    const log = await weft(home, ['log'])
    expect(log.out.split('\n')[0]).toMatch(new RegExp(`^${pushed.slice(0, 8)} .* Ada <ada@example.invalid>$`))
    expect(log.out).toContain('Edit in git')
    expect((await weft(home, ['cat', 'hello.txt'])).out).toBe('hello from git\n')
  })

  it('pushes a new branch as a Weft branch, and refuses a name Weft does not take', async () => {
    git(clone, 'push', '--quiet', 'origin', 'main:feature')
    expect((await weft(home, ['branch', 'list'])).out).toContain('feature')
    // A name git allows and Weft does not: refused by name, nothing else in the push affected.
    expect(gitFails(clone, 'push', 'origin', 'main:feat+x')).toMatch(
      /\[remote rejected\]\s+main -> feat\+x \(Git branch "feat\+x" is not a branch name/,
    )
    expect((await weft(home, ['branch', 'list'])).out).toContain('feature')
  })

  it('deletes a branch through git, but not one with uncommitted changes nor the default branch', async () => {
    git(clone, 'push', '--quiet', 'origin', 'main:gone', 'main:busy')
    await weft(home, ['write', 'draft.txt', '--branch', 'busy'], 'not committed\n')
    git(clone, 'push', '--quiet', 'origin', ':gone')
    const branches = (await weft(home, ['branch', 'list'])).out
    expect(branches).not.toMatch(/\bgone\b/)
    expect(git(clone, 'ls-remote', 'origin')).not.toContain('refs/heads/gone')
    expect(gitFails(clone, 'push', 'origin', ':busy')).toMatch(
      /\[remote rejected\]\s+busy \(Weft's busy has uncommitted changes; commit or discard them in Weft first\)/,
    )
    expect(gitFails(clone, 'push', 'origin', ':main')).toMatch(
      /\[remote rejected\]\s+main \(main is the repository's default branch in Weft; it cannot be deleted\)/,
    )
    const after = (await weft(home, ['branch', 'list'])).out
    expect(after).toMatch(/\bbusy\b/)
    expect(after).toMatch(/\bmain\b/)
    expect((await weft(home, ['cat', 'draft.txt', '--branch', 'busy'])).out).toBe('not committed\n')
  })

  it("takes a pushed tag as a read-only name with git's ids, and never moves or deletes one", async () => {
    git(clone, 'tag', 'v1')
    git(clone, 'tag', '-a', 'v2', '-m', 'Release 2')
    git(clone, 'push', '--quiet', 'origin', 'v1', 'v2')
    const remote = git(clone, 'ls-remote', '--tags', 'origin')
    expect(remote).toContain(`${git(clone, 'rev-parse', 'v1').trim()}\trefs/tags/v1`)
    // The annotated tag keeps its own object id.
    expect(remote).toContain(`${git(clone, 'rev-parse', 'v2').trim()}\trefs/tags/v2`)
    const copy = join(work, 'tagged')
    git(work, 'clone', '--quiet', `weft::${link}`, copy)
    expect(git(copy, 'cat-file', '-p', 'v2')).toBe(git(clone, 'cat-file', '-p', 'v2'))
    git(copy, 'fsck', '--strict')

    git(clone, 'tag', '-f', 'v1', 'HEAD~1')
    expect(gitFails(clone, 'push', '--force', 'origin', 'v1')).toMatch(
      /\[remote rejected\]\s+v1 -> v1 \(Weft's tag v1 names [0-9a-f]{12}; Weft's tags are read-only names and do not move\)/,
    )
    expect(gitFails(clone, 'push', 'origin', ':v2')).toMatch(
      /\[remote rejected\]\s+v2 \(Weft's tags are read-only names; they are not deleted through git\)/,
    )
    // A tag of a commit Weft does not hold.
    git(clone, 'checkout', '--quiet', '--detach')
    writeFileSync(join(clone, 'side.txt'), 'side\n')
    git(clone, 'add', 'side.txt')
    git(clone, 'commit', '--quiet', '-m', 'Side')
    git(clone, 'tag', 'side')
    git(clone, 'checkout', '--quiet', 'main')
    expect(gitFails(clone, 'push', 'origin', 'side')).toMatch(
      /\[remote rejected\]\s+side -> side \(the commit it tags \([0-9a-f]{12}\) is not in Weft; push a branch that holds it first\)/,
    )
    expect(git(clone, 'ls-remote', '--tags', 'origin')).toBe(remote)
  })

  it('fetches a commit made in Weft', async () => {
    await weft(home, ['write', 'notes.md'], '# Notes\n')
    expect(await weft(home, ['commit', '-m', 'Notes in Weft'])).toMatchObject({ code: 0 })
    git(clone, 'fetch', '--quiet')
    expect(git(clone, 'log', '-1', '--format=%s', 'origin/main').trim()).toBe('Notes in Weft')
    expect(git(clone, 'show', 'origin/main:notes.md')).toBe('# Notes\n')
    expect(git(clone, 'rev-parse', 'origin/main^').trim()).toBe(git(clone, 'rev-parse', 'main').trim())
    git(clone, 'fsck', '--strict')
  })

  it('refuses a push that is not a fast-forward, forced or not, and Weft is unchanged', async () => {
    // main in the clone lacks "Notes in Weft": a commit on top of it diverges from Weft's main.
    writeFileSync(join(clone, 'other.txt'), 'diverged\n')
    git(clone, 'add', 'other.txt')
    git(clone, 'commit', '--quiet', '-m', 'Diverged')
    const before = await weftHead()
    expect(gitFails(clone, 'push', 'origin', 'main')).toMatch(/\[rejected\]\s+main -> main/)
    const forced = gitFails(clone, 'push', '--force', 'origin', 'main')
    expect(forced).toContain('Weft takes no forced push')
    expect(forced).toMatch(/\[remote rejected\]\s+main -> main \(non-fast-forward\)/)
    expect(await weftHead()).toBe(before)
    // After a merge it goes through.
    git(clone, 'merge', '--quiet', '--no-edit', 'origin/main')
    git(clone, 'push', '--quiet', 'origin', 'main')
    expect((await weft(home, ['cat', 'other.txt'])).out).toBe('diverged\n')
    expect((await weft(home, ['cat', 'notes.md'])).out).toBe('# Notes\n')
  })

  it('refuses a push onto a Weft branch with uncommitted changes, and moves nothing', async () => {
    await weft(home, ['write', 'pending.txt'], 'not committed yet\n')
    writeFileSync(join(clone, 'later.txt'), 'later\n')
    git(clone, 'add', 'later.txt')
    git(clone, 'commit', '--quiet', '-m', 'Later')
    const before = await weftHead()
    expect(gitFails(clone, 'push', 'origin', 'main')).toMatch(
      /\[remote rejected\]\s+main -> main \(Weft's main has uncommitted changes; commit them in Weft first\)/,
    )
    expect(await weftHead()).toBe(before)
    expect((await weft(home, ['cat', 'pending.txt'])).out).toBe('not committed yet\n')
  })

  it("clones an imported history, named by its repository name, with git's own commit and tag ids", async () => {
    const source = join(work, 'source.git')
    const bundle = join(import.meta.dirname, 'fixtures/git/balanced-match.bundle')
    execFileSync('git', ['clone', '--quiet', '--mirror', bundle, source], { env: ENV })
    expect(await weft(home, ['import-git', source, '--name', 'balanced'])).toMatchObject({ code: 0 })
    const copy = join(work, 'balanced')
    git(work, 'clone', '--quiet', 'weft::balanced', copy)
    const branches = (dir: string, prefix: string) =>
      git(dir, 'for-each-ref', '--format=%(objectname) %(refname)', prefix)
        .replaceAll(prefix, '')
        .split('\n')
        .filter((line) => line && !line.endsWith(' HEAD'))
    expect(branches(copy, 'refs/remotes/origin/')).toEqual(branches(source, 'refs/heads/'))
    expect(branches(copy, 'refs/remotes/origin/').length).toBeGreaterThan(0)
    // Tags, annotated ones as their own tag objects, with git's ids.
    expect(branches(copy, 'refs/tags/')).toEqual(branches(source, 'refs/tags/'))
    expect(branches(copy, 'refs/tags/').length).toBeGreaterThan(0)
    git(copy, 'fsck', '--strict')
  })

  it('answers a line that is not the protocol with a clear error, not a crash', () => {
    const helper = (input: string, args = ['origin', link], gitDir = join(clone, '.git')) =>
      spawnSync(HELPER, args, { env: { ...ENV, GIT_DIR: gitDir }, input, encoding: 'utf8' })
    const bad = helper('capabilities\nfetch nonsense\n')
    expect(bad.stdout).toBe('option\nlist\nfetch\npush\n\n')
    expect(bad.stderr).toContain('git sent a line that is not the remote-helper protocol: "fetch nonsense"')
    expect(bad.status).toBe(2)
    const push = helper('push main\n\n')
    expect(push.stderr).toContain('git sent a push line that is not +?SRC:DST: "main"')
    expect(push.status).toBe(2)
    const noArgs = helper('', [])
    expect(noArgs.stderr).toContain('expected REMOTE and URL')
    expect(noArgs.status).toBe(2)
    const noLink = helper('list\n', ['origin', 'http://127.0.0.1:1/#/open/nothing'])
    expect(noLink.stderr).toContain('expected a Share link')
    expect(noLink.status).toBe(2)
  })
})
