/**
 * Git in the app, through the repository worker's own service surface, in Node: a picked folder's
 * git history brought in over the in-memory file system (the browser's front-end to the same import
 * core as `weft import-git`), the download as git checked by git itself, and `.gitignore` honoured
 * as git honours it.
 */
import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { createRepoService } from '../../src/services/RepoService.ts'
import { importGit } from '../../src/git/importGit.ts'
import { openPickedRepository } from '../../src/git/pickedRepository.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { leaveOutIgnored } from '../../src/git/gitIgnore.ts'
import { diskRepo, tempDir } from './helpers.ts'
import { weft } from './cliHarness.ts'
import { GIT_BUNDLE, gitRunner, gitTestEnv } from './gitFixture.ts'

const BUNDLE = GIT_BUNDLE
const ENV = gitTestEnv()
const gitIn = gitRunner(ENV)

/** Every file under `root` as a folder picker hands it over: a path within the pick's parent, and a Blob. */
function pick(root: string): { path: string; blob: Blob }[] {
  const out: { path: string; blob: Blob }[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else out.push({ path: relative(dirname(root), full), blob: new Blob([readFileSync(full)]) })
    }
  }
  walk(root)
  return out
}

function cloneOfBundle(): string {
  const dir = join(tempDir('git-pick-'), 'balanced-match')
  execFileSync('git', ['clone', '--quiet', BUNDLE, dir, '--branch', 'master'], { env: ENV })
  gitIn(dir, 'branch', 'older', 'origin/older')
  return dir
}

async function serviceWithRepository(name: string) {
  const disk = diskRepo()
  const service = createRepoService(disk.repo, disk.storage)
  const created = await service.createRepository(name)
  const { defaultBranch } = await service.openRepository(created.id)
  return { service, id: created.id, branch: defaultBranch }
}

