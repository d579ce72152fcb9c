/**
 * Version control at scale, in Node (the CLI's and the worker's code): on a 5,000-file repository,
 * commit 10 changed files, create a branch, diff two commits 100 apart, merge two branches with 50
 * changed files each, and how much storage each commit adds.
 *
 *   node --import tsx bench/history.bench.ts [--files 5000]
 */
import '@automerge/automerge-repo'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { flushReady, shutdownRepo } from '../src/repo/flush.ts'
import { VersionControl } from '../src/repo/VersionControl.ts'
import { Workspace } from '../src/repo/Workspace.ts'
import { folderBytes } from './lib/folderBytes.ts'

const { values } = parseArgs({ options: { files: { type: 'string', default: '5000' } } })
const FILES = Number(values.files)
const text = (s: string) => new TextEncoder().encode(s)

/** Deterministic source-like content of about 2 KB. */
const content = (i: number, version = 0) =>
  Array.from(
    { length: 40 },
    (_, line) => `export const value_${i}_${line} = ${(i * 31 + line * 7 + version) % 1000} // file ${i}\n`,
  ).join('')

async function timed<T>(work: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now()
  const value = await work()
  return { ms: performance.now() - start, value }
}

const dir = mkdtempSync(join(tmpdir(), 'weft-history-bench-'))
const repo = new Repo({ storage: new NodeFSStorageAdapter(dir), network: [] })
const ws = Workspace.create(repo, 'bench')
const vc = new VersionControl(ws)
const main = ws.branches()[0].id
const path = (i: number) => `pkg${i % 20}/src/mod${i % 7}/file${i}.ts`

const setup = await timed(() =>
  ws.importFiles(
    main,
    Array.from({ length: FILES }, (_, i) => ({ path: path(i), bytes: text(content(i)) })),
  ),
)
await vc.commit(main, 'import', 'bench')
await flushReady(repo)
const rows: [string, string][] = [
  [`import ${FILES} files + first commit`, `${(setup.ms / 1000).toFixed(2)} s (setup)`],
]

/** Rewrites `count` files starting at `from` on a branch (a new version of each). */
const edit = (branch: string, from: number, count: number, version: number) =>
  ws.importFiles(
    branch,
    Array.from({ length: count }, (_, k) => ({
      path: path(from + k),
      bytes: text(content(from + k, version)),
    })),
  )

await edit(main, 0, 10, 1)
const commit10 = await timed(() => vc.commit(main, 'ten files', 'bench'))
rows.push(['commit with 10 changed files', `${commit10.ms.toFixed(0)} ms`])

const branch = await timed(() => vc.createBranch('feature', commit10.value))
rows.push(['create a branch', `${branch.ms.toFixed(0)} ms`])

// 100 more commits of 10 files each, measuring storage growth per commit.
await flushReady(repo)
const before = folderBytes(dir)
const first = commit10.value
let last = first
for (let c = 0; c < 100; c++) {
  await edit(main, (c * 10) % FILES, 10, c + 2)
  last = await vc.commit(main, `change ${c}`, 'bench')
}
await flushReady(repo)
const growth = (folderBytes(dir) - before) / 100
rows.push(['storage growth per 10-file commit (of ~20 KB raw)', `${(growth / 1024).toFixed(1)} KiB`])

const diff = await timed(() => vc.diffCommits(first, last))
rows.push([`diff two commits 100 apart (${diff.value.length} files differ)`, `${diff.ms.toFixed(0)} ms`])

// Two branches from the same commit, 50 changed files each; 25 files changed on both sides, on
// different lines, so they go through the file merge.
const left = vc.createBranch('left', last)
const right = vc.createBranch('right', last)
const renameLine = (i: number, line: number, side: string) => ({
  path: path(i),
  bytes: text(content(i).replace(`value_${i}_${line} =`, `value_${i}_${line}_${side} =`)),
})
await ws.importFiles(
  left,
  Array.from({ length: 50 }, (_, k) => renameLine(1000 + k, 0, 'left')),
)
await vc.commit(left, 'left 50', 'bench')
await ws.importFiles(
  right,
  Array.from({ length: 50 }, (_, k) => renameLine(1025 + k, 39, 'right')),
)
await vc.commit(right, 'right 50', 'bench')
const merge = await timed(() => vc.merge(left, right, 'bench'))
rows.push([`merge two branches, 50 changed files each (${merge.value.kind})`, `${merge.ms.toFixed(0)} ms`])

await shutdownRepo(repo)
rmSync(dir, { recursive: true, force: true })

const width = Math.max(...rows.map(([label]) => label.length))
console.log(`Weft version control · ${FILES} files · Node ${process.version}`)
for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`)
console.log(
  JSON.stringify({
    bench: 'history',
    files: FILES,
    commit10Ms: Math.round(commit10.ms),
    branchMs: Math.round(branch.ms),
    diffMs: Math.round(diff.ms),
    mergeMs: Math.round(merge.ms),
    mergeKind: merge.value.kind,
    bytesPerCommit: Math.round(growth),
  }),
)
