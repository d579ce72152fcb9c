import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { tempDir } from './helpers.ts'

const WEFT = fileURLToPath(new URL('../../bin/weft.js', import.meta.url))
const MODULE_LOG = fileURLToPath(new URL('fixtures/moduleLog/register.mjs', import.meta.url))
const MERGE_SCRIPT_DIR = fileURLToPath(new URL('../../dist-node/merge/', import.meta.url))

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

  // Both sides append a function at the end: the line merge conflicts there, so exit 0 means the
  // merge went by syntax tree (web-tree-sitter is inside the merge script, not imported).
  it('merge-file merges with tree-sitter and never imports Automerge, WebSockets or SQLite', () => {
    const { code, out, modules } = weftModules(['merge-file', ...versions('.ts', base, left, right)])
    expect(code).toBe(0)
    expect(out).toContain('function b()')
    expect(out).toContain('function c()')
    expect(modules.filter((url) => NOT_FOR_MERGING.some((part) => url.includes(part)))).toEqual([])
    // Nor the CLI's own modules: the merge commands run from their one script.
    expect(modules.filter((url) => url.includes('/dist-node/'))).toEqual([])
  })

  it('merge-driver does not either', () => {
    const [o, a, b] = versions('.ts', base, left, right)
    const { code, modules } = weftModules(['merge-driver', o, a, b, 'src/lib.ts'])
    expect(code).toBe(0)
    expect(readFileSync(a, 'utf8')).toContain('function c()')
    expect(modules.filter((url) => NOT_FOR_MERGING.some((part) => url.includes(part)))).toEqual([])
    expect(modules.filter((url) => url.includes('/dist-node/'))).toEqual([])
  })

  it("merge-file writes V8's code cache once, then uses it; a damaged cache is replaced and changes no result", () => {
    const caches = () => readdirSync(MERGE_SCRIPT_DIR).filter((name) => name.endsWith('.v8cache'))
    for (const name of caches()) rmSync(join(MERGE_SCRIPT_DIR, name), { force: true })
    const files = versions('.ts', base, left, right)
    const first = spawnSync(process.execPath, [WEFT, 'merge-file', ...files], { encoding: 'utf8' })
    expect(first.status).toBe(0)
    expect(caches()).toHaveLength(1)
    const cache = join(MERGE_SCRIPT_DIR, caches()[0])
    const written = statSync(cache).mtimeMs

    const second = spawnSync(process.execPath, [WEFT, 'merge-file', ...files], { encoding: 'utf8' })
    expect(second.stdout).toBe(first.stdout)
    expect(statSync(cache).mtimeMs).toBe(written)

    const damaged = Buffer.alloc(statSync(cache).size, 7)
    writeFileSync(cache, damaged)
    const third = spawnSync(process.execPath, [WEFT, 'merge-file', ...files], { encoding: 'utf8' })
    expect({ status: third.status, out: third.stdout, err: third.stderr }).toEqual({
      status: 0,
      out: first.stdout,
      err: '',
    })
    expect(readFileSync(cache).equals(damaged)).toBe(false)
  })

  it('a command that opens repositories still loads Automerge', () => {
    const { code, modules } = weftModules(['repos', '--home', tempDir('weft-loads-home-')])
    expect(code).toBe(0)
    expect(modules.some((url) => url.includes('/@automerge/automerge-repo/'))).toBe(true)
  })
})
