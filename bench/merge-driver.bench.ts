/**
 * `weft` as git's merge driver, whole process, on this machine:
 * (a) `weft merge-file` once per file, one process after another: median, p95 and max wall time
 *     per file over the shared cases and the replay cases (goal: median ≤ 150 ms, p95 ≤ 300 ms),
 *     with the CPU time per file (steadier than wall time on a busy machine) and plain Node's start;
 * (b) a real `git merge` of real merge commits, with `merge.weft.driver` and `* merge=weft`
 *     against git's own merge: every merge commit of the replay cases rebuilt as a small repository
 *     (base commit, a left and a right branch with the files both sides changed), and with
 *     `--git DIR` (a clone or bare repository of one of the replayed projects) the original merge
 *     commits in a clone of that repository. Prints figures; asserts nothing.
 *
 *   node --import tsx bench/merge-driver.bench.ts [--cases ../shared/bench/merge/cases]
 *     [--replay ../shared/bench/merge/replay] [--files N] [--merges N] [--git DIR [--repository NAME]]
 *     [--weft OTHER/bin/weft.js] [--baseline OTHER/bin/weft.js]
 *   --files and --merges take that many, spread over the set (default 0: all); --weft times
 *   another build (say a checkout of an earlier commit) instead of building and timing this one;
 *   --baseline times another build's merge-file too, file by file alternating with this one's, so
 *   a before/after comparison on a shared machine meets the same load (compare CPU times first).
 *   CPU time is the whole process's user + system time, every thread (bench/lib/reportCpu.mjs).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { buildNode } from '../build/nodeBuild.ts'

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '../shared/bench/merge/cases' },
    replay: { type: 'string', default: '../shared/bench/merge/replay' },
    files: { type: 'string', default: '0' },
    merges: { type: 'string', default: '0' },
    git: { type: 'string' },
    repository: { type: 'string' },
    weft: { type: 'string' },
    baseline: { type: 'string' },
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))
const WEFT = values.weft ?? join(ROOT, 'bin/weft.js')
const BASELINE = values.baseline
const DRIVER = `${process.execPath} ${WEFT} merge-driver %O %A %B %P`

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
const ms = (value: number) => `${Math.round(value)} ms`
const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`

/** Wall time of `run()` in ms. */
function timed(run: () => void): number {
  const start = performance.now()
  run()
  return performance.now() - start
}

/** A folder holding base, left and right versions of one file (same suffix), as both case sets lay them out. */
interface Versions {
  base: string
  left: string
  right: string
}

/** Every case folder under `root` with its three version files. */
function versionFolders(root: string): Versions[] {
  const found: Versions[] = []
  const walk = (dir: string) => {
    const names = readdirSync(dir, { withFileTypes: true })
    const base = names.find((entry) => entry.isFile() && /^base(\.|$)/.test(entry.name))
    if (base) {
      const suffix = base.name.slice(4)
      const [left, right] = ['left', 'right'].map((side) => join(dir, side + suffix))
      if (existsSync(left) && existsSync(right)) found.push({ base: join(dir, base.name), left, right })
      return
    }
    for (const entry of names) if (entry.isDirectory()) walk(join(dir, entry.name))
  }
  walk(root)
  return found.sort((a, b) => a.base.localeCompare(b.base))
}

/** At most `limit` of `items` (0: all), spread evenly so every language keeps its share. */
function spread<T>(items: T[], limit: number): T[] {
  if (!limit || items.length <= limit) return items
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)])
}

const CPU_REPORT = fileURLToPath(new URL('lib/reportCpu.mjs', import.meta.url))

/** One `weft merge-file` process: exit status, wall time and CPU time (user + system, every thread), in ms. */
function mergeFileOnce(weft: string, { base, left, right }: Versions) {
  const start = performance.now()
  const child = spawnSync(process.execPath, ['--import', CPU_REPORT, weft, 'merge-file', base, left, right], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  })
  const wall = performance.now() - start
  const cpu = /weft-bench-cpu-us (\d+)\n?$/.exec(child.stderr)
  return { status: child.status, wall, cpu: cpu ? Number(cpu[1]) / 1000 : NaN }
}

/**
 * Times `weft merge-file` on each case, one process at a time; prints the distribution. With
 * `--baseline`, that build merges each file right after this one, so both meet the same load.
 */