describe('git history in the app', () => {
  it('brings a picked checkout’s history in and downloads it as a git checkout with the same ids', async () => {
    const source = cloneOfBundle()
    const { service, id, branch } = await serviceWithRepository('picked')
    await service.stageImport('s1', pick(source))
    expect(await service.stagedGit('s1')).toEqual({
      folder: 'balanced-match',
      branches: ['master', 'older'],
      current: 'master',
      tags: 10,
    })
    const phases: string[] = []
    const report = await service.importStagedGit(id, 's1', ['master', 'older'], (p) => phases.push(p.phase))
    expect(report).toMatchObject({ commits: 65, tags: 10 })
    expect(report.branches.map((b) => `${b.name} ${b.outcome}`)).toEqual(['master created', 'older created'])
    expect(phases.at(-1)).toBe('writing')

    // The repository's default branch became git's current one, with git's commits and messages.
    const info = await service.openRepository(id)
    expect(info.branches.find((b) => b.id === branch)?.name).toBe('master')
    const masterLog = gitIn(source, 'log', '--format=%H', 'master').trim().split('\n')
    const history = await service.log(id, branch)
    expect(history.map((c) => c.id).sort()).toEqual([...masterLog].sort())

    const download = await service.downloadGit(id, branch)
    expect(download).toMatchObject({ folder: 'picked', branch: 'master', head: masterLog[0] })
    const out = tempDir('git-download-')
    writeFileSync(join(out, 'picked.zip'), download.zip)
    execFileSync('unzip', ['-q', 'picked.zip'], { cwd: out })
    const unpacked = join(out, 'picked')
    gitIn(unpacked, 'fsck', '--strict')
    expect(gitIn(unpacked, 'rev-parse', 'HEAD', 'older').trim()).toBe(
      gitIn(source, 'rev-parse', 'master', 'older').trim(),
    )
    expect(gitIn(unpacked, 'tag').trim()).toBe(gitIn(source, 'tag').trim())
    expect(gitIn(unpacked, 'status', '--porcelain')).toBe('')
  })

  it('refuses a picked repository whose object is corrupt, naming it, with nothing written', async () => {
    const source = cloneOfBundle()
    // Every object loose (out of the clone's pack), then one of them damaged.
    const packs = join(source, '.git/objects/pack')
    const aside = tempDir('pack-')
    for (const f of readdirSync(packs)) renameSync(join(packs, f), join(aside, f))
    for (const pack of readdirSync(aside).filter((f) => f.endsWith('.pack')))
      execFileSync('git', ['-C', source, 'unpack-objects', '-q'], {
        input: readFileSync(join(aside, pack)),
        env: ENV,
      })
    const tree = gitIn(source, 'rev-parse', 'master^{tree}').trim()
    const loose = join(source, '.git/objects', tree.slice(0, 2), tree.slice(2))
    chmodSync(loose, 0o644)
    writeFileSync(loose, 'not zlib at all')

    const { service, id, branch } = await serviceWithRepository('corrupt')
    await service.stageImport('s2', pick(source))
    await expect(service.importStagedGit(id, 's2', ['master'])).rejects.toThrow(`Tree ${tree.slice(0, 12)}`)
    expect(await service.log(id, branch)).toEqual([])
    expect((await service.openRepository(id)).branches.map((b) => b.name)).toEqual(['main'])
  })

  /** A small checkout with loose objects only: two commits, or four with a path Weft refuses in the third. */
  const small = (refusedPath = false) => {
    const work = join(tempDir('git-bad-'), 'work')
    gitIn(tempDir(), 'init', '--quiet', '-b', 'main', work)
    writeFileSync(join(work, 'a.txt'), 'one\n')
    gitIn(work, 'add', '.')
    gitIn(work, 'commit', '--quiet', '-m', 'first')
    writeFileSync(join(work, 'a.txt'), 'two\n')
    gitIn(work, 'commit', '--quiet', '-am', 'second')
    if (refusedPath) {
      writeFileSync(join(work, 'back\\slash.txt'), 'x\n')
      gitIn(work, 'add', '.')
      gitIn(work, 'commit', '--quiet', '-m', 'third')
    }
    return work
  }

  it.each([
    [
      'a missing parent',
      () => {
        const work = small()
        const parent = gitIn(work, 'rev-parse', 'HEAD~1').trim()
        unlinkSync(join(work, '.git/objects', parent.slice(0, 2), parent.slice(2)))
        return {
          work,
          message: new RegExp(`Commit ${parent.slice(0, 12)}, a parent of [0-9a-f]{12}, is missing`),
        }
      },
    ],
    [
      'a path Weft refuses',
      () => ({ work: small(true), message: /Commit [0-9a-f]{12} \("third"\): .*"back\\slash\.txt"/ }),
    ],
  ])('refuses %s by name, with nothing written', async (_, make) => {
    const { work, message } = make()
    const { service, id, branch } = await serviceWithRepository('bad')
    await service.stageImport('bad', pick(work))
    await expect(service.importStagedGit(id, 'bad', ['main'])).rejects.toThrow(message)
    expect(await service.log(id, branch)).toEqual([])
  })

  it('with checkFirst, a damaged file content in a later batch stops the import before the first write', async () => {
    const work = small()
    writeFileSync(join(work, 'a.txt'), 'three\n')
    gitIn(work, 'commit', '--quiet', '-am', 'third')
    const blob = gitIn(work, 'rev-parse', 'HEAD:a.txt').trim()
    const loose = join(work, '.git/objects', blob.slice(0, 2), blob.slice(2))
    chmodSync(loose, 0o644)
    writeFileSync(loose, 'not zlib at all')
    const picked = await openPickedRepository(pick(work))
    const ws = Workspace.create(new Repo({ network: [] }), 'batches')
    // One commit per batch: without the check, the first two would be written before the third fails.
    await expect(importGit(ws, picked!.repo, { batch: 1, checkFirst: true })).rejects.toThrow(
      `Blob ${blob.slice(0, 12)} ("a.txt") cannot be read`,
    )
    expect(Object.keys(ws.handle.doc().commits)).toEqual([])
  })

  it('a picked folder without .git offers no history; its .git files are never imported as files', async () => {
    const root = join(tempDir('plain-'), 'plain')
    mkdirSync(join(root, '.git'), { recursive: true })
    writeFileSync(join(root, '.git/config'), '[core]\n')
    writeFileSync(join(root, 'a.txt'), 'a\n')
    const { service, id, branch } = await serviceWithRepository('plain')
    await service.stageImport('s3', pick(root))
    expect(await service.stagedGit('s3')).toBeNull()
    const report = await service.importStaged(id, branch, 's3')
    expect(report).toMatchObject({ added: 1, refused: [], ignored: 0 })
  })
})

