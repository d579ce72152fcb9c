import { describe, expect, it } from 'vitest'
import { extract } from '../../src/index/documents.ts'
import { globToRegExp } from '../../src/index/glob.ts'
import { wordQuery } from '../../src/index/query.ts'
import { identifierParts } from '../../src/index/terms.ts'
import {
  htmlText,
  markdownChunks,
  textChunks,
  WINDOW_CHARS,
  WINDOW_LINES,
} from '../../src/index/textChunks.ts'
import type { Chunk, SymbolDef } from '../../src/index/types.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'

async function chunked(path: string, text: string): Promise<{ chunks: Chunk[]; symbols: SymbolDef[] }> {
  const result = await extract(path, text, await nodeGrammars())
  if (result.status !== 'indexed') throw new Error(result.reason)
  return result
}

/** `name kind container start-end` for compact comparison. */
const brief = (s: {
  name: string | null
  kind: string
  container: string | null
  startLine: number
  endLine: number
}) => `${s.name} ${s.kind}${s.container ? ` in ${s.container}` : ''} ${s.startLine}-${s.endLine}`

/** Every line of the file is in exactly one chunk (blank runs aside). */
function expectNoOverlap(chunks: Chunk[]) {
  const rows = chunks.filter(
    (c) => c.kind !== 'class' && c.kind !== 'impl' && c.kind !== 'trait' && c.kind !== 'module',
  )
  const sorted = [...rows].sort((a, b) => a.startLine - b.startLine)
  for (let i = 1; i < sorted.length; i++) expect(sorted[i].startLine).toBeGreaterThan(sorted[i - 1].endLine)
}

