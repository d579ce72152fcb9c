/**
 * The file system contract the git cores rely on (GitFs: the promise calls isomorphic-git makes),
 * run against both front-ends: Node's `fs` on a temporary folder (the CLI) and MemoryFs (the app).
 * Where they differ, the app's import or download would behave unlike `weft import-git`.
 */
import * as nodeFs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { GitFs } from '../../src/git/gitRepository.ts'
import { MemoryFs } from '../../src/git/memoryFs.ts'
import { tempDir } from './helpers.ts'

const text = (s: string) => new TextEncoder().encode(s)
const codeOf = async (work: Promise<unknown>) => {
  try {
    await work
    return 'ok'
  } catch (error) {
    return (error as { code?: string }).code
  }
}

const fronts: [string, () => { fs: GitFs; root: string }][] = [
  ['node:fs', () => ({ fs: nodeFs as unknown as GitFs, root: tempDir('git-fs-') })],
  ['MemoryFs', () => ({ fs: new MemoryFs(), root: '/root' })],
]

describe.each(fronts)('GitFs contract: %s', (_, make) => {
  const setUp = async () => {
    const { fs, root } = make()
    await fs.promises.mkdir(root).catch(() => undefined)
    return { p: fs.promises as unknown as typeof nodeFs.promises, root }
  }

  it('writes and reads bytes and text; a missing file is ENOENT, a file in a file ENOTDIR', async () => {
    const { p, root } = await setUp()
    await p.writeFile(`${root}/a.txt`, text('one\r\n'))
    expect(new Uint8Array(await p.readFile(`${root}/a.txt`))).toEqual(text('one\r\n'))
    expect(await p.readFile(`${root}/a.txt`, 'utf8')).toBe('one\r\n')
    await p.writeFile(`${root}/a.txt`, 'two')
    expect(await p.readFile(`${root}/a.txt`, { encoding: 'utf8' })).toBe('two')
    expect(await codeOf(p.readFile(`${root}/missing`))).toBe('ENOENT')
    expect(await codeOf(p.readFile(`${root}/a.txt/inner`))).toBe('ENOTDIR')
    expect(await codeOf(p.writeFile(`${root}/no/such/dir.txt`, 'x'))).toBe('ENOENT')
  })

  it('makes, lists and removes folders as Node does', async () => {
    const { p, root } = await setUp()
    await p.mkdir(`${root}/d`)
    expect(await codeOf(p.mkdir(`${root}/d`))).toBe('EEXIST')
    await p.writeFile(`${root}/d/b`, 'b')
    await p.writeFile(`${root}/d/a`, 'a')
    expect((await p.readdir(`${root}/d`)).sort()).toEqual(['a', 'b'])
    expect(await codeOf(p.rmdir(`${root}/d`))).toBe('ENOTEMPTY')
    await p.unlink(`${root}/d/a`)
    await p.unlink(`${root}/d/b`)
    await p.rmdir(`${root}/d`)
    expect(await codeOf(p.readdir(`${root}/d`))).toBe('ENOENT')
    expect(await codeOf(p.unlink(`${root}/d`))).toBe('ENOENT')
  })

  it('stat tells files, folders and links apart; lstat does not follow a link; sizes are bytes', async () => {
    const { p, root } = await setUp()
    await p.writeFile(`${root}/f`, 'héllo')
    await p.symlink('f', `${root}/link`)
    expect(await p.readlink(`${root}/link`)).toBe('f')
    const file = await p.stat(`${root}/f`)
    expect([file.isFile(), file.isDirectory(), file.size]).toEqual([true, false, 6])
    expect((await p.stat(`${root}/link`)).isFile()).toBe(true)
    expect((await p.lstat(`${root}/link`)).isSymbolicLink()).toBe(true)
    expect((await p.stat(root)).isDirectory()).toBe(true)
    expect(await codeOf(p.readlink(`${root}/f`))).toBe('EINVAL')
    expect(await codeOf(p.symlink('f', `${root}/link`))).toBe('EEXIST')
    await p.unlink(`${root}/link`)
    expect(await p.readFile(`${root}/f`, 'utf8')).toBe('héllo')
  })

  it('a file written with mode 0o777 is executable, one without is not', async () => {
    const { p, root } = await setUp()
    await p.writeFile(`${root}/run.sh`, '#!/bin/sh\n', { mode: 0o777 })
    await p.writeFile(`${root}/plain.txt`, 'x')
    expect((await p.lstat(`${root}/run.sh`)).mode & 0o100).not.toBe(0)
    expect((await p.lstat(`${root}/plain.txt`)).mode & 0o111).toBe(0)
  })
})
