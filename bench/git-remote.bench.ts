/**
 * git against Weft through `git-remote-weft`: a real history (the test fixture's bundle, or
 * `--git DIR` cut at `--commits N` first-parent commits) imported into a profile shared with a relay
 * process on loopback, cloned with `git clone weft::NAME`, then rounds of one commit each way: a
 * commit made in git sent with `git push`, and a commit made in Weft brought with `git fetch`.
 * Prints the clone time and each round's push and fetch wall time (each a whole git command: the
 * helper's process start, profile open, relay connection, ids, objects, upload).
 *
 *   npm run bench:git-remote -- [--git DIR] [--ref main] [--commits N] [--rounds 5]
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { buildNode } from '../build/nodeBuild.ts'
import { run } from '../src/cli/main.ts'

const { values } = parseArgs({
  options: {
    git: { type: 'string' },
    ref: { type: 'string', default: 'HEAD' },
    commits: { type: 'string' },
    rounds: { type: 'string', default: '5' },
  },
})
const ROOT = fileURLToPath(new URL('..', import.meta.url))
// The helper (and the relay) run the Node build: made from the current sources first.
await buildNode()
const work = mkdtempSync(join(tmpdir(), 'weft-git-remote-bench-'))
// Removed at exit: automerge-repo's throttled writes may still land after the last command.
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
const home = join(work, 'home')
const bin = join(work, 'bin')
execFileSync('mkdir', ['-p', bin])
symlinkSync(join(ROOT, 'bin/git-remote-weft.js'), join(bin, 'git-remote-weft'))
const ENV = {
  ...process.env,
  PATH: `${bin}:${process.env.PATH}`,
  WEFT_HOME: home,
  GIT_AUTHOR_NAME: 'Bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'Bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1',
}
const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { env: ENV, encoding: 'utf8', maxBuffer: 1 << 30 }).trim()

async function weft(args: string[], stdin = ''): Promise<string> {
  let out = ''
  const errors: string[] = []
  const code = await run([...args, '--home', home], {
    out: (text) => (out += text),
    err: (line) => errors.push(line),
    stdin: async () => new TextEncoder().encode(stdin),
  })
  if (code !== 0) throw new Error(`weft ${args.join(' ')}: ${errors.join('\n')}`)
  return out
}

/** Milliseconds `body` takes. */
const timed = (body: () => void): number => {
  const start = performance.now()
  body()
  return performance.now() - start
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const ms = (n: number) => `${Math.round(n)} ms`

const relay = spawn(
  process.execPath,
  [join(ROOT, 'bin/weft.js'), 'relay', '--port', '0', '--data', join(work, 'relay')],
  { stdio: ['ignore', 'pipe', 'inherit'] },
)
try {
  const relayUrl = await new Promise<string>((resolve, reject) => {
    let seen = ''
    relay.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const found = /Weft relay on (http:\/\/\S+)/.exec(seen)
      if (found) resolve(found[1])
    })
    relay.on('exit', () => reject(new Error(`the relay exited: ${seen}`)))
  })

  // The source: the fixture's real history, or a cut of --git's.
  const source = join(work, 'source.git')
  if (values.git) {
    const line = git(values.git, 'rev-list', '--first-parent', '--reverse', values.ref).split('\n')
    const cut = values.commits ? line[Math.min(Number(values.commits), line.length) - 1] : line.at(-1)!
    git(work, 'init', '--quiet', '--bare', source)
    git(source, 'fetch', '--quiet', '--no-tags', values.git, `${cut}:refs/heads/main`)
    git(source, 'symbolic-ref', 'HEAD', 'refs/heads/main')
  } else
    execFileSync(
      'git',
      ['clone', '--quiet', '--mirror', join(ROOT, 'tests/unit/fixtures/git/balanced-match.bundle'), source],
      { env: ENV },
    )
  const commits = git(source, 'rev-list', '--count', '--all')
  const files = git(source, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').length
  console.log(`source: ${commits} commits, ${files} files at the head`)
  console.log(
    `load average before: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  )

  await weft(['relay', 'add', relayUrl, '--own'])
  await weft(['import-git', source, '--name', 'bench'])
  const clone = join(work, 'clone')
  const cloneMs = timed(() => git(work, 'clone', '--quiet', 'weft::bench', clone))
  console.log(`git clone weft::bench: ${ms(cloneMs)}`)

  const pushes: number[] = []
  const fetches: number[] = []
  for (let round = 0; round < Number(values.rounds); round++) {
    writeFileSync(join(clone, `from-git-${round}.txt`), `round ${round}\n`)
    git(clone, 'add', '.')
    git(clone, 'commit', '--quiet', '-m', `From git ${round}`)
    pushes.push(timed(() => git(clone, 'push', '--quiet', 'origin', 'HEAD')))
    await weft(['write', `from-weft-${round}.txt`, '--repo', 'bench'], `round ${round}\n`)
    await weft(['commit', '-m', `From Weft ${round}`, '--repo', 'bench'])
    fetches.push(timed(() => git(clone, 'fetch', '--quiet')))
    git(clone, 'merge', '--quiet', '--ff-only', '@{upstream}')
    if (git(clone, 'log', '-1', '--format=%s') !== `From Weft ${round}`)
      throw new Error(`round ${round}: the Weft commit did not arrive`)
  }
  console.log(`git push of one commit: median ${ms(median(pushes))} (${pushes.map(ms).join(', ')})`)
  console.log(`git fetch of one commit: median ${ms(median(fetches))} (${fetches.map(ms).join(', ')})`)
  console.log(
    `load average after: ${loadavg()
      .map((n) => n.toFixed(1))
      .join(' ')}`,
  )
} finally {
  relay.kill()
}
