import { gzipSync } from 'node:zlib'
import type { Rollup } from 'vite'
import { describe, expect, it } from 'vitest'
import { entrySizes, formatEntrySizes } from '../../build/entrySizes.ts'

const chunk = (fileName: string, code: string, more: Partial<Rollup.OutputChunk> = {}) =>
  ({
    type: 'chunk',
    fileName,
    code,
    isEntry: false,
    imports: [],
    dynamicImports: [],
    ...more,
  }) as Rollup.OutputChunk

describe('entry chunk sizes', () => {
  const bundle = {
    'index.js': chunk('index.js', 'import "./shared.js"; import("./lazy.js")', {
      isEntry: true,
      imports: ['shared.js'],
      dynamicImports: ['lazy.js'],
    }),
    'shared.js': chunk('shared.js', 'export const shared = 1;'.repeat(10), { imports: ['deep.js'] }),
    'deep.js': chunk('deep.js', 'export const deep = 2;'),
    'lazy.js': chunk('lazy.js', 'export const lazy = "not loaded up front";'.repeat(100)),
    'icon.svg': { type: 'asset', fileName: 'icon.svg', source: '<svg/>' } as Rollup.OutputAsset,
  } as Rollup.OutputBundle

  it('measures each entry alone and with what it statically imports, transitively, not what it imports lazily', () => {
    const [entry, ...others] = entrySizes(bundle, 'window')
    expect(others).toEqual([])
    const own = bundle['index.js'] as Rollup.OutputChunk
    const loaded = [own, bundle['shared.js'], bundle['deep.js']]
      .map((c) => (c as Rollup.OutputChunk).code)
      .join('')
    expect(entry).toEqual({
      kind: 'window',
      file: 'index.js',
      bytes: own.code.length,
      gzip: gzipSync(own.code).byteLength,
      withImports: { bytes: loaded.length, gzip: gzipSync(loaded).byteLength },
    })
  })

  it('prints one line per entry, with its kind, file and sizes', () => {
    const text = formatEntrySizes(entrySizes(bundle, 'worker'))
    expect(text.split('\n')).toHaveLength(2)
    expect(text).toMatch(/worker index\.js +0\.04 kB │ gzip +0\.\d\d kB +\(with static imports 0\.30 kB/)
  })
})