function timeMergeFile(label: string, cases: Versions[]): void {
  const builds = [WEFT, ...(BASELINE ? [BASELINE] : [])]
  const runs = builds.map(() => ({
    wall: [] as number[],
    cpu: [] as number[],
    clean: 0,
    conflicts: 0,
    failed: 0,
  }))
  for (const versions of cases)
    builds.forEach((weft, i) => {
      const { status, wall, cpu } = mergeFileOnce(weft, versions)
      runs[i].wall.push(wall)
      runs[i].cpu.push(cpu)
      if (status === 0) runs[i].clean++
      else if (status === 1) runs[i].conflicts++
      else runs[i].failed++
    })
  builds.forEach((weft, i) => {
    const { wall, cpu, clean, conflicts, failed } = runs[i]
    const [times, cpus] = [wall, cpu].map((values) => [...values].sort((a, b) => a - b))
    const name = builds.length > 1 ? `${label} (${i === 0 ? 'this build' : `baseline ${weft}`})` : label
    console.log(
      `  ${name}: ${cases.length} files, median ${ms(percentile(times, 0.5))}, p95 ${ms(percentile(times, 0.95))}, max ${ms(times.at(-1)!)}; CPU per file median ${ms(percentile(cpus, 0.5))}, p95 ${ms(percentile(cpus, 0.95))}; ${clean} clean, ${conflicts} with conflicts${failed ? `, ${failed} FAILED` : ''}`,
    )
  })
}

/** Plain Node's start and exit, the floor under any per-file process: median wall and CPU time. */
function nodeFloor(): string {
  const runs = Array.from({ length: 9 }, () => {
    const start = performance.now()
    const child = spawnSync(process.execPath, ['--import', CPU_REPORT, '-e', '0'], { encoding: 'utf8' })
    return {
      wall: performance.now() - start,
      cpu: Number(/weft-bench-cpu-us (\d+)/.exec(child.stderr)?.[1]) / 1000,
    }
  })
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      0.5,
    )
  return `${ms(median(runs.map((run) => run.wall)))}, CPU ${ms(median(runs.map((run) => run.cpu)))}`
}

// --- git merges -------------------------------------------------------------------------------

/** `git` in `cwd` with no user or system configuration, so every run merges alike. */
function git(cwd: string, args: string[], config: string[] = []) {
  const result = spawnSync(
    'git',
    [
      '-c',
      'user.name=Bench',
      '-c',
      'user.email=bench@example.invalid',
      '-c',
      'advice.detachedHead=false',
      ...config.flatMap((entry) => ['-c', entry]),
      ...args,
    ],
    {
      cwd,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
    },
  )
  return { status: result.status, out: result.stdout }
}

interface MergeOutcome {
  ms: number
  /** Files left with conflicts. */
  conflicted: number
}

/**
 * Merges `theirs` into a fresh checkout of `ours` in `work`, once with git's own merge and once
 * with Weft as the driver for every file (`$GIT_DIR/info/attributes`, which outranks the tree's
 * .gitattributes, so the project's own attributes neither help nor get in the way).
 */
function mergeBothWays(work: string, ours: string, theirs: string): MergeRun {
  const base = git(work, ['merge-base', ours, theirs]).out.trim()
  const changed = (side: string) =>
    git(work, ['diff', '--name-only', '--no-renames', base, side]).out.split('\n').filter(Boolean)
  const theirsChanged = new Set(changed(theirs))
  const attributes = join(work, '.git/info/attributes')
  const once = (withWeft: boolean): MergeOutcome => {
    git(work, ['checkout', '-qf', '--detach', ours])
    git(work, ['clean', '-qfdx'])
    mkdirSync(dirname(attributes), { recursive: true })
    writeFileSync(attributes, withWeft ? '* merge=weft\n' : '')
    const config = withWeft ? [`merge.weft.driver=${DRIVER}`, 'merge.weft.name=Weft'] : []
    const time = timed(() => git(work, ['merge', '-q', '--no-edit', '--no-ff', theirs], config))
    const conflicted = git(work, ['diff', '--name-only', '--diff-filter=U']).out.split('\n').filter(Boolean)
    git(work, ['reset', '-q', '--hard'])
    return { ms: time, conflicted: conflicted.length }
  }
  return {
    bothChanged: changed(ours).filter((path) => theirsChanged.has(path)).length,
    git: once(false),
    weft: once(true),
  }
}

/** One merge both ways; `bothChanged` counts the files both sides changed (what git hands a driver). */
interface MergeRun {
  bothChanged: number
  git: MergeOutcome
  weft: MergeOutcome
}

interface ReplayCase {
  repository: string
  merge: string
  left: string
  right: string
  file: string
  versions: Versions
}

function replayCases(root: string): ReplayCase[] {
  if (!existsSync(root)) return []
  return versionFolders(root).flatMap((versions) => {
    const meta = join(dirname(versions.base), 'meta.json')
    if (!existsSync(meta)) return []
    return [{ ...(JSON.parse(readFileSync(meta, 'utf8')) as Omit<ReplayCase, 'versions'>), versions }]
  })
}

