import { describe, expect, it } from 'vitest'
import { sha256, encodeText } from '../../src/model/content.ts'
import { IndexService } from '../../src/index/IndexService.ts'
import { SearchIndex, type IndexSource } from '../../src/index/SearchIndex.ts'
import { SCHEMA_VERSION } from '../../src/index/schema.ts'
import { openMemoryDatabase } from '../../src/index/sqlite.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'

const FILES: Record<string, string> = {
  'src/config.ts': 'export function parseConfig(text: string) {\n  return JSON.parse(text)\n}\n',
  'src/app.ts': [
    "import { parseConfig } from './config.ts'",
    '',
    'export function start() {',
    '  // parseConfig is called once; parseConfig errors are fatal (parseConfig docs)',
    "  const config = parseConfig('{}')",
    '  return config',
    '}',
  ].join('\n'),
  'lib/store.py': 'class Store:\n    def parse_config(self, raw):\n        return raw\n',
  'cmd/main.go': 'package main\n\nfunc ParseFlags() int {\n\treturn 0\n}\n',
  'docs/guide.md': '# Configuration\nHow parseConfig reads the file.\n## Errors\nWhat can go wrong.\n',
}

async function sources(files: Record<string, string>, loads?: string[]): Promise<IndexSource[]> {
  return Promise.all(
    Object.entries(files).map(async ([path, text]) => ({
      path,
      hash: await sha256(encodeText(text)),
      load: async () => {
        loads?.push(path)
        return encodeText(text)
      },
    })),
  )
}

async function openIndex(name?: string) {
  return SearchIndex.open(await openMemoryDatabase(name), await nodeGrammars())
}

async function built(files = FILES) {
  const index = await openIndex()
  await index.sync(await sources(files))
  return index
}

describe('SearchIndex search', () => {
  it('ranks the file defining a function above files that merely mention it', async () => {
    const index = await built()
    const hits = await index.search('parseConfig')
    expect(hits[0]).toMatchObject({
      path: 'src/config.ts',
      kind: 'function',
      name: 'parseConfig',
      startLine: 1,
      line: 1,
    })
    expect(hits.map((h) => h.path)).toContain('src/app.ts')
    const [start, end] = hits[0].highlights[0]
    expect(hits[0].snippet.slice(start, end)).toBe('parseConfig')
  })

  it('finds words inside identifiers and snake_case names', async () => {
    const index = await built()
    const hits = await index.search('config')
    expect(new Set(hits.map((h) => h.path))).toEqual(
      new Set(['src/config.ts', 'src/app.ts', 'lib/store.py', 'docs/guide.md']),
    )
    const app = hits.find((h) => h.path === 'src/config.ts')!
    expect(app.snippet.slice(...app.highlights[0])).toBe('Config')
  })

  it('matches a word prefix when asked with *', async () => {
    const index = await built()
    expect(await index.search('Pars')).toEqual([])
    expect((await index.search('Pars*', { kinds: ['function'] })).map((h) => h.name).sort()).toEqual([
      'ParseFlags',
      'parseConfig',
      'start',
    ])
  })

  it('finds a substring inside identifiers with the trigram index, and short substrings by scanning', async () => {
    const index = await built()
    const hits = await index.search('seConf', { substring: true })
    expect(hits.map((h) => `${h.path}:${h.line}`)).toEqual([
      'docs/guide.md:2',
      'src/app.ts:1',
      'src/app.ts:4',
      'src/config.ts:1',
    ])
    expect(hits[3].snippet).toBe('export function parseConfig(text: string) {')
    expect(hits[3].snippet.slice(...hits[3].highlights[0])).toBe('seConf')
    expect((await index.search('Fl', { substring: true })).map((h) => h.path)).toEqual(['cmd/main.go'])
    expect(await index.search('nothing-like-this', { substring: true })).toEqual([])
  })

  it('filters by path glob, language and kind', async () => {
    const index = await built()
    expect((await index.search('config', { path: 'src/**' })).every((h) => h.path.startsWith('src/'))).toBe(
      true,
    )
    expect((await index.search('config', { path: '*.md' })).map((h) => h.path)).toEqual(['docs/guide.md'])
    expect(await index.search('config', { path: 'nowhere/' })).toEqual([])
    expect((await index.search('config', { languages: ['python'] })).map((h) => h.path)).toEqual([
      'lib/store.py',
    ])
    const functions = await index.search('config', { kinds: ['function'] })
    expect(functions.map((h) => h.name).sort()).toEqual(['parseConfig', 'start'])
    expect(functions.every((h) => h.kind === 'function')).toBe(true)
    expect(
      (await index.search('seConf', { substring: true, languages: ['markdown'] })).map((h) => h.path),
    ).toEqual(['docs/guide.md'])
  })

  it('still puts the definition first when a word is in thousands of chunks (ranking is capped)', async () => {
    const sections = Array.from({ length: 2_100 }, (_, i) => `## Item ${i}\nA shared note.`).join('\n')
    const index = await built({ 'docs/notes.md': sections, 'src/z.ts': 'export function shared() {}\n' })
    const hits = await index.search('shared', { limit: 5 })
    expect(hits[0]).toMatchObject({ path: 'src/z.ts', name: 'shared' })
    expect(hits.slice(1).every((h) => h.path === 'docs/notes.md')).toBe(true)
  })

  it('never fails on hostile query text', async () => {
    const index = await built()
    for (const query of [
      '"',
      '""',
      'AND',
      'OR OR',
      'NOT x',
      '(a',
      'a)',
      '*',
      '^x',
      'col:x',
      "'; DROP TABLE files; --",
      '\u0000',
      'NEAR(a b)',
      '-',
      '{a b}',
      'a + b',
      '\\',
    ])
      for (const substring of [false, true])
        await expect(index.search(query, { substring })).resolves.toBeInstanceOf(Array)
    expect((await index.stats()).files).toBe(Object.keys(FILES).length)
  })

  it('answers go-to-symbol and go-to-definition', async () => {
    const index = await built()
    const found = await index.symbols('parse')
    expect(found.map((s) => s.name)).toEqual(['ParseFlags', 'parseConfig', 'parse_config'])
    expect(await index.definitions('parseConfig')).toEqual([
      {
        name: 'parseConfig',
        kind: 'function',
        container: null,
        path: 'src/config.ts',
        language: 'typescript',
        startLine: 1,
        endLine: 3,
      },
    ])
    expect((await index.symbols('', { kinds: ['heading'] })).map((s) => s.name)).toEqual([
      'Errors',
      'Configuration',
    ])
    expect((await index.outline('lib/store.py')).map((s) => `${s.kind} ${s.name}`)).toEqual([
      'class Store',
      'method parse_config',
    ])
  })
})

