/**
 * Cost of a branch's view (`Workspace.entries`: the path rule and the collision resolution) on 5,000
 * files, read on every tree change. `node --import tsx bench/tree-view.bench.ts [dups]`; with `dups`,
 * 10 entries a peer made at paths that already exist.
 */
import { Repo } from '@automerge/automerge-repo'
import { Workspace } from '../src/repo/Workspace.ts'
const ws = Workspace.create(new Repo({ network: [] }), 'bench')
const main = ws.branches()[0].id
const files = Array.from({ length: 5000 }, (_, i) => ({
  path: `src/pkg${i % 50}/sub${i % 7}/file${i}.ts`,
  bytes: new TextEncoder().encode(`export const x${i} = ${i}\n`),
}))
await ws.importFiles(main, files)
const dups = process.argv[2] === 'dups'
if (dups)
  ws.handle.change((d) => {
    const t = d.branches[main].tree
    for (let i = 0; i < 10; i++)
      (t as Record<string, unknown>)[`dup-${i}`] = {
        type: 'file',
        path: `src/pkg${i}/sub${i % 7}/file${i}.ts`,
        blob: String((Object.values(t)[0] as unknown as { blob: string }).blob),
        size: 1,
        binary: false,
      }
  })
for (let i = 0; i < 5; i++) ws.entries(main)
const runs: number[] = []
for (let i = 0; i < 20; i++) {
  const t = performance.now()
  ws.entries(main)
  runs.push(performance.now() - t)
}
runs.sort((a, b) => a - b)
console.log(
  `entries() on ${ws.entries(main).length} entries${dups ? ' (10 duplicates)' : ''}: median ${runs[10].toFixed(1)} ms, min ${runs[0].toFixed(1)} ms`,
)
process.exit(0)
