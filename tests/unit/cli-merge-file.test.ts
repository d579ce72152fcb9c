import { readFileSync, writeFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mergeDriver, mergeFile } from '../../src/cli/commands/mergeFile.ts'
import { tempDir } from './helpers.ts'

function files(base: string, left: string, right: string, extension = ''): string[] {
  const dir = tempDir('weft-mergefile-')
  return Object.entries({ base, left, right }).map(([name, text]) => {
    writeFileSync(join(dir, name + extension), text)
    return join(dir, name + extension)
  })
}

async function run(args: string[]) {
  let out = ''
  const errors: string[] = []
  const code = await mergeFile(
    args,
    (text) => {
      out += text
    },
    (line) => errors.push(line),
  )
  return { code, out, errors }
}

describe('weft merge-file', () => {
  it('prints a clean merge and exits 0', async () => {
    expect(await run(files('a\nb\nc\n', 'A\nb\nc\n', 'a\nb\nC\n'))).toEqual({
      code: 0,
      out: 'A\nb\nC\n',
      errors: [],
    })
  })
  it('prints diff3 markers and exits 1 on conflicts', async () => {
    const result = await run(files('x\n', 'left\n', 'right\n'))
    expect(result.code).toBe(1)
    expect(result.out).toBe('<<<<<<< LEFT\nleft\n||||||| BASE\nx\n=======\nright\n>>>>>>> RIGHT\n')
  })
  it('merges by syntax when the files have a known extension', async () => {
    const result = await run(
      files('{\n  "a": 1\n}\n', '{\n  "a": 1,\n  "b": 2\n}\n', '{\n  "a": 1,\n  "c": 3\n}\n', '.json'),
    )
    expect(result).toEqual({ code: 0, out: '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n', errors: [] })
  })
  it('warns on stderr when a clean merge uses a name the other side deleted', async () => {
    const helper = 'def helper():\n    return 1\n\n\n'
    const base = `${helper}def main():\n    return 0\n`
    const result = await run(
      files(base, 'def main():\n    return 0\n', `${helper}def main():\n    return helper()\n`, '.py'),
    )
    expect(result.errors).toEqual([
      'weft merge-file: warning: The left side deleted "helper", which the right side starts to use.',
    ])
  })
  it('exits 2 with one clear line on bad usage or a missing file', async () => {
    expect(await run(['only-one'])).toMatchObject({
      code: 2,
      errors: ['Usage: weft merge-file BASE LEFT RIGHT'],
    })
    const missing = await run(['/nonexistent/base', '/nonexistent/left', '/nonexistent/right'])
    expect(missing.code).toBe(2)
    expect(missing.errors[0]).toMatch(/^weft merge-file: ENOENT/)
  })
})

describe('weft merge-driver', () => {
  it('writes the merge into OURS, picking the language from PATH', async () => {
    const [base, ours, theirs] = files('fn a() {}\n', 'fn a() {}\nfn b() {}\n', 'fn a() {}\nfn c() {}\n')
    expect(await mergeDriver([base, ours, theirs, 'src/lib.rs'], () => {})).toBe(0)
    expect(readFileSync(ours, 'utf8')).toBe('fn a() {}\nfn b() {}\nfn c() {}\n')
  })
  it('exits 1 and leaves markers in OURS on conflicts, 2 on bad usage', async () => {
    const [base, ours, theirs] = files('x\n', 'left\n', 'right\n')
    expect(await mergeDriver([base, ours, theirs, 'notes.txt'], () => {})).toBe(1)
    expect(readFileSync(ours, 'utf8')).toContain('<<<<<<< LEFT\nleft\n')
    const errors: string[] = []
    expect(await mergeDriver([base], (line) => errors.push(line))).toBe(2)
    expect(errors).toEqual(['Usage: weft merge-driver BASE OURS THEIRS PATH'])
  })
})

/** A new git repository in a temporary folder with Weft configured as its merge driver, as the README says. */
function gitWithWeftDriver(prefix: string) {
  const dir = tempDir(prefix)
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8' })
    return { code: result.status, out: result.stdout + result.stderr }
  }
  const weft = fileURLToPath(new URL('../../bin/weft.js', import.meta.url))
  git('init', '-q', '-b', 'main')
  git('config', 'user.email', 'ada@example.invalid')
  git('config', 'user.name', 'Ada')
  git('config', 'merge.weft.name', 'Weft syntax-aware merge')
  git('config', 'merge.weft.driver', `node ${weft} merge-driver %O %A %B %P`)
  return { dir, git }
}

describe("weft as git's merge driver (configured as the README says)", () => {
  it("lets `git merge` keep both branches' new functions where git alone conflicts", () => {
    const { dir, git } = gitWithWeftDriver('weft-git-')
    const base = 'export function a() {\n  return 1\n}\n'
    writeFileSync(join(dir, 'lib.ts'), base)
    git('add', 'lib.ts')
    git('commit', '-qm', 'base')
    git('checkout', '-qb', 'feature')
    writeFileSync(join(dir, 'lib.ts'), `${base}\nexport function c() {\n  return 3\n}\n`)
    git('commit', '-qam', 'c')
    git('checkout', '-q', 'main')
    writeFileSync(join(dir, 'lib.ts'), `${base}\nexport function b() {\n  return 2\n}\n`)
    git('commit', '-qam', 'b')

    // Without the driver, git's own merge conflicts.
    expect(git('merge', '-q', '--no-edit', 'feature').code).not.toBe(0)
    git('merge', '--abort')
    writeFileSync(join(dir, '.gitattributes'), '*.ts merge=weft\n')
    expect(git('merge', '-q', '--no-edit', 'feature')).toMatchObject({ code: 0 })
    const merged = readFileSync(join(dir, 'lib.ts'), 'utf8')
    expect(merged).toContain('export function b()')
    expect(merged).toContain('export function c()')
    expect(merged).not.toContain('<<<<<<<')
  }, 30_000)

  it('keeps ours byte for byte and reports a conflict when a binary file changed on both sides, as git does', () => {
    const { dir, git } = gitWithWeftDriver('weft-git-binary-')
    writeFileSync(join(dir, '.gitattributes'), '* merge=weft\n')
    // NUL bytes and invalid UTF-8: what a text merge would mangle.
    const image = (tag: number) =>
      new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, tag, 0x0a, 0x00, 0xc3, 0x28, tag])
    writeFileSync(join(dir, 'logo.png'), image(1))
    git('add', '.')
    git('commit', '-qm', 'base')
    git('checkout', '-qb', 'feature')
    writeFileSync(join(dir, 'logo.png'), image(2))
    git('commit', '-qam', 'theirs')
    git('checkout', '-q', 'main')
    const ours = image(3)
    writeFileSync(join(dir, 'logo.png'), ours)
    git('commit', '-qam', 'ours')

    const merge = git('merge', '--no-edit', 'feature')
    expect(merge.code).toBe(1)
    expect(merge.out).toContain('"logo.png" is binary; ours was kept unchanged')
    expect(merge.out).toContain('CONFLICT')
    expect(new Uint8Array(readFileSync(join(dir, 'logo.png')))).toEqual(ours)
    expect(git('ls-files', '-u', 'logo.png').out.trim().split('\n')).toHaveLength(3)
  }, 30_000)
})
