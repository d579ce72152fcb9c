import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { AgentReport } from '../../src/repo/agents.ts'
import { parseLanding, readLandings } from '../../src/repo/landings.ts'
import type { RepositoryDoc } from '../../src/model/types.ts'
import { scalar } from '../../src/model/scalar.ts'
import { weft } from './cliHarness.ts'
import { tempDir } from './helpers.ts'

const CART = `export function total(items: number[]): number {
  return items.reduce((sum, item) => sum + item, 0)
}

export function count(items: number[]): number {
  return items.length
}
`

describe('weft agent: agents on their own branches that see each other', () => {
  it('starts agents with checkouts and predicts which of them would conflict, and where', async () => {
    const home = tempDir('weft-agent-')
    await weft(home, ['init', 'shop'])
    await weft(home, ['write', 'cart.ts'], CART)
    await weft(home, ['commit', '-m', 'cart'])

    const dir = join(tempDir('weft-agent-dir-'), 'alice')
    const started = await weft(home, ['agent', 'start', 'alice', '--dir', dir, '--json'])
    expect(started).toMatchObject({ code: 0, errors: [] })
    expect(JSON.parse(started.out)).toMatchObject({ branch: 'agent/alice', created: true, dir })
    expect(readFileSync(join(dir, 'cart.ts'), 'utf8')).toBe(CART)
    for (const name of ['bob', 'carol'])
      expect(await weft(home, ['agent', 'start', name])).toMatchObject({ code: 0 })
    // Starting again continues on the same branch.
    expect(JSON.parse((await weft(home, ['agent', 'start', 'bob', '--json'])).out)).toMatchObject({
      created: false,
    })

    // Alice works in her folder; bob and carol write to their branches.
    writeFileSync(join(dir, 'cart.ts'), CART.replace('sum + item, 0', 'sum + item * 2, 0'))
    expect((await weft(home, ['sync', dir])).code).toBe(0)
    expect((await weft(home, ['commit', '-m', 'double', '--branch', 'agent/alice'])).code).toBe(0)
    await weft(
      home,
      ['write', 'cart.ts', '--branch', 'agent/bob'],
      CART.replace('sum + item, 0', 'sum - item, 0'),
    )
    await weft(home, ['commit', '-m', 'negate', '--branch', 'agent/bob'])
    await weft(
      home,
      ['write', 'cart.ts', '--branch', 'agent/carol'],
      CART.replace('items.length', 'items.length + 0'),
    )
    await weft(home, ['commit', '-m', 'count', '--branch', 'agent/carol'])

    const status = await weft(home, ['agent', 'status', '--json'])
    expect(status).toMatchObject({ code: 0, errors: [] })
    const report = JSON.parse(status.out) as AgentReport
    expect(report.target).toBe('main')
    const by = Object.fromEntries(report.agents.map((a) => [a.name, a]))
    expect(Object.keys(by)).toEqual(['alice', 'bob', 'carol'])
    expect(by.alice).toMatchObject({ ahead: 1, behind: 0, target: [] })
    expect(by.alice.conflicts).toEqual([
      { branch: 'agent/bob', files: [{ path: 'cart.ts', places: [expect.stringContaining('total')] }] },
    ])
    expect(by.bob.conflicts.map((c) => c.branch)).toEqual(['agent/alice'])
    expect(by.carol.conflicts).toEqual([])
    const plain = await weft(home, ['agent', 'status'])
    expect(plain.out).toContain('agent/alice  +1 −0 against main')
    expect(plain.out).toMatch(/would conflict with agent\/bob: cart\.ts › .*total/)

    // Once alice lands, bob is behind and conflicts with the target itself.
    const landed = await weft(home, [
      'land',
      'agent/alice',
      'agent/carol',
      '--check',
      'test -f cart.ts',
      '--json',
    ])
    expect(JSON.parse(landed.out)).toMatchObject({ verdict: 'landed' })
    const after = JSON.parse((await weft(home, ['agent', 'status', '--json'])).out) as AgentReport
    const bob = after.agents.find((a) => a.name === 'bob')!
    expect(bob).toMatchObject({ behind: 3, target: [{ path: 'cart.ts' }] })
    expect(existsSync(join(dir, '.weft'))).toBe(true)
  })

  it('reads landing records from a hostile document without trusting them', () => {
    const good = {
      by: 'me',
      started: 1,
      durationMs: 2,
      target: 'main',
      base: null,
      branches: [{ name: 'a', head: 'h' }],
      check: 'true',
      verdict: 'landed',
      landed: ['a'],
      culprits: [],
      conflicts: [{ branch: 'b', files: [{ path: 'x.ts', places: ['function f'] }] }],
      checks: 1,
      exitCode: 0,
      output: 'x'.repeat(10_000),
      head: 'h2',
    }
    expect(parseLanding('id', JSON.stringify(good))).toMatchObject({
      verdict: 'landed',
      output: 'x'.repeat(4000),
    })
    for (const bad of [
      '{',
      '[]',
      'null',
      JSON.stringify({ ...good, verdict: 'merged' }),
      JSON.stringify({ ...good, landed: [1] }),
      JSON.stringify({ ...good, branches: [{ head: 'h' }] }),
      JSON.stringify({ ...good, conflicts: [{ branch: 'b', files: [{ path: 3, places: [] }] }] }),
      JSON.stringify({ ...good, started: 'yesterday' }),
      JSON.stringify({ ...good, head: 5 }),
    ])
      expect(parseLanding('id', bad)).toBeNull()
    const doc = {
      landings: { a: scalar(JSON.stringify(good)), b: scalar('{'), c: 7, d: 'not json' },
    } as unknown as RepositoryDoc
    expect(readLandings(doc).map((a) => a.id)).toEqual(['a'])
    expect(readLandings({ landings: 'x' } as unknown as RepositoryDoc)).toEqual([])
  })
})
