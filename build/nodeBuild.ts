/**
 * The Node build (`npm run build:node`): the CLI and the relay bundled by esbuild into dist-node/.
 * Each entry stays where bin/weft.js looks for it (dist-node/src/cli/main.js, dist-node/relay/main.js);
 * what a command imports lazily becomes its own chunk, so `weft merge-file` loads the merge engine
 * and nothing of repositories, SQLite or WebSockets. Packages stay in node_modules (not bundled):
 * they find their own wasm files there.
 */
import { readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { build, type Metafile, type Plugin } from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const NODE_BUILD_DIR = 'dist-node'
/** `weft merge-file` and `weft merge-driver` as one script, run by bin/weft.js with V8's code cache. */
export const MERGE_BUNDLE = `${NODE_BUILD_DIR}/merge/mergeFile.cjs`

/**
 * web-tree-sitter imports two Node modules with `await import()`, which a script compiled by
 * node:vm cannot do once it comes from the code cache (the cache drops the script's import hook).
 * bin/weft.js hands the bundle a `require` as `__weftRequire` instead. Fails the build if
 * web-tree-sitter stops matching, rather than shipping a bundle that fails at its first merge.
 */
const requireNodeBuiltins: Plugin = {
  name: 'require-node-builtins',
  setup(builder) {
    builder.onLoad({ filter: /web-tree-sitter[\\/]web-tree-sitter\.js$/ }, ({ path }) => {
      let contents = readFileSync(path, 'utf8')
      for (const name of ['fs/promises', 'module']) {
        const dynamic = `await import("${name}")`
        if (!contents.includes(dynamic))
          throw new Error(`${path} no longer has ${dynamic}; update build/nodeBuild.ts`)
        contents = contents.replaceAll(dynamic, `__weftRequire("${name}")`)
      }
      return { contents, loader: 'js' }
    })
  },
}

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
  // The merge commands again, as one CommonJS script with web-tree-sitter inside: bin/weft.js
  // compiles it with node:vm and V8's code cache, which ES modules on Node 20 cannot use. About a
  // fifth of a merge-file process's CPU was compiling this JavaScript again for every file.
  const merge = await build({
    absWorkingDir: ROOT,
    entryPoints: ['src/cli/commands/mergeFile.ts'],
    outfile: MERGE_BUNDLE,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // bin/weft.js passes the bundle's own URL: grammars are resolved from node_modules beside it.
    define: { 'import.meta.url': '__weftModuleUrl' },
    plugins: [requireNodeBuiltins],
    metafile: true,
    logLevel: 'warning',
  })
  const outsiders = Object.keys(merge.metafile.inputs).filter(
    (input) => input.includes('node_modules/') && !input.includes('node_modules/web-tree-sitter/'),
  )
  if (outsiders.length)
    throw new Error(`the merge bundle should hold only web-tree-sitter: ${outsiders.join(', ')}`)
  return result.metafile
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildNode()