describe('.gitignore on import', () => {
  /** A folder whose ignore rules nest and negate; git itself says what it leaves out. */
  function ignoringFolder(): string {
    const root = tempDir('ignore-')
    const files: Record<string, string> = {
      '.gitignore': '*.log\n!keep.log\nbuild/\n/top-only.txt\nsecret*\n',
      'a.log': 'x',
      'keep.log': 'x',
      'top-only.txt': 'x',
      'src/top-only.txt': 'x',
      'src/main.ts': 'x',
      'src/debug.log': 'x',
      'src/.gitignore': '!debug.log\n*.tmp\n',
      'src/cache.tmp': 'x',
      'src/nested/.gitignore': '!*.tmp\n',
      'src/nested/kept.tmp': 'x',
      'build/out.js': 'x',
      'build/.gitignore': '!out.js\n',
      'docs/secret-plan.md': 'x',
      'docs/readme.md': 'x',
      'Secret.md': 'x',
    }
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true })
      writeFileSync(join(root, path), text)
    }
    return root
  }

  it('leaves out what git leaves out: nested files, negations, folders, anchored patterns', async () => {
    const root = ignoringFolder()
    gitIn(root, 'init', '-q')
    const gitIgnored = gitIn(root, 'ls-files', '--others', '--ignored', '--exclude-standard')
      .trim()
      .split('\n')
      .sort()
    const files = pick(root).map((f) => ({ ...f, path: f.path.split('/').slice(1).join('/') }))
    const { kept, ignored } = await leaveOutIgnored(files, (f) => f.blob.text())
    expect(ignored).toEqual(gitIgnored)
    expect(ignored).toEqual([
      'a.log',
      'build/.gitignore',
      'build/out.js',
      'docs/secret-plan.md',
      'src/cache.tmp',
      'top-only.txt',
    ])
    expect(kept.some((f) => f.path.startsWith('.git/'))).toBe(false)
  })

  it('the app’s folder import and a zip import count what .gitignore left out', async () => {
    const root = ignoringFolder()
    const { service, id, branch } = await serviceWithRepository('ignoring')
    await service.stageImport('s4', pick(root))
    const report = await service.importStaged(id, branch, 's4')
    expect(report).toMatchObject({ added: 10, ignored: 6, refused: [] })
    const imported = Object.keys(unzipSync(await service.exportZip(id, branch))).sort()
    expect(imported).toEqual(
      [
        '.gitignore',
        'Secret.md',
        'docs/readme.md',
        'keep.log',
        'src/.gitignore',
        'src/debug.log',
        'src/main.ts',
        'src/nested/.gitignore',
        'src/nested/kept.tmp',
        'src/top-only.txt',
      ].map((p) => `${root.split('/').at(-1)}/${p}`),
    )

    // The same rules for a .zip; its .git folder is left out as well.
    const zip = zipSync({
      'z/.gitignore': strToU8('*.log\n'),
      'z/a.log': strToU8('x'),
      'z/b.txt': strToU8('x'),
      'z/.git/HEAD': strToU8('ref: refs/heads/main\n'),
    })
    const zipped = await serviceWithRepository('zipped')
    expect(await zipped.service.importZip(zipped.id, zipped.branch, zip)).toMatchObject({
      added: 2,
      ignored: 1,
      refused: [],
    })
  })

  it('weft import leaves out what git ignores, unread, and says so', async () => {
    const root = ignoringFolder()
    gitIn(root, 'init', '-q')
    const tracked = gitIn(root, 'ls-files', '--others', '--exclude-standard').trim().split('\n').sort()
    const home = tempDir('weft-ignore-')
    const imported = await weft(home, ['import', root, '--name', 'ignoring', '--json'])
    expect(imported.code).toBe(0)
    const report = JSON.parse(imported.out)
    expect(report).toMatchObject({ added: tracked.length, refused: [], ignored: ['.git'] })
    // An ignored folder is left out whole: its own .gitignore cannot bring a file back.
    expect(report.gitignored).toEqual([
      'a.log',
      'build/',
      'docs/secret-plan.md',
      'src/cache.tmp',
      'top-only.txt',
    ])
    const listed = (await weft(home, ['ls', '--repo', 'ignoring'])).out.split('\n').filter(Boolean)
    expect(listed.sort()).toEqual(tracked)
    expect((await weft(home, ['import', root, '--name', 'again'])).out).toContain(
      'Left out by .gitignore: 5 (',
    )
  })
})

