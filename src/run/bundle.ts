import type { BuildFailure, Loader, Plugin, build } from 'esbuild-wasm'
import { folderOf, joinPath } from './entry.ts'

/** The part of esbuild used here: the browser's esbuild-wasm once initialised, or Node's. */
export interface Bundler {
  build: typeof build
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BundleError'
  }
}

const LOADERS: Record<string, Loader> = {
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  jsx: 'jsx',
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  json: 'json',
  css: 'empty',
  txt: 'text',
  md: 'text',
}
const EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts', '.json']
const NAMESPACE = 'branch'

/** The branch file an import names, trying extensions, `index` files, and `.js` written for a `.ts` source (TypeScript's ESM style). */
function resolveImport(files: ReadonlyMap<string, unknown>, from: string, specifier: string): string | null {
  const base = joinPath(specifier.startsWith('/') ? '' : from, specifier)
  const swapped = base.replace(/\.(m|c)?js$/, (_, kind: string | undefined) => `.${kind ?? ''}ts`)
  const candidates = [
    base,
    ...EXTENSIONS.map((e) => base + e),
    ...EXTENSIONS.map((e) => `${base}/index${e}`),
    swapped,
    swapped.replace(/\.ts$/, '.tsx'),
  ]
  return candidates.find((c) => files.has(c)) ?? null
}

/**
 * Resolves and loads every import from the branch's own files (an in-memory file system), so the
 * entry and all it imports become one ES module. Packages and Node built-ins are refused by name:
 * nothing is installed in the browser, and the run must not reach the network.
 */
function branchFiles(files: ReadonlyMap<string, Uint8Array | string>): Plugin {
  return {
    name: 'weft-branch-files',
    setup(plugin) {
      plugin.onResolve({ filter: /.*/ }, (args) => {
        const from = args.kind === 'entry-point' ? '' : folderOf(args.importer)
        const relative = args.kind === 'entry-point' || /^\.{0,2}\//.test(args.path)
        if (!relative) {
          const what =
            /^node:|^(fs|path|os|child_process|http|https|net|crypto|url|util|stream|events|buffer|worker_threads|readline)(\/|$)/.test(
              args.path,
            )
              ? 'a Node.js built-in module, which the browser runner does not have'
              : "a package, and the browser runner has only the branch's own files (no installed packages)"
          return { errors: [{ text: `"${args.path}" is ${what}; use the local runner.` }] }
        }
        const path = resolveImport(files, from, args.path)
        if (!path)
          return {
            errors: [
              {
                text: `Cannot find "${args.path}"${args.importer ? ` (imported from ${args.importer})` : ''} on this branch.`,
              },
            ],
          }
        return { path, namespace: NAMESPACE }
      })
      plugin.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        const extension = args.path.slice(args.path.lastIndexOf('.') + 1)
        return {
          contents: files.get(args.path)!,
          loader: LOADERS[extension] ?? 'text',
          resolveDir: folderOf(args.path),
        }
      })
    },
  }
}

/** Bundles `entry` (a branch path) and what it imports into one ES module's source text. */
export async function bundleEntry(
  bundler: Bundler,
  files: ReadonlyMap<string, Uint8Array | string>,
  entry: string,
): Promise<string> {
  try {
    const result = await bundler.build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      logLevel: 'silent',
      plugins: [branchFiles(files)],
    })
    return result.outputFiles[0].text
  } catch (error) {
    const failure = error as Partial<BuildFailure>
    if (!failure.errors?.length) throw error
    throw new BundleError(
      failure.errors
        .map((e) =>
          e.location
            ? `${e.location.file.replace(/^branch:/, '')}:${e.location.line}:${e.location.column + 1}: ${e.text}`
            : e.text,
        )
        .join('\n'),
    )
  }
}