describe('code chunking', () => {
  it('TypeScript: functions, classes, methods, arrow functions, interfaces, with exact lines', async () => {
    const text = [
      "import { readFile } from 'node:fs'", //  1
      '', //                                      2
      '/** Reads the configuration. */', //       3
      'export function parseConfig(text: string): Config {', // 4
      '  return JSON.parse(text)', //             5
      '}', //                                     6
      '', //                                      7
      'export class Loader {', //                 8
      "  path = ''", //                           9
      '  load(): Config {', //                   10
      '    return parseConfig(this.path)', //    11
      '  }', //                                  12
      '}', //                                    13
      '', //                                     14
      'export const double = (n: number) => n * 2', // 15
      'interface Config { a: string }', //       16
      'console.log(double(2))', //               17
    ].join('\n')
    const { chunks, symbols } = await chunked('src/config.ts', text)
    expect(symbols.map(brief)).toEqual([
      'parseConfig function 4-6',
      'Loader class 8-13',
      'load method in Loader 10-12',
      'double function 15-15',
      'Config interface 16-16',
    ])
    expect(chunks.map(brief)).toEqual([
      'null block 1-2',
      'parseConfig function 3-6',
      'load method in Loader 10-12',
      'Loader class 8-13',
      'double function 15-15',
      'Config interface 16-16',
      'null block 17-17',
    ])
    // The doc comment belongs to the function's chunk; the class chunk holds the class minus its methods.
    expect(chunks[1].text.startsWith('/** Reads the configuration. */')).toBe(true)
    expect(chunks[3].text).toBe("export class Loader {\n  path = ''\n}")
  })

  it('TSX and JavaScript use the same profile', async () => {
    const tsx = await chunked('App.tsx', 'export function App() {\n  return <div>hi</div>\n}\n')
    expect(tsx.symbols.map(brief)).toEqual(['App function 1-3'])
    const js = await chunked('a.mjs', 'class A {\n  run() {}\n}\nfunction* gen() {}\n')
    expect(js.symbols.map(brief)).toEqual(['A class 1-3', 'run method in A 2-2', 'gen function 4-4'])
  })

  it('Python: functions, decorated definitions, classes and methods', async () => {
    const text = [
      'import os', //                 1
      '', //                          2
      '@cache', //                    3
      'def load_config(path):', //    4
      '    return open(path)', //     5
      '', //                          6
      'class Store(Base):', //        7
      '    size = 1', //              8
      '', //                          9
      '    def get(self, key):', //  10
      '        def inner(): pass', //11
      '        return key', //       12
      '', //                         13
      '    @property', //            14
      '    def empty(self):', //     15
      '        return True', //      16
    ].join('\n')
    const { chunks, symbols } = await chunked('store.py', text)
    expect(symbols.map(brief)).toEqual([
      'load_config function 4-5',
      'Store class 7-16',
      'get method in Store 10-12',
      'empty method in Store 15-16',
    ])
    const decorated = chunks.find((c) => c.name === 'load_config')!
    expect([decorated.startLine, decorated.endLine]).toEqual([3, 5])
    expect(chunks.find((c) => c.name === 'empty')!.startLine).toBe(14)
    expectNoOverlap(chunks)
  })

  it('Go: functions, methods with their receiver type, types, constants', async () => {
    const text = [
      'package main', //                      1
      '', //                                  2
      'func Parse(s string) int {', //        3
      '\treturn 1', //                        4
      '}', //                                 5
      '', //                                  6
      'func (r *Repo) Open() error {', //     7
      '\treturn nil', //                      8
      '}', //                                 9
      '', //                                 10
      'type Repo struct {', //               11
      '\tname string', //                    12
      '}', //                                13
      'type Reader interface{ Read() }', //  14
      'const Limit = 10', //                 15
    ].join('\n')
    const { symbols } = await chunked('main.go', text)
    expect(symbols.map(brief)).toEqual([
      'Parse function 3-5',
      'Open method in Repo 7-9',
      'Repo struct 11-13',
      'Reader interface 14-14',
      'Limit constant 15-15',
    ])
  })

  it('Rust: functions, structs, impl blocks and their methods, traits, modules', async () => {
    const text = [
      'use std::fmt;', //                        1
      '', //                                     2
      'pub fn parse(s: &str) -> u32 {', //       3
      '    0', //                                4
      '}', //                                    5
      '', //                                     6
      'struct Point { x: i32 }', //              7
      '', //                                     8
      'impl<T> Display for Wrapper<T> {', //     9
      '    fn fmt(&self) -> u32 {', //          10
      '        1', //                           11
      '    }', //                               12
      '}', //                                   13
      'trait Shape { fn area(&self) -> f64; }', // 14
      'mod util { pub fn helper() {} }', //     15
    ].join('\n')
    const { chunks, symbols } = await chunked('lib.rs', text)
    expect(symbols.map(brief)).toEqual([
      'parse function 3-5',
      'Point struct 7-7',
      'Wrapper impl 9-13',
      'fmt method in Wrapper 10-12',
      'Shape trait 14-14',
      'area method in Shape 14-14',
      'util module 15-15',
      'helper method in util 15-15',
    ])
    expect(chunks.find((c) => c.name === 'fmt')!.text).toContain('fn fmt(&self)')
  })

  it('Java: classes, constructors and methods', async () => {
    const { symbols } = await chunked('A.java', 'class A {\n  A() {}\n  void run() {\n  }\n}\n')
    expect(symbols.map(brief)).toEqual(['A class 1-5', 'A method in A 2-2', 'run method in A 3-4'])
  })

  it('cuts a very long function into windows that all carry its name', async () => {
    const body = Array.from({ length: 2_000 }, (_, i) => `  const v${i} = ${i}`).join('\n')
    const { chunks } = await chunked('big.ts', `function huge() {\n${body}\n}\n`)
    expect(chunks.length).toBeGreaterThan(10)
    expect(chunks.every((c) => c.name === 'huge' && c.text.length <= WINDOW_CHARS)).toBe(true)
    expect(chunks.at(-1)!.endLine).toBe(2_002)
  })

  it('JSON, CSS and unknown text are chunked in bounded windows', async () => {
    const json = await chunked(
      'data.json',
      JSON.stringify({ a: Array.from({ length: 500 }, (_, i) => i) }, null, 2),
    )
    expect(json.symbols).toEqual([])
    expect(json.chunks.every((c) => c.kind === 'text' && c.endLine - c.startLine < WINDOW_LINES)).toBe(true)
  })
})

