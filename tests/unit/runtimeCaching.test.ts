import { describe, expect, it } from 'vitest'
import type { ManifestEntry } from 'workbox-build'
import { dropOnDemandRuntimes, onDemandRuntimeCaching } from '../../build/runtimeCaching.ts'
import { ON_DEMAND_RUNTIME, RUNTIMES, readDownloadReport } from '../../src/run/browser/runtimeCache.ts'

const entry = (url: string) => ({ url, revision: null, size: 1 }) as ManifestEntry & { size: number }

describe('on-demand runtimes in the service worker', () => {
  it('leaves esbuild-wasm and every Pyodide file out of the precache, and keeps the rest', async () => {
    const urls = [
      'index.html',
      'assets/index-abc12345.js',
      'assets/run.worker-KxX3x9iC.js',
      'assets/pyodide-DgURbm3D.js',
      'assets/esbuild-BaXVPFT2.wasm',
      'assets/pyodide-314.0.7/pyodide.asm.wasm',
      'assets/pyodide-314.0.7/pyodide.asm.mjs',
      'assets/pyodide-314.0.7/python_stdlib.zip',
      'assets/automerge-LjMxZKTS.wasm',
    ]
    const { manifest } = await dropOnDemandRuntimes(urls.map(entry))
    expect(manifest.map((kept) => kept.url)).toEqual([
      'index.html',
      'assets/index-abc12345.js',
      'assets/run.worker-KxX3x9iC.js',
      // Pyodide's loader module is small and part of the run worker's code.
      'assets/pyodide-DgURbm3D.js',
      'assets/automerge-LjMxZKTS.wasm',
    ])
  })

  it('answers runtime files from their own cache first, by a pattern written into the worker as is', () => {
    expect(onDemandRuntimeCaching).toMatchObject({
      handler: 'CacheFirst',
      options: { cacheName: 'weft-runtimes' },
    })
    expect(onDemandRuntimeCaching.urlPattern).toBeInstanceOf(RegExp)
    expect(ON_DEMAND_RUNTIME.test('http://127.0.0.1:4173/assets/pyodide-314.0.7/pyodide-lock.json')).toBe(
      true,
    )
    expect(ON_DEMAND_RUNTIME.test('http://127.0.0.1:4173/assets/esbuild-BaXVPFT2.wasm')).toBe(true)
    expect(ON_DEMAND_RUNTIME.test('http://127.0.0.1:4173/assets/index-BaXVPFT2.js')).toBe(false)
  })

  it('tells each runtime its older versions', () => {
    expect(RUNTIMES.pyodide.family.test('/assets/pyodide-313.0.1/python_stdlib.zip')).toBe(true)
    expect(RUNTIMES.pyodide.family.test('/assets/esbuild-BaXVPFT2.wasm')).toBe(false)
    expect(RUNTIMES.esbuild.family.test('/assets/esbuild-Xa1VPFT2.wasm')).toBe(true)
  })
})

describe('download reports', () => {
  it('reads a well-formed report and refuses anything else posted on the channel', () => {
    const report = { runtime: 'pyodide', state: 'downloading', loaded: 10, total: 100 }
    expect(readDownloadReport(report)).toEqual(report)
    expect(readDownloadReport({ ...report, total: null })).toEqual({ ...report, total: null })
    expect(readDownloadReport({ ...report, runtime: 'java' })).toBeNull()
    expect(readDownloadReport({ ...report, state: 'done' })).toBeNull()
    expect(readDownloadReport({ ...report, loaded: -1 })).toBeNull()
    expect(readDownloadReport({ ...report, loaded: Number.NaN })).toBeNull()
    expect(readDownloadReport({ ...report, message: 42 })).toBeNull()
    expect(readDownloadReport('kept')).toBeNull()
    expect(readDownloadReport(null)).toBeNull()
    expect(
      readDownloadReport({ ...report, state: 'failed', message: 'x'.repeat(2_000) })?.message,
    ).toHaveLength(500)
  })
})
