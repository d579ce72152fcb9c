import { Repo } from '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { land, localCheck, type CheckRunner } from '../../src/cli/landing.ts'
import { lineFileMerger } from '../../src/merge/fileMerger.ts'
import { planLanding, treeOf, type LandingCandidate } from '../../src/repo/landing.ts'
import { readLandings } from '../../src/repo/landings.ts'
import { VersionControl } from '../../src/repo/VersionControl.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { decodeText } from '../../src/model/content.ts'
import { weft } from './cliHarness.ts'
import { tempDir } from './helpers.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

/** A repository whose main has `files`, and a branch per entry of `branches` writing its files on top. */
async function repository(files: Record<string, string>, branches: Record<string, Record<string, string>>) {
  const ws = Workspace.create(new Repo({ network: [] }), 'demo')
  const vc = new VersionControl(ws)
  const main = ws.branches()[0].id
  const write = (branch: string, set: Record<string, string>) =>
    ws.importFiles(
      branch,
      Object.entries(set).map(([path, text]) => ({ path, bytes: bytes(text) })),
    )
  await write(main, files)
  await vc.commit(main, 'start', 'me')
  for (const [name, set] of Object.entries(branches)) {
    const id = vc.createBranch(name, ws.handle.doc().branches[main].head)
    await write(id, set)
    await vc.commit(id, `work on ${name}`, name)
  }
  return { ws, vc, main }
}

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      )

const fileText = async (ws: Workspace, branch: string, path: string) => {
  const entry = ws.entries(branch).find((e) => e.path === path)
  return entry ? decodeText(await ws.readBytes(branch, entry.id)) : null
}

/** The check as a plain shell command over the merged files: fails when any file says BROKEN. */
const NOT_BROKEN = '! grep -rq BROKEN .'