describe('text chunking', () => {
  it('splits Markdown by headings, ignoring # inside fenced code', () => {
    const text = [
      'Intro line',
      '# Guide',
      'Welcome',
      '## Install',
      'npm i',
      '```sh',
      '# not a heading',
      '```',
      '## Use',
      'Run it',
      '# API',
      'calls',
    ].join('\n')
    const { chunks, symbols } = markdownChunks(text)
    expect(symbols.map(brief)).toEqual([
      'Guide heading 2-10',
      'Install heading in Guide 4-8',
      'Use heading in Guide 9-10',
      'API heading 11-12',
    ])
    expect(chunks.map(brief)).toEqual([
      'null text 1-1',
      'Guide section 2-3',
      'Install section in Guide 4-8',
      'Use section in Guide 9-10',
      'API section 11-12',
    ])
  })

  it('windows respect line and character bounds, and cut one huge line into pieces', () => {
    const lines = textChunks(Array.from({ length: 150 }, (_, i) => `line ${i}`).join('\n'))
    expect(lines.map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 60],
      [61, 120],
      [121, 150],
    ])
    const huge = textChunks('x'.repeat(WINDOW_CHARS * 2 + 10))
    expect(huge.map((c) => [c.startLine, c.text.length])).toEqual([
      [1, WINDOW_CHARS],
      [1, WINDOW_CHARS],
      [1, 10],
    ])
  })

  it('extracts readable HTML text, keeping its lines', () => {
    const html =
      '<html>\n<head><style>p { color: red }</style><script>var secret = 1</script></head>\n<body><p>Fish &amp; chips &#233;</p>\n<!-- hidden -->\n</body></html>'
    const text = htmlText(html)
    expect(text.split('\n')).toHaveLength(5)
    expect(text).toContain('Fish & chips é')
    expect(text).not.toMatch(/secret|color|hidden|<p>/)
  })

  it('leaves an entity named like an inherited property of objects as it was written', () => {
    expect(htmlText('<p>&constructor; &toString; &amp;</p>')).toBe(' &constructor; &toString; & ')
  })
})

describe('query and helpers', () => {
  it('quotes every term, so no input is an FTS5 syntax error', () => {
    expect(wordQuery('parse config')).toEqual({ match: '"parse" AND "config"', words: ['parse', 'config'] })
    expect(wordQuery('"load the" -test a OR b')?.match).toBe('"load the" AND ("a" OR "b") NOT "test"')
    expect(wordQuery('conf* say "hi')).toEqual({
      match: '"conf" * AND "say" AND "hi"',
      words: ['conf', 'say', 'hi'],
    })
    expect(wordQuery('a"b')?.match).toBe('"a""b"')
    expect(wordQuery('-only ( ) * ** ^ :')).toBeNull()
  })

  it('splits camelCase identifiers into sub-words', () => {
    expect(identifierParts('parseConfig HTTPServer snake_case plain')).toBe('parse config http server')
  })

  it('matches path globs', () => {
    const cases: [string, string, boolean][] = [
      ['*.ts', 'src/a/b.ts', true],
      ['src/*.ts', 'src/a/b.ts', false],
      ['src/**/*.ts', 'src/a/b.ts', true],
      ['src/**/*.ts', 'src/b.ts', true],
      ['docs/', 'docs/x/y.md', true],
      ['*.{ts,go}', 'm.go', true],
      ['a?.py', 'ab.py', true],
      ['a.ts', 'xa.ts', false],
    ]
    for (const [glob, path, expected] of cases)
      expect(globToRegExp(glob).test(path), `${glob} ~ ${path}`).toBe(expected)
    expect(() => globToRegExp('*.{ts')).toThrow(/Unclosed/)
  })
})
