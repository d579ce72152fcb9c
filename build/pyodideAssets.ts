import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Plugin } from 'vite'

/** Pyodide's runtime files, served from the app's own `pyodide/` folder (no CDN: runs work offline). */
const FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json']
const TYPES: Record<string, string> = {
  mjs: 'text/javascript',
  wasm: 'application/wasm',
  zip: 'application/zip',
  json: 'application/json',
}

/** Copies Pyodide's runtime into the build and serves it in development. */
export function pyodideAssets(): Plugin {
  const folder = dirname(createRequire(import.meta.url).resolve('pyodide/package.json'))
  return {
    name: 'weft-pyodide-assets',
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const name = request.url?.match(/^\/pyodide\/([\w.-]+)$/)?.[1]
        if (!name || !FILES.includes(name)) return next()
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
          fileName: `pyodide/${name}`,
          source: readFileSync(join(folder, name)),
        })
    },
  }
}
