import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Plugin } from 'vite'

/** Pyodide's runtime files, served from the app's own assets (no CDN: runs work offline once kept). */
const FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json']
const TYPES: Record<string, string> = {
  mjs: 'text/javascript',
  wasm: 'application/wasm',
  zip: 'application/zip',
  json: 'application/json',
}
const VIRTUAL = 'virtual:weft-pyodide'

/**
 * The package's folder, and where the build serves it: `assets/pyodide-<version>/`. The folder names
 * the version, so a kept copy (`src/run/browser/runtimeCache.ts`) is never taken for a newer one,
 * and the relay serves it as immutable like every other asset.
 */
function pyodideFolder(): { folder: string; served: string } {
  const folder = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'))
  const { version } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { version: string }
  return { folder, served: `assets/pyodide-${version}/` }
}

/**
 * `import { pyodideFolder, pyodideFiles } from 'virtual:weft-pyodide'`: where the build puts
 * Pyodide's runtime, and its files (for the run worker, whose build has plugins of its own).
 */
export function pyodideLocation(): Plugin {
  const { served } = pyodideFolder()
  return {
    name: 'weft-pyodide-location',
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : null),
    load: (id) =>
      id === `\0${VIRTUAL}`
        ? `export const pyodideFolder = ${JSON.stringify(served)}\nexport const pyodideFiles = ${JSON.stringify(FILES)}`
        : null,
  }
}

/** Copies Pyodide's runtime into the build and serves it in development. */
export function pyodideAssets(): Plugin {
  const { folder, served } = pyodideFolder()
  return {
    name: 'weft-pyodide-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.startsWith(`/${served}`) ? request.url.slice(served.length + 1) : ''
        if (!FILES.includes(name)) return next()
        response.setHeader(
          'Content-Type',
          TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream',
        )
        response.end(readFileSync(join(folder, name)))
      })
    },
    generateBundle() {
      for (const name of FILES)
        this.emitFile({
          type: 'asset',
          fileName: `${served}${name}`,
          source: readFileSync(join(folder, name)),
        })
    },
  }
}