/** Cases grouped by the merge commit they come from, in first-seen order. */
function byMerge(cases: ReplayCase[]): ReplayCase[][] {
  const groups = new Map<string, ReplayCase[]>()
  for (const c of cases) {
    const key = `${c.repository} ${c.merge}`
    groups.set(key, [...(groups.get(key) ?? []), c])
  }
  return [...groups.values()]
}

function report(label: string, outcomes: MergeRun[]) {
  const merges = outcomes.length
  const files = outcomes.reduce((sum, o) => sum + o.bothChanged, 0)
  const total = (side: 'git' | 'weft') => outcomes.reduce((sum, o) => sum + o[side].ms, 0)
  const conflicted = (side: 'git' | 'weft') => outcomes.reduce((sum, o) => sum + o[side].conflicted, 0)
  const [gitMs, weftMs] = [total('git'), total('weft')]
  console.log(
    `  ${label}: ${merges} merges, ${files} files changed on both sides\n` +
      `    git's own merge: ${seconds(gitMs)} (${ms(gitMs / merges)} per merge), ${conflicted('git')} files left conflicted\n` +
      `    weft as driver:  ${seconds(weftMs)} (${ms(weftMs / merges)} per merge, ${ms((weftMs - gitMs) / files)} more per file), ${conflicted('weft')} files left conflicted`,
  )
}

/** Each replayed merge commit as a small repository: base, left and right commits of its files, then `git merge`. */
function rebuiltMerges(cases: ReplayCase[]): void {
  const groups = spread(byMerge(cases), Number(values.merges))
  const scratch = mkdtempSync(join(tmpdir(), 'weft-driver-bench-'))
  try {
    const outcomes = groups.map((group, index) => {
      const work = join(scratch, String(index))
      mkdirSync(work)
      git(work, ['init', '-q', '-b', 'base'])
      const commit = (side: keyof Versions, message: string) => {
        for (const c of group) {
          mkdirSync(dirname(join(work, c.file)), { recursive: true })
          writeFileSync(join(work, c.file), readFileSync(c.versions[side]))
        }
        git(work, ['add', '-A'])
        git(work, ['commit', '-qm', message])
      }
      commit('base', 'base')
      git(work, ['checkout', '-qb', 'left'])
      commit('left', 'left')
      git(work, ['checkout', '-qb', 'right', 'base'])
      commit('right', 'right')
      return mergeBothWays(work, 'left', 'right')
    })
    report('rebuilt from the replay cases', outcomes)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** The original merge commits of the replay cases from `gitDir`'s project, merged again in a clone of it. */
function originalMerges(gitDir: string, cases: ReplayCase[]): void {
  const scratch = mkdtempSync(join(tmpdir(), 'weft-driver-bench-'))
  try {
    const work = join(scratch, 'clone')
    git(scratch, ['clone', '-q', '--shared', '--no-checkout', gitDir, work])
    const groups = spread(
      byMerge(cases).filter(
        (group) => git(work, ['cat-file', '-e', `${group[0].merge}^{commit}`]).status === 0,
      ),
      Number(values.merges),
    )
    const outcomes = groups.map((group) => mergeBothWays(work, group[0].left, group[0].right))
    report(`original merge commits in a clone of ${cases[0].repository}`, outcomes)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

// --- run --------------------------------------------------------------------------------------

// Today's sources, unless --weft names another build's bin/weft.js (an earlier commit's, to compare).
if (!values.weft) await buildNode()
const limit = Number(values.files)
console.log(`weft merge-file, one process per file (plain node start: ${nodeFloor()})`)
if (existsSync(values.cases)) timeMergeFile('shared cases', spread(versionFolders(values.cases), limit))
else console.log(`  shared cases: ${values.cases} not found, skipped`)
const replay = replayCases(values.replay)
if (replay.length)
  timeMergeFile(
    'replay cases',
    spread(
      replay.map((c) => c.versions),
      limit,
    ),
  )
else console.log(`  replay cases: ${values.replay} not found, skipped`)

console.log('git merge with weft as merge driver (* merge=weft) against git alone')
if (replay.length) rebuiltMerges(replay)
if (values.git) {
  const name =
    values.repository ?? basename(values.git.replace(/\/(repo|\.git)\/?$/, '')).replace(/^.*\+/, '')
  const ofProject = replay.filter((c) => c.repository === name)
  if (ofProject.length) originalMerges(values.git, ofProject)
  else console.log(`  --git ${values.git}: no replay cases of "${name}" (set --repository NAME)`)
}
