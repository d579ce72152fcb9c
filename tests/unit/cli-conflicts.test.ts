import { spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../relay/server.ts'
import { tempDir } from './helpers.ts'
import { weft as inProcess } from './cliHarness.ts'

const WEFT = fileURLToPath(new URL('../../bin/weft.js', import.meta.url))

/** `node bin/weft.js ARGS --home HOME` as its own process (the built CLI), stdin as given. */
function weftProcess(
  home: string,
  args: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WEFT, ...args, '--home', home], {
      env: { ...process.env, WEFT_AUTHOR: undefined, WEFT_HOME: undefined },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }))
    child.stdin.end(stdin)
  })
}

/** `weft ARGS` in this process (as the other CLI tests run it: a process costs a second on a busy machine). */
async function weft(home: string, args: string[], stdin = '') {
  const { code, out, errors } = await inProcess(home, args, stdin)
  return { code, out, err: errors.join('\n') }
}

const BASE = 'export function total() {\n  return 1\n}\n\nexport function tax() {\n  return 2\n}\n'

describe('weft merge --keep-conflicts, conflicts, resolve and commit: two profiles through a relay', () => {
  let relay: Relay
  const ada = tempDir('weft-conflicts-ada-')
  const bob = tempDir('weft-conflicts-bob-')

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
  })

  afterAll(async () => {
    await relay.close()
  })

  it('records a conflicted merge, syncs it to a peer that settles it, and the commit completes the merge', async () => {
    const as = (name: string) => ['--author', name]
    expect((await weft(ada, ['relay', 'add', relay.url, '--own'])).code).toBe(0)
    const created = await weft(ada, ['init', 'shop', '--json'])
    expect(created).toMatchObject({ code: 0 })
    const { share } = JSON.parse(created.out) as { share: { link: string } }
    expect((await weft(ada, ['write', 'cart.ts', ...as('ada')], BASE)).code).toBe(0)
    expect((await weft(ada, ['commit', '-m', 'base', ...as('ada')])).code).toBe(0)
    expect((await weft(ada, ['branch', 'create', 'feature'])).code).toBe(0)
    await weft(
      ada,
      ['write', 'cart.ts', ...as('ada')],
      BASE.replace('return 1', 'return 10').replace('return 2', 'return 20'),
    )
    await weft(ada, ['commit', '-m', 'feature', ...as('ada')])
    await weft(ada, ['branch', 'switch', 'main'])
    await weft(
      ada,
      ['write', 'cart.ts', ...as('ada')],
      BASE.replace('return 1', 'return 100').replace('return 2', 'return 200'),
    )
    await weft(ada, ['commit', '-m', 'main', ...as('ada')])

    // Without the flag nothing is written; with it the merge is recorded, exit 1 saying so.
    const refused = await weft(ada, ['merge', 'feature', ...as('ada')])
    expect(refused).toMatchObject({ code: 1, out: expect.stringContaining('--keep-conflicts') })
    // As its own process: the exit code is the one a script sees.
    const kept = await weftProcess(ada, ['merge', 'feature', '--keep-conflicts', ...as('ada')])
    expect(kept.code).toBe(1)
    expect(kept.out).toMatch(/Merged as [0-9a-f]{8} with 1 conflicted file\(s\) recorded \(cart\.ts\)/)
    expect((await weft(ada, ['cat', 'cart.ts'])).out).toBe(
      BASE.replace('return 1', 'return 100').replace('return 2', 'return 200'),
    )
    const listed = await weft(ada, ['conflicts'])
    expect(listed.code).toBe(1)
    expect(listed.out).toContain('cart.ts  content')
    expect(listed.out).toMatch(/ 1 {2}line 2 {2}function_declaration total|1 {2}line 2 .*total/)

    // Another profile clones the repository: the conflicts came with it, and its checkout shows markers.
    expect((await weft(bob, ['clone', share.link, '--add-relay'])).code).toBe(0)
    const seen = JSON.parse((await weft(bob, ['conflicts', '--json'])).out) as {
      path: string
      regions: { line: number; ours: string; theirs: string; base: string; place?: string }[]
    }[]
    expect(seen.map((c) => c.path)).toEqual(['cart.ts'])
    expect(seen[0].regions.map((r) => [r.ours.trim(), r.theirs.trim(), r.base.trim()])).toEqual([
      ['return 100', 'return 10', 'return 1'],
      ['return 200', 'return 20', 'return 2'],
    ])
    expect(seen[0].regions.map((r) => r.place)).toEqual([
      expect.stringContaining('total'),
      expect.stringContaining('tax'),
    ])
    const dir = join(tempDir('weft-conflicts-dir-'), 'work')
    expect((await weft(bob, ['checkout', dir])).code).toBe(0)
    const marked = readFileSync(join(dir, 'cart.ts'), 'utf8')
    expect(marked).toContain(
      '<<<<<<< ours\n  return 100\n||||||| base\n  return 1\n=======\n  return 10\n>>>>>>> theirs\n',
    )

    // Committing before settling is refused, naming the file; bad resolve requests are refused too.
    expect(await weft(bob, ['commit', '-m', 'early', ...as('bob')])).toMatchObject({
      code: 2,
      err: expect.stringMatching(/Conflicts are not settled in cart\.ts/),
    })
    expect(await weft(bob, ['resolve', 'cart.ts', '--ours', '--theirs'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('exactly one of'),
    })
    expect(await weft(bob, ['resolve', 'cart.ts', '--ours', '--region', '9'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('has no conflict region 9; it has 2'),
    })

    // One region from the command line, the other settled in the folder and synced back.
    expect((await weft(bob, ['resolve', 'cart.ts', '--theirs', '--region', '1', ...as('bob')])).code).toBe(0)
    expect((await weft(bob, ['sync', dir])).code).toBe(0)
    const half = readFileSync(join(dir, 'cart.ts'), 'utf8')
    expect(half).toContain('  return 10\n')
    expect(half).toContain('<<<<<<< ours\n  return 200\n')
    writeFileSync(join(dir, 'cart.ts'), half.replace(/<<<<<<< ours\n[^]*>>>>>>> theirs\n/, '  return 220\n'))
    const synced = await weft(bob, ['sync', dir, ...as('bob')])
    expect(synced).toMatchObject({ code: 0, out: expect.stringContaining('~ cart.ts') })
    expect((await weft(bob, ['conflicts'])).out).toContain('All settled')

    const committed = await weft(bob, ['commit', ...as('bob')])
    expect(committed).toMatchObject({ code: 0, out: expect.stringMatching(/^Committed [0-9a-f]{8}/) })

    // Back on the first profile: the merge has two parents, the settling commit follows, nothing is left.
    await expect
      .poll(async () => (await weft(ada, ['conflicts'])).out, { timeout: 15_000 })
      .toContain('No conflicts recorded')
    const log = JSON.parse((await weft(ada, ['log', '--json'])).out) as {
      message: string
      parents: string[]
    }[]
    expect(log.slice(0, 2).map((e) => [e.message, e.parents.length])).toEqual([
      ['Settle the conflicts of "Merge feature into main"', 1],
      ['Merge feature into main', 2],
    ])
    expect((await weft(ada, ['cat', 'cart.ts'])).out).toBe(
      BASE.replace('return 1', 'return 10').replace('return 2', 'return 220'),
    )
    expect((await weft(ada, ['merge', 'feature'])).out).toContain('Already up to date')
  })

  it('a conflicted file left with markers in a synced folder is refused, not sent', async () => {
    const home = tempDir('weft-conflicts-solo-')
    await weft(home, ['init', 'solo'])
    await weft(home, ['write', 'a.txt'], 'a\n')
    await weft(home, ['commit', '-m', 'base'])
    await weft(home, ['branch', 'create', 'other'])
    await weft(home, ['write', 'a.txt'], 'other\n')
    await weft(home, ['commit', '-m', 'other'])
    await weft(home, ['branch', 'switch', 'main'])
    await weft(home, ['write', 'a.txt'], 'main\n')
    await weft(home, ['commit', '-m', 'main'])
    expect((await weft(home, ['merge', 'other', '--keep-conflicts'])).code).toBe(1)
    const dir = join(tempDir('weft-conflicts-dir-'), 'work')
    await weft(home, ['checkout', dir])
    writeFileSync(join(dir, 'a.txt'), readFileSync(join(dir, 'a.txt'), 'utf8').replace('main\n', 'main!\n'))
    const sync = await weft(home, ['sync', dir])
    expect(sync.out).toContain('✗ a.txt: still has conflict markers')
    expect((await weft(home, ['cat', 'a.txt'])).out).toBe('main\n')
    expect((await weft(home, ['conflicts'])).code).toBe(1)
  })
})