describe('weft export-git into a new folder', () => {
  it('makes the repository with git’s own settings, so git checks symbolic links and modes out', async () => {
    const source = join(tempDir('cfg-'), 'src')
    mkdirSync(source)
    gitIn(source, 'init', '-q', '-b', 'main')
    writeFileSync(join(source, 'a.txt'), 'a\n')
    gitIn(source, 'add', '.')
    gitIn(source, 'commit', '-q', '-m', 'a')
    const home = tempDir('weft-cfg-')
    expect((await weft(home, ['import-git', source, '--name', 'cfg'])).code).toBe(0)
    const out = join(tempDir('cfg-out-'), 'out')
    expect((await weft(home, ['export-git', out, '--repo', 'cfg'])).code).toBe(0)
    expect(gitIn(out, 'config', '--get', 'core.filemode').trim()).toBe('true')
    expect(() => gitIn(out, 'config', '--get', 'core.symlinks')).toThrow()
    expect(() => gitIn(out, 'config', '--get', 'core.ignorecase')).toThrow()
  })
})

// Symbolic links and the executable bit survive the download (git checks both out as they were).
describe('download as git keeps file modes', () => {
  it('an executable and a symbolic link come out of the zip as git had them', async () => {
    const source = join(tempDir('modes-'), 'modes')
    mkdirSync(source)
    gitIn(source, 'init', '-q', '-b', 'main')
    writeFileSync(join(source, 'run.sh'), '#!/bin/sh\necho hi\n')
    chmodSync(join(source, 'run.sh'), 0o755)
    symlinkSync('run.sh', join(source, 'link'))
    writeFileSync(join(source, 'crlf.txt'), 'a\r\nb\r\n')
    gitIn(source, 'add', '.')
    gitIn(source, 'commit', '-q', '-m', 'modes')
    const { service, id, branch } = await serviceWithRepository('modes')
    await service.stageImport('s5', pick(source))
    await service.importStagedGit(id, 's5', ['main'])
    const download = await service.downloadGit(id, branch)
    const out = tempDir('modes-out-')
    writeFileSync(join(out, 'modes.zip'), download.zip)
    execFileSync('unzip', ['-q', 'modes.zip'], { cwd: out })
    const unpacked = join(out, 'modes')
    expect(gitIn(unpacked, 'rev-parse', 'HEAD')).toBe(gitIn(source, 'rev-parse', 'HEAD'))
    expect(statSync(join(unpacked, 'run.sh')).mode & 0o111).not.toBe(0)
    expect(
      readdirSync(unpacked, { withFileTypes: true })
        .find((e) => e.name === 'link')
        ?.isSymbolicLink(),
    ).toBe(true)
    expect(readFileSync(join(unpacked, 'crlf.txt'), 'latin1')).toBe('a\r\nb\r\n')
    expect(gitIn(unpacked, 'status', '--porcelain')).toBe('')
    gitIn(unpacked, 'fsck', '--strict')
  })
})
