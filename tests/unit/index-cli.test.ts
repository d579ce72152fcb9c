import '@automerge/automerge-repo'
import { readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src/cli/main.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { tempDir } from './helpers.ts'

const home = tempDir('weft-search-')

async function weft(args: string[], stdin = '') {
  let out = ''
  const errors: string[] = []
  const code = await run([...args, '--home', home], {
    out: (text) => {
      out += text
    },
    err: (line) => errors.push(line),
    stdin: async () => new TextEncoder().encode(stdin),
  })
  return { code, out, errors }
}

describe('weft search', () => {
  beforeAll(async () => {
    const profile = await Profile.open(home)
    const summary = profile.catalog.create('demo')
    const { ws } = await profile.open(summary)
    const branch = ws.handle.doc().defaultBranch
    const bytes = (text: string) => new TextEncoder().encode(text)
    await ws.importFiles(branch, [
      {
        path: 'src/config.ts',
        bytes: bytes('export function parseConfig(text: string) {\n  return JSON.parse(text)\n}\n'),
      },
      {
        path: 'src/app.ts',
        bytes: bytes("import { parseConfig } from './config.ts'\nexport const app = parseConfig('{}')\n"),
      },
      { path: 'README.md', bytes: bytes('# Demo\nCall parseConfig first.\n') },
    ])
    await profile.close()
  })

  it('prints ranked hits with their definition, like grep', async () => {
    const { code, out } = await weft(['search', 'parseConfig'])
    expect(code).toBe(0)
    const lines = out.trim().split('\n')
    expect(lines[0]).toBe(
      'src/config.ts:1  function parseConfig  export function parseConfig(text: string) {',
    )
    expect(lines.slice(1).sort()).toEqual([
      'README.md:2  section Demo  Call parseConfig first.',
      "src/app.ts:1  block  import { parseConfig } from './config.ts'",
      "src/app.ts:2  variable app  export const app = parseConfig('{}')",
    ])
  })

  it('lists symbols, substring hits and JSON, with filters', async () => {
    expect((await weft(['search', 'parse', '--symbols'])).out).toBe(
      'function parseConfig  src/config.ts:1-3\n',
    )
    const json = JSON.parse((await weft(['search', 'seConf', '--substring', '--path', 'src/', '--json'])).out)
    expect(json.map((h: { path: string; line: number }) => `${h.path}:${h.line}`)).toEqual([
      'src/app.ts:1',
      'src/app.ts:2',
      'src/config.ts:1',
    ])
    expect((await weft(['search', 'parseConfig', '--lang', 'markdown'])).out).toBe(
      'README.md:2  section Demo  Call parseConfig first.\n',
    )
  })

  it('keeps its index under the profile, re-indexing only what changed, and survives a damaged cache', async () => {
    await weft(['search', 'parseConfig'])
    const [cache] = readdirSync(join(home, 'index'))
    const file = join(home, 'index', cache)
    const saved = statSync(file).mtimeMs
    await weft(['search', 'parseConfig'])
    expect(statSync(file).mtimeMs).toBe(saved)

    expect((await weft(['write', 'src/extra.ts'], 'export function parseConfigAgain() {}\n')).code).toBe(0)
    expect((await weft(['search', 'parseConfigAgain', '--symbols'])).out).toBe(
      'function parseConfigAgain  src/extra.ts:1-1\n',
    )
    expect(statSync(file).mtimeMs).toBeGreaterThan(saved)

    writeFileSync(
      file,
      'not a database at all, just text that is long enough to look like a header'.repeat(100),
    )
    expect(await weft(['search', 'parseConfig', '--symbols'])).toMatchObject({
      code: 0,
      out: expect.stringContaining('function parseConfig  src/config.ts:1-3'),
    })
  })

  it('refuses bad input with a reason and exit code 2', async () => {
    expect(await weft(['search'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('say what to search for')],
    })
    expect(await weft(['search', 'x', '--kind', 'funtion'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('no kind "funtion"; kinds are function, method')],
    })
    expect(await weft(['search', 'x', '--limit', 'lots'])).toMatchObject({ code: 2 })
    expect(await weft(['search', 'x', '--branch', 'nope'])).toMatchObject({
      code: 2,
      errors: ['weft search: No branch "nope"; see `weft branch`.'],
    })
    expect((await weft(['search', '--help'])).out).toContain('Usage: weft search QUERY')
  })
})

describe('weft search across branches and by meaning', () => {
  const home2 = tempDir('weft-search-branches-')
  async function weft2(args: string[], stdin = '') {
    let out = ''
    const errors: string[] = []
    const code = await run([...args, '--home', home2], {
      out: (text) => {
        out += text
      },
      err: (line) => errors.push(line),
      stdin: async () => new TextEncoder().encode(stdin),
    })
    return { code, out, errors }
  }

  beforeAll(async () => {
    const profile = await Profile.open(home2)
    profile.catalog.create('demo')
    await profile.close()
    const config = 'export function parseConfig(text: string) {\n  return JSON.parse(text)\n}\n'
    const colors = 'export const palette = { red: "#f00", green: "#0f0", blue: "#00f" }\n'
    for (const [path, text] of [
      ['src/config.ts', config],
      ['src/colors.ts', colors],
    ])
      expect((await weft2(['write', path], text)).code).toBe(0)
    expect((await weft2(['commit', '-m', 'config and colors'])).code).toBe(0)
    expect((await weft2(['branch', 'create', 'retry-work'])).code).toBe(0)
    expect((await weft2(['branch', 'switch', 'retry-work'])).code).toBe(0)
    // Says "backoff" and "attempt", never "retry", "failed" or "request".
    const send = [
      'export async function sendWithBackoff(send: () => Promise<void>) {',
      '  for (let attempt = 0; attempt < 5; attempt++) {',
      '    try {',
      '      return await send()',
      '    } catch {',
      '      await sleep(2 ** attempt * 100)',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n')
    expect((await weft2(['write', 'src/send.ts'], send)).code).toBe(0)
  })

  it('searches one branch, several or all, and says which branches hold each hit', async () => {
    expect((await weft2(['search', 'parseConfig'])).out).toBe(
      'src/config.ts:1  function parseConfig  export function parseConfig(text: string) {\n',
    )
    expect((await weft2(['search', 'parseConfig OR sendWithBackoff', '--all-branches'])).out).toBe(
      'src/config.ts:1  function parseConfig  export function parseConfig(text: string) {  [main, retry-work]\n' +
        'src/send.ts:1  function sendWithBackoff  export async function sendWithBackoff(send: () => Promise<void>) {  [retry-work]\n',
    )
    expect((await weft2(['search', 'sendWithBackoff', '--branch', 'main'])).out).toBe('')
    const json = JSON.parse(
      (await weft2(['search', 'parse', '--branch', 'main', '--branch', 'retry-work', '--json'])).out,
    )
    expect(json.map((h: { path: string; branches: string[] }) => [h.path, h.branches])).toEqual([
      ['src/config.ts', ['main', 'retry-work']],
    ])
  })

  it('answers a question by meaning where word search finds nothing (--semantic)', async () => {
    const question = 'where do we retry a failed request'
    expect((await weft2(['search', question, '--all-branches'])).out).toBe('')
    const { code, out } = await weft2(['search', question, '--semantic', '--all-branches'])
    expect(code).toBe(0)
    expect(out.split('\n')[0]).toMatch(/^src\/send\.ts:1 {2}function sendWithBackoff .* {2}\[retry-work\]$/)
  })

  it('refuses --semantic with --symbols, and --branch with --all-branches', async () => {
    expect(await weft2(['search', 'x', '--semantic', '--symbols'])).toMatchObject({
      code: 2,
      errors: [expect.stringContaining('--semantic ranks words by meaning')],
    })
    expect(await weft2(['search', 'x', '--branch', 'main', '--all-branches'])).toMatchObject({
      code: 2,
      errors: ['weft search: say --branch or --all-branches, not both.'],
    })
  })
})
