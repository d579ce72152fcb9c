import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { mergeFile } from '../../src/cli/mergeFile.ts'
import { tempDir } from './helpers.ts'

function files(base: string, left: string, right: string): string[] {
  const dir = tempDir('weft-mergefile-')
  return Object.entries({ base, left, right }).map(([name, text]) => {
    writeFileSync(join(dir, name), text)
    return join(dir, name)
  })
}

function run(args: string[]) {
  let out = ''
  const errors: string[] = []
  const code = mergeFile(args, (text) => { out += text }, (line) => errors.push(line))
  return { code, out, errors }
}

describe('weft merge-file', () => {
  it('prints a clean merge and exits 0', () => {
    expect(run(files('a\nb\nc\n', 'A\nb\nc\n', 'a\nb\nC\n'))).toEqual({ code: 0, out: 'A\nb\nC\n', errors: [] })
  })
  it('prints diff3 markers and exits 1 on conflicts', () => {
    const result = run(files('x\n', 'left\n', 'right\n'))
    expect(result.code).toBe(1)
    expect(result.out).toBe('<<<<<<< LEFT\nleft\n||||||| BASE\nx\n=======\nright\n>>>>>>> RIGHT\n')
  })
  it('exits 2 with one clear line on bad usage or a missing file', () => {
    expect(run(['only-one'])).toMatchObject({ code: 2, errors: ['Usage: weft merge-file BASE LEFT RIGHT'] })
    const missing = run(['/nonexistent/base', '/nonexistent/left', '/nonexistent/right'])
    expect(missing.code).toBe(2)
    expect(missing.errors[0]).toMatch(/^weft merge-file: ENOENT/)
  })
})