describe('SearchIndex updates', () => {
  it('re-indexes an edited file only: a renamed function disappears, the new name is found', async () => {
    const index = await built()
    const outcome = await index.updateFile(
      'src/config.ts',
      'export function loadSettings(text: string) {\n  return JSON.parse(text)\n}\n',
    )
    expect(outcome).toMatchObject({ status: 'indexed', symbols: 1 })
    expect(await index.definitions('parseConfig')).toEqual([])
    expect((await index.definitions('loadSettings')).map((s) => s.path)).toEqual(['src/config.ts'])
    expect((await index.search('parseConfig')).map((h) => h.path)).not.toContain('src/config.ts')
    expect((await index.search('loadSettings'))[0].path).toBe('src/config.ts')
    // The same text again is recognised by its hash and not re-indexed.
    expect(
      (
        await index.updateFile(
          'src/config.ts',
          'export function loadSettings(text: string) {\n  return JSON.parse(text)\n}\n',
        )
      ).status,
    ).toBe('unchanged')
  })

  it('syncs by content hash: unchanged files are not loaded, removed files are forgotten', async () => {
    const index = await openIndex()
    const first: string[] = []
    const report1 = await index.sync(await sources(FILES, first))
    expect(report1.indexed).toHaveLength(Object.keys(FILES).length)
    expect(first).toHaveLength(Object.keys(FILES).length)

    // A branch switch: one file changed, one deleted, one added.
    const next = {
      ...FILES,
      'src/app.ts': FILES['src/app.ts'] + '\n// switched',
      'src/new.ts': 'export const fresh = 1\n',
    }
    delete (next as Record<string, string>)['cmd/main.go']
    const second: string[] = []
    const report2 = await index.sync(await sources(next, second))
    expect(second.sort()).toEqual(['src/app.ts', 'src/new.ts'])
    expect(report2).toMatchObject({ removed: ['cmd/main.go'], unchanged: 3 })
    expect(await index.definitions('ParseFlags')).toEqual([])
    expect((await index.search('switched')).map((h) => h.path)).toEqual(['src/app.ts'])
    expect(await index.removeFile('src/new.ts')).toBe(true)
    expect(await index.removeFile('src/new.ts')).toBe(false)
  })

  it('survives a reopen, and rebuilds when the schema version or engine changes', async () => {
    const name = `reopen-${Math.random()}.db`
    const first = await openIndex(name)
    expect(first.rebuilt).toBe('new index')
    await first.sync(await sources(FILES))
    await first.close()

    const again = await openIndex(name)
    expect(again.rebuilt).toBeNull()
    expect((await again.search('parseConfig'))[0].path).toBe('src/config.ts')
    await again.close()

    const db = await openMemoryDatabase(name)
    await db.exec(`UPDATE meta SET value = ? WHERE key = 'schema'`, [String(SCHEMA_VERSION - 1)])
    await db.close()
    const migrated = await openIndex(name)
    expect(migrated.rebuilt).toBe(`schema version ${SCHEMA_VERSION - 1} → ${SCHEMA_VERSION}`)
    expect((await migrated.stats()).files).toBe(0)
    // Rebuilding is a sync away: everything is loaded again.
    const loads: string[] = []
    await migrated.sync(await sources(FILES, loads))
    expect(loads).toHaveLength(Object.keys(FILES).length)
    await migrated.close()

    const other = await openMemoryDatabase(name)
    await other.exec(`UPDATE meta SET value = 'wa-sqlite 0.0.1; chunker 0' WHERE key = 'engine'`)
    await other.close()
    const rebuilt = await openIndex(name)
    expect(rebuilt.rebuilt).toMatch(/^engine wa-sqlite 0\.0\.1; chunker 0 → wa-sqlite 3\./)
    await rebuilt.close()
  })

  it('keeps concurrent edits and searches consistent', async () => {
    const index = await built()
    const edits = Array.from({ length: 20 }, (_, i) =>
      index.updateFile('src/config.ts', `export function version${i}() {}\n`),
    )
    const searches = Array.from({ length: 20 }, () => index.search('parseConfig'))
    await Promise.all([...edits, ...searches])
    expect((await index.outline('src/config.ts')).map((s) => s.name)).toEqual(['version19'])
    expect(await index.symbols('version')).toHaveLength(1)
  })
})

