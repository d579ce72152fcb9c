import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from './helpers.ts'

const WEFT = fileURLToPath(new URL('../../bin/weft.js', import.meta.url))
const MODULE_LOG = fileURLToPath(new URL('fixtures/moduleLog/register.mjs', import.meta.url))

/** Runs `node bin/weft.js ARGS` (the built CLI, as git runs it); returns its exit code and every module it imported. */
function weftModules(args: string[]) {
  const log = join(tempDir('weft-modules-'), 'modules.txt')
  writeFileSync(log, '')
  const result = spawnSync(process.execPath, ['--import', MODULE_LOG, WEFT, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MODULE_LOG: log },
  })
  return { code: result.status, out: result.stdout, modules: readFileSync(log, 'utf8').split('\n') }
}

function versions(extension: string, base: string, left: string, right: string): string[] {
  const dir = tempDir('weft-loads-')
  return Object.entries({ base, left, right }).map(([name, text]) => {
    writeFileSync(join(dir, name + extension), text)
    return join(dir, name + extension)
  })
}

// What only the commands that open repositories, search or run need; a merge driver runs once per
// file, so each of these would be paid for every file of a git merge.
const NOT_FOR_MERGING = ['/@automerge/', '/ws/', '/wa-sqlite/']

describe('the built CLI loads only what a command uses', () => {
  const base = 'export function a() {\n  return 1\n}\n'
  const left = `${base}\nexport function b() {\n  return 2\n}\n`
  const right = `${base}\nexport function c() {\n  return 3\n}\n`

  it('merge-file merges with tree-sitter and never imports Automerge, WebSockets or SQLite', () => {
    const { code, out, modules } = weftModules(['merge-file', ...versions('.ts', base, left, right)])
    expect(code).toBe(0)
    expect(out).toContain('function b()')
    expect(out).toContain('function c()')
    expect(modules.some((url) => url.includes('/web-tree-sitter/'))).toBe(true)
    expect(modules.filter((url) => NOT_FOR_MERGING.some((part) => url.includes(part)))).toEqual([])
  })

  it('merge-driver does not either', () => {
    const [o, a, b] = versions('.ts', base, left, right)
    const { code, modules } = weftModules(['merge-driver', o, a, b, 'src/lib.ts'])
    expect(code).toBe(0)
    expect(readFileSync(a, 'utf8')).toContain('function c()')
    expect(modules.some((url) => url.includes('/web-tree-sitter/'))).toBe(true)
    expect(modules.filter((url) => NOT_FOR_MERGING.some((part) => url.includes(part)))).toEqual([])
  })

  it('a command that opens repositories still loads Automerge', () => {
    const { code, modules } = weftModules(['repos', '--home', tempDir('weft-loads-home-')])
    expect(code).toBe(0)
    expect(modules.some((url) => url.includes('/@automerge/automerge-repo/'))).toBe(true)
  })
})
