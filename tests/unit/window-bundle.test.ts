import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

/**
 * Windows hold no documents and parse nothing (documents live in the repository worker, parsing in
 * the index and merge workers), so no code the window loads may carry Automerge or web-tree-sitter:
 * neither its entry chunk nor the chunks it loads on first use (the editor pane, the run dialog…).
 * Rather than build the app, this walks the imports from `src/main.ts`, through `.svelte` files,
 * and names the packages reached: static imports, and dynamic `import()`s too, since a chunk loaded
 * on demand still runs in the window. Packages are not walked inside; their declared dependencies
 * are. Type-only imports are erased and not followed.
 */

const ROOT = resolve(import.meta.dirname, '../..')
const FORBIDDEN = [/^@automerge\//, /^web-tree-sitter$/]

/** The runtime (non type-only) import specifiers of a TypeScript source, static and dynamic. */
function runtimeImports(source: string, fileName: string): string[] {
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
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteralLike(node.arguments[0])
    )
      specifiers.push(node.arguments[0].text)
    ts.forEachChild(node, visit)
  }
  visit(file)
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
    for (const specifier of runtimeImports(file.endsWith('.svelte') ? svelteScripts(text) : text, file)) {
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

  it('imports neither Automerge nor web-tree-sitter', () => {
    const found = [...packages].filter(([name]) => FORBIDDEN.some((pattern) => pattern.test(name)))
    expect(found.map(([, chain]) => chain.join(' → '))).toEqual([])
  })

  it('imports no package that depends on either', () => {
    const closure = [...dependencyClosure(packages.keys())]
    expect(closure.filter((name) => FORBIDDEN.some((pattern) => pattern.test(name)))).toEqual([])
  })
})
