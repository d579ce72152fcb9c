/**
 * The git round trip at scale: a real repository's history (cut at `--commits` commits of its
 * first-parent line, with every commit those reach) imported by `weft import-git`, exported by
 * `weft export-git`, the export checked by `git fsck --strict` and compared with the source's ids.
 * Prints import time, Weft's storage against the source's packed `.git`, and export time. Each
 * command runs as its own `weft` process (the Node build, made first), as a person runs them: in
 * one process the whole history's documents stay loaded from import into export.
 *
 *   npm run bench:git -- --git DIR [--ref main] [--commits N]
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { buildNode } from '../build/nodeBuild.ts'
import { folderBytes } from './lib/folderBytes.ts'

const { values } = parseArgs({
  options: { git: { type: 'string' }, ref: { type: 'string', default: 'HEAD' }, commits: { type: 'string' } },
})
if (!values.git) {
  console.error('usage: npm run bench:git -- --git DIR [--ref main] [--commits N]')
  process.exit(2)
}
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 }).trim()

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`

const WEFT = fileURLToPath(new URL('../bin/weft.js', import.meta.url))

/** Runs `weft ARGS --home HOME` as its own process; stderr (progress) is kept for an error. */
function weft(home: string, args: string[]): Promise<{ code: number; out: string; errors: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WEFT, ...args, '--home', home], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-20_000)))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, out, errors: err.split('\n') }))
  })
}

await buildNode()
const work = mkdtempSync(join(tmpdir(), 'weft-git-bench-'))
try {
  // The source: one branch at the cut, every commit it reaches, packed as git packs a clone.
  const source = join(work, 'source.git')
  const line = git(values.git, 'rev-list', '--first-parent', '--reverse', values.ref).split('\n')
  const cut = values.commits ? line[Math.min(Number(values.commits), line.length) - 1] : line[line.length - 1]
  git(work, 'init', '--quiet', '--bare', source)
  git(source, 'fetch', '--quiet', '--no-tags', values.git, `${cut}:refs/heads/main`)
  git(source, 'symbolic-ref', 'HEAD', 'refs/heads/main')
  git(source, 'repack', '-adq')
  const commits = Number(git(source, 'rev-list', '--count', 'main'))
  const merges = Number(git(source, 'rev-list', '--merges', '--count', 'main'))
  const files = git(source, 'ls-tree', '-r', '--name-only', 'main').split('\n').length
  const gitBytes = folderBytes(source)
  console.log(
    `source: ${commits} commits (${merges} merges), ${files} files at the head, .git ${mib(gitBytes)}`,
  )
  console.log(
    `load average before: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  )

  const home = join(work, 'home')
  let start = performance.now()
  const imported = await weft(home, ['import-git', source, '--name', 'bench'])
  const importMs = performance.now() - start
  if (imported.code !== 0) throw new Error(imported.errors.join('\n'))
  const weftBytes = folderBytes(join(home, 'data'))

  const out = join(work, 'out')
  start = performance.now()
  const exported = await weft(home, ['export-git', out, '--repo', 'bench'])
  const exportMs = performance.now() - start
  if (exported.code !== 0) throw new Error(exported.errors.join('\n') + exported.out)
  git(out, 'fsck', '--strict')
  const same = git(out, 'rev-parse', 'main') === git(source, 'rev-parse', 'main')
  console.log(
    `load average after: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  )
  console.log('')
  console.log('| measure | figure |')
  console.log('| --- | --- |')
  console.log(`| history | ${commits} commits (${merges} merges), ${files} files at the head |`)
  console.log(
    `| import (\`weft import-git\`) | ${(importMs / 1000).toFixed(1)} s (${((commits / importMs) * 1000).toFixed(0)} commits/s) |`,
  )
  console.log(
    `| storage in Weft vs packed \`.git\` | ${mib(weftBytes)} vs ${mib(gitBytes)} (${(weftBytes / gitBytes).toFixed(1)}×) |`,
  )
  console.log(`| export (\`weft export-git\`, new repository) | ${(exportMs / 1000).toFixed(1)} s |`)
  console.log(`| export equals the source (head id, \`git fsck --strict\`) | ${same ? 'yes' : 'NO'} |`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
