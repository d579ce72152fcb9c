/**
 * Git in the app, measured on its own code path in Node: a checkout of a real history (cut at
 * `--commits` commits of its first-parent line) handed over as a folder picker hands it (a Blob per
 * file, `.git` included) to the repository worker's service, its history brought in over the
 * in-memory file system (`importStagedGit`), then downloaded as git (`downloadGit`), the download
 * unzipped and checked by `git fsck --strict` and its head id compared with the source's.
 *
 *   npm run bench:git-app -- --git DIR [--ref main] [--commits N]
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { parseArgs } from 'node:util'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { createRepoService } from '../src/services/RepoService.ts'

const { values } = parseArgs({
  options: { git: { type: 'string' }, ref: { type: 'string', default: 'HEAD' }, commits: { type: 'string' } },
})
if (!values.git) {
  console.error('usage: npm run bench:git-app -- --git DIR [--ref main] [--commits N]')
  process.exit(2)
}
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim()
const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`
const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ')

/** Every file under `root` as a folder picker hands it over. */
function pick(root: string): { path: string; blob: Blob }[] {
  const out: { path: string; blob: Blob }[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.isFile())
        out.push({ path: `source/${relative(root, full)}`, blob: new Blob([readFileSync(full)]) })
    }
  }
  walk(root)
  return out
}

const work = mkdtempSync(join(tmpdir(), 'weft-git-app-bench-'))
try {
  // The source: a checkout of one branch at the cut, packed as a clone is.
  const source = join(work, 'source')
  const line = git(values.git, 'rev-list', '--first-parent', '--reverse', values.ref).split('\n')
  const cut = values.commits ? line[Math.min(Number(values.commits), line.length) - 1] : line[line.length - 1]
  git(work, 'init', '--quiet', '-b', 'main', source)
  git(source, 'fetch', '--quiet', '--no-tags', values.git, `${cut}:refs/heads/cut`)
  git(source, 'checkout', '--quiet', '-B', 'main', 'cut')
  git(source, 'branch', '-D', '--quiet', 'cut')
  git(source, 'repack', '-adq')
  const commits = Number(git(source, 'rev-list', '--count', 'main'))
  const files = git(source, 'ls-tree', '-r', '--name-only', 'main').split('\n').length
  const picked = pick(source)
  console.log(`source: ${commits} commits, ${files} files at the head, ${picked.length} files picked`)
  console.log(`load average before: ${load()}`)

  const storage = new NodeFSStorageAdapter(join(work, 'profile'))
  const service = createRepoService(new Repo({ storage, network: [] }), storage)
  const created = await service.createRepository('bench')
  const { defaultBranch } = await service.openRepository(created.id)

  let start = performance.now()
  for (let i = 0; i < picked.length; i += 200) await service.stageImport('bench', picked.slice(i, i + 200))
  const offered = await service.stagedGit('bench')
  const offerMs = performance.now() - start
  if (!offered) throw new Error('no git repository found in the pick')
  start = performance.now()
  const report = await service.importStagedGit(created.id, 'bench', offered.branches)
  const importMs = performance.now() - start
  if (report.commits !== commits) throw new Error(`imported ${report.commits} of ${commits} commits`)

  start = performance.now()
  const download = await service.downloadGit(created.id, defaultBranch)
  const downloadMs = performance.now() - start
  writeFileSync(join(work, 'download.zip'), download.zip)
  execFileSync('unzip', ['-q', 'download.zip'], { cwd: work })
  const unpacked = join(work, download.folder)
  git(unpacked, 'fsck', '--strict')
  const same = git(unpacked, 'rev-parse', 'HEAD') === git(source, 'rev-parse', 'main')
  const clean = git(unpacked, 'status', '--porcelain') === ''
  console.log(`load average after: ${load()}`)
  console.log('')
  console.log('| measure | figure |')
  console.log('| --- | --- |')
  console.log(`| history | ${commits} commits, ${files} files at the head |`)
  console.log(
    `| pick handed over and \`.git\` found (\`stageImport\`, \`stagedGit\`) | ${offerMs.toFixed(0)} ms |`,
  )
  console.log(
    `| history brought in (\`importStagedGit\`) | ${(importMs / 1000).toFixed(1)} s (${((commits / importMs) * 1000).toFixed(0)} commits/s) |`,
  )
  console.log(
    `| download as git (\`downloadGit\`) | ${(downloadMs / 1000).toFixed(1)} s, ${mib(download.zip.length)} zip |`,
  )
  console.log(
    `| download equals the source (head id, \`git fsck --strict\`, status clean) | ${same && clean ? 'yes' : 'NO'} |`,
  )
} finally {
  rmSync(work, { recursive: true, force: true })
}
process.exit(0)
