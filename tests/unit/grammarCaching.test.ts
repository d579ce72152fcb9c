import { describe, expect, it } from 'vitest'
import type { ManifestEntry } from 'workbox-build'
import {
  STARTUP_GRAMMARS,
  dropOnDemandGrammars,
  grammarRuntimeCaching,
  isOnDemandGrammar,
} from '../../build/grammarCaching.ts'

const entry = (url: string) => ({ url, revision: null, size: 1 }) as ManifestEntry & { size: number }

describe('grammar caching in the service worker', () => {
  it('precaches the grammars the search index parses on start, and no other', () => {
    expect([...STARTUP_GRAMMARS].sort()).toEqual([
      'go',
      'java',
      'javascript',
      'python',
      'rust',
      'tsx',
      'typescript',
    ])
  })

  it('tells on-demand grammar files by their built names, hash included', () => {
    expect(isOnDemandGrammar('assets/tree-sitter-c_sharp-BCAI4jhH.wasm')).toBe(true)
    expect(isOnDemandGrammar('assets/tree-sitter-c-BxIYOGrK.wasm')).toBe(true)
    expect(isOnDemandGrammar('assets/tree-sitter-cpp-DId2GiRO.wasm')).toBe(true)
    expect(isOnDemandGrammar('assets/tree-sitter-json-Ct_zfa5-.wasm')).toBe(true)
    // `java` is precached, `javascript` too: neither is taken for the other.
    expect(isOnDemandGrammar('assets/tree-sitter-java-DY4xdUi9.wasm')).toBe(false)
    expect(isOnDemandGrammar('assets/tree-sitter-javascript-BIQS8cIx.wasm')).toBe(false)
    // The tree-sitter runtime and other wasm are no grammars.
    expect(isOnDemandGrammar('assets/web-tree-sitter-CJcQnmR7.wasm')).toBe(false)
    expect(isOnDemandGrammar('assets/wa-sqlite-CIxTmRHQ.wasm')).toBe(false)
  })

  it('drops the on-demand grammars from the precache manifest and keeps everything else', async () => {
    const urls = [
      'index.html',
      'assets/index-abc.js',
      'assets/web-tree-sitter-CJcQnmR7.wasm',
      'assets/tree-sitter-typescript-BQpamM5l.wasm',
      'assets/tree-sitter-kotlin-DGX5xTMt.wasm',
      'assets/tree-sitter-yaml-BfGBXPyc.wasm',
    ]
    const { manifest } = await dropOnDemandGrammars(urls.map(entry))
    expect(manifest.map((kept) => kept.url)).toEqual([
      'index.html',
      'assets/index-abc.js',
      'assets/web-tree-sitter-CJcQnmR7.wasm',
      'assets/tree-sitter-typescript-BQpamM5l.wasm',
    ])
  })

  it('caches every grammar file on first use, cache first, and nothing else', () => {
    const pattern = grammarRuntimeCaching.urlPattern as RegExp
    expect(grammarRuntimeCaching.handler).toBe('CacheFirst')
    expect(pattern.test('/assets/tree-sitter-kotlin-DGX5xTMt.wasm')).toBe(true)
    expect(pattern.test('/assets/tree-sitter-c_sharp-BCAI4jhH.wasm')).toBe(true)
    expect(pattern.test('/assets/web-tree-sitter-CJcQnmR7.wasm')).toBe(false)
    expect(pattern.test('/assets/automerge-LjMxZKTS.wasm')).toBe(false)
  })
})
