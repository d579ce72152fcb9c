import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { Workspace } from '../../src/repo/Workspace.ts'
import { MAX_FILE_BYTES, sha256 } from '../../src/model/content.ts'
import { PACK_TARGET_BYTES } from '../../src/repo/BlobStore.ts'
import type { LiveFileDoc } from '../../src/model/types.ts'
import { diskRepo } from './helpers.ts'

const text = (s: string) => new TextEncoder().encode(s)
const fresh = () => {
  const ws = Workspace.create(new Repo({ network: [] }), 'demo')
  return { ws, main: ws.branches()[0].id }
}
const paths = (ws: Workspace, branch: string) => ws.entries(branch).map((e) => `${e.type}:${e.path}`)

describe('Workspace', () => {
  it('creates a repository with a main branch and no files', () => {
    const { ws, main } = fresh()
    expect(ws.name).toBe('demo')
    expect(ws.branches()).toEqual([{ id: main, name: 'main' }])
    expect(ws.entries(main)).toEqual([])
  })

  it('creates files and folders and refuses taken or impossible paths', async () => {
    const { ws, main } = fresh()
    await ws.createFile(main, 'src/a.ts', text('export const a = 1\n'))
    ws.createFolder(main, 'docs')
    expect(paths(ws, main)).toEqual(['dir:docs', 'file:src/a.ts'])
    await expect(ws.createFile(main, 'src/a.ts')).rejects.toThrow('"src/a.ts" already exists')
    await expect(ws.createFile(main, 'src')).rejects.toThrow('"src" already exists')
    await expect(ws.createFile(main, 'src/a.ts/b.ts')).rejects.toThrow('"src/a.ts" is a file')
    await expect(ws.createFile(main, '../escape')).rejects.toThrow('".."')
    expect(() => ws.createFolder(main, '/abs')).toThrow('starts with "/"')
    await expect(ws.createFile(main, 'big.bin', new Uint8Array(MAX_FILE_BYTES + 1))).rejects.toThrow(
      'over the 10.0 MiB file size limit',
    )
    expect(paths(ws, main)).toEqual(['dir:docs', 'file:src/a.ts'])
  })

  it('moves and renames files and whole folders, keeping ids', async () => {
    const { ws, main } = fresh()
    const a = await ws.createFile(main, 'src/a.ts', text('a'))
    await ws.createFile(main, 'src/lib/b.ts', text('b'))
    await ws.createFile(main, 'srcx.ts', text('x'))
    ws.move(main, 'src', 'app')
    expect(paths(ws, main)).toEqual(['file:app/a.ts', 'file:app/lib/b.ts', 'file:srcx.ts'])
    ws.move(main, 'app/a.ts', 'app/lib/a2.ts')
    expect(ws.entries(main).find((e) => e.id === a)?.path).toBe('app/lib/a2.ts')
    expect(() => ws.move(main, 'app', 'app/inner')).toThrow('into itself')
    expect(() => ws.move(main, 'app/lib/b.ts', 'srcx.ts')).toThrow('already exists')
    expect(() => ws.move(main, 'nope', 'x')).toThrow('does not exist')
    expect(new TextDecoder().decode(await ws.readBytes(main, a))).toBe('a')
  })

  it('removes a folder with everything inside it', async () => {
    const { ws, main } = fresh()
    await ws.createFile(main, 'a/b/c.txt', text('c'))
    ws.createFolder(main, 'a/empty')
    await ws.createFile(main, 'ab.txt', text('ab'))
    ws.remove(main, 'a')
    expect(paths(ws, main)).toEqual(['file:ab.txt'])
  })

  it('imports a tree: keeps bytes, flags binaries, refuses bad files and keeps the rest', async () => {
    const { ws, main } = fresh()
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])
    const report = await ws.importFiles(main, [
      { path: 'README.md', bytes: text('# hi\n') },
      { path: 'src/deep/x.ts', bytes: text('export {}\n') },
      { path: 'img/logo.png', bytes: png },
      { path: 'huge.bin', bytes: new Uint8Array(MAX_FILE_BYTES + 1) },
      { path: '../evil', bytes: text('no') },
      { path: 'README.md/inner', bytes: text('no') },
    ])
    expect(report.added).toBe(3)
    expect(report.refused.map((r) => r.path)).toEqual(['huge.bin', '../evil', 'README.md/inner'])
    expect(report.refused[0].reason).toMatch(/10\.0 MiB file size limit/)
    const entries = ws.entries(main)
    expect(entries.map((e) => e.path)).toEqual(['README.md', 'img/logo.png', 'src/deep/x.ts'])
    const logo = entries.find((e) => e.path === 'img/logo.png')!
    expect(logo.type === 'file' && logo.binary).toBe(true)
    expect(await ws.readBytes(main, logo.id)).toEqual(png)
    expect(await ws.read(main, logo.id)).toEqual({ kind: 'binary', size: png.length })
  })

  it('re-importing replaces files in place and stores identical content once', async () => {
    const { ws, main } = fresh()
    await ws.importFiles(main, [
      { path: 'a.txt', bytes: text('1') },
      { path: 'b.txt', bytes: text('same') },
    ])
    const id = ws.entries(main)[0].id
    const report = await ws.importFiles(main, [
      { path: 'a.txt', bytes: text('2') },
      { path: 'c.txt', bytes: text('same') },
    ])
    expect(report).toMatchObject({ added: 1, replaced: 1 })
    expect(ws.entries(main)[0].id).toBe(id)
    expect(Object.keys(ws.handle.doc().blobs)).toHaveLength(3)
  })

  it('packs many blobs into few documents', async () => {
    const { ws, main } = fresh()
    const files = Array.from({ length: 300 }, (_, i) => ({
      path: `f/${i}.txt`,
      bytes: text(`${i}`.padEnd(40_000, '.')),
    }))
    await ws.importFiles(main, files)
    const packs = new Set(Object.values(ws.handle.doc().blobs).map(String))
    expect(packs.size).toBe(Math.ceil((300 * 40_000) / PACK_TARGET_BYTES))
  })

  it('edits go to a live document created on first edit; the blob stays the base', async () => {
    const { ws, main } = fresh()
    const id = await ws.createFile(main, 'a.ts', text('let x = 1\n'))
    const url = await ws.openLive(main, id)
    expect(await ws.openLive(main, id)).toBe(url)
    const live = await ws.repo.find<LiveFileDoc>(url)
    live.change((d) => {
      d.content = 'let x = 2\n'
    })
    expect(await ws.read(main, id)).toEqual({ kind: 'text', text: 'let x = 2\n', live: url })
    const png = await ws.createFile(main, 'p.png', new Uint8Array([0, 1]))
    await expect(ws.openLive(main, png)).rejects.toThrow('binary')
  })

  it("names a file's content as its blob would be named, committed or live, following each edit", async () => {
    const { ws, main } = fresh()
    const id = await ws.createFile(main, 'a.ts', text('let x = 1\n'))
    const entry = ws.entries(main).find((e) => e.id === id)
    const blob = entry?.type === 'file' ? entry.blob : undefined
    expect(blob).toMatch(/^[0-9a-f]{64}$/)
    expect(await ws.contentHash(main, id)).toEqual({ hash: blob, size: 10 })
    const live = await ws.repo.find<LiveFileDoc>(await ws.openLive(main, id))
    live.change((d) => {
      d.content = 'let x = 22\n'
    })
    const edited = await ws.contentHash(main, id)
    expect(edited).toEqual({ hash: await sha256(text('let x = 22\n')), size: 11 })
    expect(await ws.contentHash(main, id)).toEqual(edited)
    live.change((d) => {
      d.content = 'let x = 1\n'
    })
    expect(await ws.contentHash(main, id)).toEqual({ hash: blob, size: 10 })
  })

  it('persists across a restart on disk', async () => {
    const disk = diskRepo()
    const ws = Workspace.create(disk.repo, 'persisted')
    const main = ws.branches()[0].id
    await ws.importFiles(main, [{ path: 'a/b.txt', bytes: text('bytes') }])
    await disk.repo.flush()
    await disk.repo.shutdown()
    const again = disk.reopen()
    const reopened = await Workspace.open(again.repo, ws.url)
    expect(paths(reopened, main)).toEqual(['file:a/b.txt'])
    expect(new TextDecoder().decode(await reopened.readBytes(main, reopened.entries(main)[0].id))).toBe(
      'bytes',
    )
    await again.repo.shutdown()
  })
})
