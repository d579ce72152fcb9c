import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * Windows hold no documents and parse nothing (documents live in the repository worker, parsing in
 * the index and merge workers), so the window's entry chunk must not carry Automerge or
 * web-tree-sitter. Rather than build the app, this walks the static imports from `src/main.ts`,
 * through `.svelte` files, and names the packages reached: a static import of a module is what
 * puts it in the entry chunk. Packages are not walked inside; their declared dependencies are. Type-only imports are erased and not followed; dynamic `import()`
 * makes a chunk of its own loaded on demand, and is not followed either.
 */

const ROOT = resolve(import.meta.dirname, '../..')
const FORBIDDEN = [/^@automerge\//, /^web-tree-sitter$/]

/** The runtime (non type-only) static import specifiers of a TypeScript source. */
function staticImports(source: string, fileName: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS)
  const specifiers: string[] = []
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      if (statement.importClause?.isTypeOnly) continue
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text)
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      if (statement.isTypeOnly) continue
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text)
    }
  }
  return specifiers
}

/** The script blocks of a Svelte component, as TypeScript. */
const svelteScripts = (source: string): string =>
  [...source.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n')

/** The package a bare specifier names (`@scope/name/sub` → `@scope/name`). */
const packageOf = (specifier: string): string =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/')

function resolveLocal(from: string, specifier: string): string {
  const path = resolve(dirname(from), specifier.replace(/\?.*$/, ''))
  if (existsSync(path)) return path
  throw new Error(`cannot resolve ${specifier} from ${relative(ROOT, from)}`)
}

/** Every package statically reachable from the entries, with one import chain that reaches it. */
function reachablePackages(entries: string[]): Map<string, string[]> {
  const packages = new Map<string, string[]>()
  const seen = new Set<string>(entries)
  const queue: { file: string; chain: string[] }[] = entries.map((entry) => ({
    file: entry,
    chain: [relative(ROOT, entry)],
  }))
  while (queue.length > 0) {
    const { file, chain } = queue.shift()!
    if (!/\.(ts|svelte)$/.test(file)) continue // stylesheets and assets
    const text = readFileSync(file, 'utf8')
    for (const specifier of staticImports(file.endsWith('.svelte') ? svelteScripts(text) : text, file)) {
      if (specifier.startsWith('virtual:')) continue
      if (!specifier.startsWith('.')) {
        const name = packageOf(specifier)
        if (!packages.has(name)) packages.set(name, [...chain, specifier])
        continue
      }
      const next = resolveLocal(file, specifier)
      if (seen.has(next)) continue
      seen.add(next)
      queue.push({ file: next, chain: [...chain, relative(ROOT, next)] })
    }
  }
  return packages
}

/** The packages a package depends on at run time, transitively (a package's own imports are not walked). */
function dependencyClosure(names: Iterable<string>): Set<string> {
  const closure = new Set<string>()
  const queue = [...names]
  while (queue.length > 0) {
    const name = queue.shift()!
    if (closure.has(name)) continue
    closure.add(name)
    const manifest = join(ROOT, 'node_modules', name, 'package.json')
    if (!existsSync(manifest)) continue // a nested copy: its dependencies are named by its parent's
    const { dependencies = {} } = JSON.parse(readFileSync(manifest, 'utf8')) as {
      dependencies?: Record<string, string>
    }
    queue.push(...Object.keys(dependencies))
  }
  return closure
}

describe('the window bundle', () => {
  // The workspace view is window code too, loaded when a repository opens (a chunk of its own).
  const packages = reachablePackages([join(ROOT, 'src/main.ts'), join(ROOT, 'src/ui/WorkspaceView.svelte')])

  it('is walked through components to the packages they import', () => {
    // The walk must reach the editor and the terminal, or it proves nothing about the rest.
    expect(packages.has('@codemirror/view')).toBe(true)
    expect(packages.has('@xterm/xterm')).toBe(true)
  })

  it('statically imports neither Automerge nor web-tree-sitter', () => {
    const found = [...packages].filter(([name]) => FORBIDDEN.some((pattern) => pattern.test(name)))
    expect(found.map(([, chain]) => chain.join(' → '))).toEqual([])
  })

  it('imports no package that depends on either', () => {
    const closure = [...dependencyClosure(packages.keys())]
    expect(closure.filter((name) => FORBIDDEN.some((pattern) => pattern.test(name)))).toEqual([])
  })
})
