/**
 * The Node build (`npm run build:node`): the CLI and the relay bundled by esbuild into dist-node/.
 * Each entry stays where bin/weft.js looks for it (dist-node/src/cli/main.js, dist-node/relay/main.js);
 * what a command imports lazily becomes its own chunk, so `weft merge-file` loads the merge engine
 * and nothing of repositories, SQLite or WebSockets. Packages stay in node_modules (not bundled):
 * they find their own wasm files there.
 */
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build, type Metafile } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const NODE_BUILD_DIR = 'dist-node'

/** Builds dist-node/ afresh (no chunk of an earlier build is left behind); returns esbuild's metafile. */
export async function buildNode(): Promise<Metafile> {
  rmSync(new URL(`../${NODE_BUILD_DIR}/`, import.meta.url), { recursive: true, force: true })
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli/main.ts', 'relay/main.ts'],
    outdir: NODE_BUILD_DIR,
    outbase: '.',
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    metafile: true,
    logLevel: 'warning',
  })
  return result.metafile
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildNode()
