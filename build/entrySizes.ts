import { gzipSync } from 'node:zlib'
import type { Plugin, Rollup } from 'vite'

/** One entry chunk: its own size, and with every chunk it statically imports (what loads before it runs). */
export interface EntrySize {
  kind: 'window' | 'worker'
  file: string
  bytes: number
  gzip: number
  withImports: { bytes: number; gzip: number }
}

const measure = (code: string) => ({ bytes: Buffer.byteLength(code), gzip: gzipSync(code).byteLength })

/** The entry chunks of one bundle, each with the chunks it statically imports, transitively. */
export function entrySizes(bundle: Rollup.OutputBundle, kind: EntrySize['kind']): EntrySize[] {
  const chunks = new Map(
    Object.values(bundle)
      .filter((output): output is Rollup.OutputChunk => output.type === 'chunk')
      .map((chunk) => [chunk.fileName, chunk]),
  )
  return [...chunks.values()]
    .filter((chunk) => chunk.isEntry)
    .map((entry) => {
      const loaded = new Set<string>()
      const visit = (file: string) => {
        if (loaded.has(file) || !chunks.has(file)) return
        loaded.add(file)
        chunks.get(file)!.imports.forEach(visit)
      }
      visit(entry.fileName)
      return {
        kind,
        file: entry.fileName,
        ...measure(entry.code),
        withImports: measure([...loaded].map((file) => chunks.get(file)!.code).join('')),
      }
    })
}

const kB = (bytes: number) => `${(bytes / 1000).toFixed(2)} kB`

export function formatEntrySizes(sizes: EntrySize[]): string {
  const width = Math.max(...sizes.map((size) => size.file.length))
  const lines = sizes.map(
    (size) =>
      `  ${size.kind.padEnd(6)} ${size.file.padEnd(width)}  ${kB(size.bytes).padStart(11)} │ gzip ${kB(size.gzip).padStart(10)}` +
      `  (with static imports ${kB(size.withImports.bytes)} │ gzip ${kB(size.withImports.gzip)})`,
  )
  return ['Entry chunks (JavaScript a page or worker loads before it runs):', ...lines].join('\n')
}

/**
 * Prints the size of each entry chunk after a build: the window's and each worker's (workers are
 * bundled apart, so `worker()` goes in `worker.plugins`). Dynamic imports are left out: they load
 * on demand.
 */
export function entrySizeReport(): { window: () => Plugin; worker: () => Plugin } {
  const sizes: EntrySize[] = []
  return {
    worker: () => ({
      name: 'weft-entry-sizes-worker',
      apply: 'build',
      // After every other plugin has rewritten the chunks (workers are generated, never written).
      generateBundle: {
        order: 'post',
        handler(_, bundle) {
          sizes.push(...entrySizes(bundle, 'worker'))
        },
      },
    }),
    window: () => ({
      name: 'weft-entry-sizes',
      apply: 'build',
      writeBundle(_, bundle) {
        sizes.unshift(...entrySizes(bundle, 'window'))
      },
      closeBundle() {
        if (sizes.length > 0) console.log(`\n${formatEntrySizes(sizes)}\n`)
        sizes.length = 0
      },
    }),
  }
}
