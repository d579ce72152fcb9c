/**
 * Real merge history as a benchmark: every case (one file of one real merge commit, as
 * `../shared/bench/merge/replay.mjs --git` extracts it: base, left, right, human and meta.json)
 * merged by `git merge-file` and by the engine in-process, both compared with what the merge
 * commit recorded (trailing blanks and empty lines ignored, as replay.mjs does). Prints one row per
 * repository:
 *   win         git conflicts, Weft is clean and equal to the people's merge (share: of git's conflicts)
 *   regression  git is clean, Weft conflicts
 *   wrong       git is clean and equal to the people's merge, Weft is clean and different
 *   differs     Weft is clean and matches neither (people sometimes edit while merging)
 * The language comes from the file's path in its repository, as git's merge driver gives it.
 *
 *   node --import tsx bench/merge-replay.bench.ts [--list] [--json OUT] DIR...
 *     DIR: a folder of cases, or of repositories' case folders (default ../shared/bench/merge/replay)
 *     --list: print every case that is not kept or won, with its kind and path
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { preparedMergeEngine } from './lib/mergeCases.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { list: { type: 'boolean', default: false }, json: { type: 'string' } },
})
const roots = positionals.length > 0 ? positionals : ['../shared/bench/merge/replay']

interface ReplayCase {
  id: string
  repository: string
  /** The file's path in its repository. */
  file: string
  dir: string
  /** Names of the four versions in `dir`, each with the file's extension. */
  names: { base: string; left: string; right: string; human: string }
}

type Kind = 'win' | 'same-conflict' | 'kept' | 'regression' | 'wrong' | 'differs'

interface Outcome {
  id: string
  repository: string
  file: string
  gitConflicts: boolean
  kind: Kind
  method: string
  ms: number
}

function findReplayCases(root: string): ReplayCase[] {
  const found: ReplayCase[] = []
  const walk = (dir: string) => {
    const names = readdirSync(dir, { withFileTypes: true })
    if (names.some((entry) => entry.name === 'meta.json')) {
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {
        repository: string
        file: string
      }
      const named = (version: string) =>
        names.find((entry) => entry.name.startsWith(version + '.'))?.name ?? version
      const relative = dir.slice(root.length).replace(/^\//, '')
      found.push({
        // Named from its repository whether `root` holds repositories or one repository's cases.
        id: relative.startsWith(meta.repository + '/') ? relative : `${meta.repository}/${relative}`,
        repository: meta.repository,
        file: meta.file,
        dir,
        names: {
          base: named('base'),
          left: named('left'),
          right: named('right'),
          human: named('human'),
        },
      })
      return
    }
    for (const entry of names) if (entry.isDirectory()) walk(join(dir, entry.name))
  }
  walk(root)
  return found.sort((a, b) => a.id.localeCompare(b.id))
}

/** replay.mjs's comparison: trailing blanks and empty lines do not count. */
const normalised = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .filter((line) => line !== '')
    .join('\n')

/** git's own merge of the case: its output and whether it was clean (exit 0). */
function gitMerge(c: ReplayCase): { text: string; clean: boolean } {
  const at = (name: string) => join(c.dir, name)
  const run = spawnSync('git', ['merge-file', '-p', at(c.names.left), at(c.names.base), at(c.names.right)], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  })
  if (run.status === null || run.status < 0) throw new Error(`git merge-file failed on ${c.dir}`)
  return { text: run.stdout, clean: run.status === 0 }
}

function classify(gitClean: boolean, gitEqual: boolean, weftClean: boolean, weftEqual: boolean): Kind {
  if (!gitClean) return weftEqual ? 'win' : weftClean ? 'differs' : 'same-conflict'
  if (weftEqual) return 'kept'
  if (!weftClean) return 'regression'
  return gitEqual ? 'wrong' : 'differs'
}

const engine = await preparedMergeEngine()
const outcomes: Outcome[] = []
for (const root of roots) {
  if (!existsSync(root)) {
    console.log(`${root}: not found, skipped`)
    continue
  }
  for (const c of findReplayCases(root)) {
    const read = (name: string) => readFileSync(join(c.dir, name), 'utf8')
    const human = normalised(read(c.names.human))
    const git = gitMerge(c)
    const start = performance.now()
    const weft = await engine.mergeAsync({
      base: read(c.names.base),
      left: read(c.names.left),
      right: read(c.names.right),
      path: c.file,
    })
    const ms = performance.now() - start
    const gitEqual = git.clean && normalised(git.text) === human
    const weftEqual = weft.clean && normalised(weft.text) === human
    outcomes.push({
      id: c.id,
      repository: c.repository,
      file: c.file,
      gitConflicts: !git.clean,
      kind: classify(git.clean, gitEqual, weft.clean, weftEqual),
      method: weft.method,
      ms,
    })
  }
}

const columns = ['repository', 'files', 'git conflicts', 'wins', 'share', 'regressions', 'wrong', 'differs']
const rowOf = (name: string, rows: Outcome[]) => {
  const count = (kind: Kind) => rows.filter((o) => o.kind === kind).length
  const conflicts = rows.filter((o) => o.gitConflicts).length
  const share = conflicts === 0 ? '-' : `${Math.round((100 * count('win')) / conflicts)}%`
  return [
    name,
    rows.length,
    conflicts,
    count('win'),
    share,
    count('regression'),
    count('wrong'),
    count('differs'),
  ]
}
const repositories = [...new Set(outcomes.map((o) => o.repository))]
const table = [
  ...repositories.map((name) =>
    rowOf(
      name,
      outcomes.filter((o) => o.repository === name),
    ),
  ),
  rowOf('all', outcomes),
]
console.log(`| ${columns.join(' | ')} |`)
console.log(`|${columns.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`)
for (const row of table) console.log(`| ${row.join(' | ')} |`)

const times = outcomes.map((o) => o.ms).sort((a, b) => a - b)
const percentile = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))] ?? 0
console.log(
  `\nengine in-process: p50 ${percentile(0.5).toFixed(1)} ms, p95 ${percentile(0.95).toFixed(1)} ms, ` +
    `max ${percentile(1).toFixed(1)} ms over ${outcomes.length} files`,
)

if (values.list) {
  console.log('')
  for (const o of outcomes) {
    if (o.kind === 'kept' || o.kind === 'win') continue
    console.log(`${o.kind.padEnd(13)} ${o.id.padEnd(24)} ${o.method.padEnd(10)} ${o.file}`)
  }
}
if (values.json) writeFileSync(values.json, JSON.stringify({ table, outcomes }, null, 1) + '\n')