describe('weft land: verified landing of several branches', () => {
  it('merges in one order whatever order the branches are named in', async () => {
    const base = 'one\ntwo\nthree\nfour\nfive\nsix\n'
    const { ws, main } = await repository(
      { 'list.txt': base },
      {
        a: { 'list.txt': base.replace('one', 'ONE'), 'a.txt': 'a\n' },
        b: { 'list.txt': base.replace('three', 'THREE') },
        c: { 'list.txt': base.replace('six', 'SIX'), 'c.txt': 'c\n' },
      },
    )
    const doc = ws.handle.doc()
    const candidates: LandingCandidate[] = ws
      .branches()
      .filter((b) => b.id !== main)
      .map((b) => ({ branch: b.id, name: b.name, head: doc.branches[b.id].head }))
    const trees = new Set<string>()
    for (const order of permutations(candidates)) {
      const plan = await planLanding({
        commits: doc.commits,
        target: doc.branches[main].head,
        candidates: order,
        readText: async (blob) => decodeText(await ws.blobs.read(blob)),
        mergeFile: lineFileMerger,
      })
      expect(plan.conflicts).toEqual([])
      expect(plan.steps.map((s) => s.candidate.name)).toEqual(['a', 'b', 'c'])
      trees.add(JSON.stringify(treeOf(plan.snapshot)))
    }
    expect(trees.size).toBe(1)
  })

  it('advances the target only when the check passes, and records every attempt', async () => {
    const { ws, vc, main } = await repository(
      { 'README.md': 'hello\n' },
      { a: { 'a.txt': 'a\n' }, b: { 'b.txt': 'b\n' } },
    )
    const before = ws.handle.doc().branches[main].head
    const output: string[] = []
    const failed = await land(ws, vc, {
      target: main,
      branches: ['b', 'a'],
      check: 'test -f a.txt && test -f c.txt',
      author: 'lander',
      mergeFile: lineFileMerger,
      runCheck: localCheck(10_000),
    })
    expect(failed.verdict).toBe('target-fails')
    expect(ws.handle.doc().branches[main].head).toBe(before)

    const passed = await land(ws, vc, {
      target: main,
      branches: ['b', 'a'],
      check: 'test -f a.txt && test -f b.txt && echo checked-ok',
      author: 'lander',
      mergeFile: lineFileMerger,
      onOutput: (text) => output.push(text),
    })
    expect(passed).toMatchObject({
      verdict: 'landed',
      landed: ['a', 'b'],
      culprits: [],
      checks: 1,
      exitCode: 0,
    })
    expect(passed.output).toContain('checked-ok')
    expect(output.join('')).toContain('checked-ok')
    const head = ws.handle.doc().branches[main].head
    expect(head).toBe(passed.head)
    expect(vc.log(main).map((c) => c.message)).toContain('Land b into main')
    expect(await fileText(ws, main, 'a.txt')).toBe('a\n')
    expect(await fileText(ws, main, 'b.txt')).toBe('b\n')
    expect(readLandings(ws.handle.doc()).map((a) => [a.verdict, a.by])).toEqual([
      ['landed', 'lander'],
      ['target-fails', 'lander'],
    ])
  })

  it('names the branches that break the check, and --partial lands the largest passing set', async () => {
    const branches: Record<string, Record<string, string>> = {}
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) branches[name] = { [`${name}.txt`]: `${name}\n` }
    branches.c = { 'c.txt': 'BROKEN\n' }
    branches.f = { 'f.txt': 'BROKEN too\n' }
    const { ws, vc, main } = await repository({ 'README.md': 'hello\n' }, branches)
    const before = ws.handle.doc().branches[main].head
    const request = {
      target: main,
      branches: ['f', 'e', 'd', 'c', 'b', 'a'],
      check: NOT_BROKEN,
      author: 'lander',
      mergeFile: lineFileMerger,
    }
    const failed = await land(ws, vc, request)
    expect(failed).toMatchObject({ verdict: 'failed', culprits: ['c', 'f'], landed: [] })
    expect(ws.handle.doc().branches[main].head).toBe(before)

    const partial = await land(ws, vc, { ...request, partial: true })
    expect(partial).toMatchObject({ verdict: 'partial', culprits: ['c', 'f'], landed: ['a', 'b', 'd', 'e'] })
    expect(
      ws
        .entries(main)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['README.md', 'a.txt', 'b.txt', 'd.txt', 'e.txt'])
  })

  it('counts a branch that conflicts as not landable, naming its files', async () => {
    const { ws, vc, main } = await repository(
      { 'shared.txt': 'x\n' },
      { a: { 'shared.txt': 'from a\n' }, b: { 'shared.txt': 'from b\n' }, c: { 'c.txt': 'c\n' } },
    )
    const request = {
      target: main,
      branches: ['a', 'b', 'c'],
      check: 'true',
      author: 'me',
      mergeFile: lineFileMerger,
    }
    const refused = await land(ws, vc, request)
    expect(refused).toMatchObject({
      verdict: 'conflicts',
      checks: 0,
      conflicts: [{ branch: 'b', files: [{ path: 'shared.txt' }] }],
    })
    const partial = await land(ws, vc, { ...request, partial: true })
    expect(partial).toMatchObject({ verdict: 'partial', landed: ['a', 'c'] })
    expect(await fileText(ws, main, 'shared.txt')).toBe('from a\n')
  })

  it('does not overwrite a target that moved while the check ran', async () => {
    const { ws, vc, main } = await repository({ 'README.md': 'hello\n' }, { a: { 'a.txt': 'a\n' } })
    // Someone commits to main while the check runs.
    const meanwhile: CheckRunner = async () => {
      await ws.importFiles(main, [{ path: 'other.txt', bytes: bytes('other\n') }])
      await vc.commit(main, 'meanwhile', 'someone')
      return 0
    }
    const attempt = await land(ws, vc, {
      target: main,
      branches: ['a'],
      check: 'true',
      author: 'me',
      mergeFile: lineFileMerger,
      runCheck: meanwhile,
    })
    expect(attempt.verdict).toBe('moved')
    expect(vc.log(main)[0].message).toBe('meanwhile')
    expect(
      ws
        .entries(main)
        .map((e) => e.path)
        .sort(),
    ).toEqual(['README.md', 'other.txt'])
  })

  it('lands from the command line and prints the attempt', async () => {
    const home = tempDir('weft-land-')
    expect(await weft(home, ['init', 'demo'])).toMatchObject({ code: 0 })
    await weft(home, ['write', 'README.md'], 'hello\n')
    await weft(home, ['commit', '-m', 'start'])
    for (const name of ['x', 'y']) {
      expect(await weft(home, ['branch', 'create', name, '--branch', 'main'])).toMatchObject({ code: 0 })
    }
    await weft(home, ['write', 'x.txt', '--branch', 'x'], 'x\n')
    await weft(home, ['commit', '-m', 'x', '--branch', 'x'])
    await weft(home, ['write', 'y.txt', '--branch', 'y'], 'BROKEN\n')
    await weft(home, ['commit', '-m', 'y', '--branch', 'y'])
    expect(await weft(home, ['land', 'x', 'y', '--into', 'main'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('--check')],
    })
    const failed = await weft(home, ['land', 'y', 'x', '--into', 'main', '--check', NOT_BROKEN])
    expect(failed.code).toBe(1)
    expect(failed.out).toContain('breaks the check: y')
    const landed = await weft(home, [
      'land',
      'y',
      'x',
      '--into',
      'main',
      '--check',
      NOT_BROKEN,
      '--partial',
      '--json',
    ])
    expect(landed.code).toBe(1)
    expect(JSON.parse(landed.out)).toMatchObject({ verdict: 'partial', landed: ['x'], culprits: ['y'] })
    expect((await weft(home, ['ls', '--branch', 'main'])).out.split('\n')).toContain('x.txt')
    const history = JSON.parse((await weft(home, ['landings', '--json'])).out) as { verdict: string }[]
    expect(history.map((a) => a.verdict)).toEqual(['partial', 'failed'])
  })
})
