import { describe, expect, it } from 'vitest'
import {
  GRAMMAR_FILES,
  INDEX_LANGUAGES,
  LANGUAGES,
  grammarForPath,
  indexLanguageForPath,
  languageOfPath,
  structuredGrammarForPath,
  type Language,
  type LanguageId,
} from '../../src/syntax/languages.ts'

/** What each extension was before the registry, when three tables said it (grammar, index, editor). */
const BEFORE: Record<string, { grammar?: string; index: string; editor?: string }> = {
  ts: { grammar: 'typescript', index: 'typescript', editor: 'typescript' },
  mts: { grammar: 'typescript', index: 'typescript', editor: 'typescript' },
  cts: { grammar: 'typescript', index: 'typescript', editor: 'typescript' },
  tsx: { grammar: 'tsx', index: 'tsx', editor: 'tsx' },
  js: { grammar: 'javascript', index: 'javascript', editor: 'javascript' },
  mjs: { grammar: 'javascript', index: 'javascript', editor: 'javascript' },
  cjs: { grammar: 'javascript', index: 'javascript', editor: 'javascript' },
  jsx: { grammar: 'javascript', index: 'javascript', editor: 'jsx' },
  json: { grammar: 'json', index: 'json', editor: 'json' },
  jsonc: { grammar: 'json', index: 'json', editor: 'json' },
  webmanifest: { grammar: 'json', index: 'json', editor: 'json' },
  py: { grammar: 'python', index: 'python', editor: 'python' },
  pyi: { grammar: 'python', index: 'python', editor: 'python' },
  go: { grammar: 'go', index: 'go', editor: 'go' },
  rs: { grammar: 'rust', index: 'rust', editor: 'rust' },
  css: { grammar: 'css', index: 'css', editor: 'css' },
  html: { grammar: 'html', index: 'html', editor: 'html' },
  htm: { grammar: 'html', index: 'html', editor: 'html' },
  svelte: { index: 'text', editor: 'html' },
  vue: { index: 'text', editor: 'html' },
  md: { index: 'markdown', editor: 'markdown' },
  markdown: { index: 'markdown', editor: 'markdown' },
  mdx: { index: 'markdown' },
  yaml: { grammar: 'yaml', index: 'yaml', editor: 'yaml' },
  yml: { grammar: 'yaml', index: 'yaml', editor: 'yaml' },
  toml: { grammar: 'toml', index: 'toml', editor: 'toml' },
  java: { grammar: 'java', index: 'java' },
  pdf: { index: 'pdf' },
  txt: { index: 'text' },
  lock: { index: 'text' },
}

const editorMode = (path: string) => {
  const id = languageOfPath(path)
  return id === undefined ? undefined : (LANGUAGES[id].editor ?? undefined)
}

describe('the language registry', () => {
  it('gives every extension the grammar, index language and editor mode it had before', () => {
    for (const [extension, before] of Object.entries(BEFORE)) {
      const path = `dir.x/file.${extension}`
      expect(grammarForPath(path), extension).toBe(before.grammar)
      expect(structuredGrammarForPath(path), extension).toBe(before.grammar)
      expect(indexLanguageForPath(path), extension).toBe(before.index)
      expect(editorMode(path), extension).toBe(before.editor)
    }
  })

  it('reads the last extension, case-insensitively, and nothing without one', () => {
    expect(languageOfPath('src/App.TSX')).toBe('tsx')
    expect(languageOfPath('notes.md.PDF')).toBe('pdf')
    expect(languageOfPath('src.ts/README')).toBeUndefined()
    expect(indexLanguageForPath('LICENSE')).toBe('text')
  })

  it('knows the formats named by their whole file name, case-sensitively, before any extension', () => {
    expect(languageOfPath('Makefile')).toBe('make')
    expect(languageOfPath('src/GNUmakefile')).toBe('make')
    expect(languageOfPath('pkg/BUILD')).toBe('starlark')
    expect(languageOfPath('WORKSPACE')).toBe('starlark')
    expect(languageOfPath('pkg/BUILD.bazel')).toBe('starlark')
    // A script called `build` is no Bazel file.
    expect(languageOfPath('scripts/build')).toBeUndefined()
    expect(languageOfPath('MAKEFILE')).toBeUndefined()
  })

  it('names each file name in one language only', () => {
    const all = Object.values(LANGUAGES).flatMap((entry: Language) => entry.fileNames ?? [])
    expect(all.length).toBe(new Set(all).size)
  })

  it('names each extension in one language only', () => {
    const all = (Object.keys(LANGUAGES) as LanguageId[]).flatMap((id) => LANGUAGES[id].extensions)
    expect(all.length).toBe(new Set(all).size)
  })

  it('lists what search can filter by: every grammar, and markdown, pdf and text', () => {
    expect(INDEX_LANGUAGES).toEqual([...Object.keys(GRAMMAR_FILES), 'markdown', 'pdf', 'text'].sort())
  })
})