describe('IndexService (the worker surface)', () => {
  it('opens indexes by name and syncs from a file list, loading only what changed in batches', async () => {
    const databases = new Map<string, string>()
    const service = new IndexService(async (name) => {
      if (!databases.has(name)) databases.set(name, `service-${Math.random()}.db`)
      return openMemoryDatabase(databases.get(name))
    }, nodeGrammars)
    await expect(service.search('x')).rejects.toThrow('No index is open; call open(name) first.')
    expect(await service.open('repo-a')).toEqual({ rebuilt: 'new index' })
    const manifest = await Promise.all(
      Object.entries(FILES).map(async ([path, text]) => ({ path, hash: await sha256(encodeText(text)) })),
    )
    const calls: string[][] = []
    const load = async (paths: string[]) => {
      calls.push(paths)
      return paths.map((path) => ({ path, content: FILES[path] }))
    }
    expect((await service.sync(manifest, load)).indexed).toHaveLength(manifest.length)
    expect(calls).toEqual([Object.keys(FILES)])
    expect((await service.sync(manifest, load)).unchanged).toBe(manifest.length)
    expect(calls).toHaveLength(1)
    expect((await service.definitions('parseConfig'))[0].path).toBe('src/config.ts')

    // Another repository, then back: the first index is still there.
    expect(await service.open('repo-b')).toEqual({ rebuilt: 'new index' })
    expect(await service.search('parseConfig')).toEqual([])
    expect(await service.open('repo-a')).toEqual({ rebuilt: null })
    expect((await service.stats()).files).toBe(manifest.length)
    await expect(service.sync([{ path: 'a.ts', hash: 'h' }], async () => [])).rejects.toThrow(
      'The file list named "a.ts" but its content was not sent.',
    )
    await service.close()
  })
})
