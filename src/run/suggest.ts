import { parse as readToml, TomlError, type TomlTable, type TomlValue } from 'smol-toml'

/** A command the Run menu offers, with where it comes from. */
export interface Suggestion {
  command: string
  /** Folder to run it in, from the branch root ('' for the root). */
  cwd: string
  /** The manifest that suggested it. */
  source: string
  /** What it does, in a few words. */
  label: string
}

export interface Suggestions {
  commands: Suggestion[]
  /** Manifests that could not be read, each with the reason: shown, never thrown. */
  problems: string[]
}

export type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun'

const MANIFESTS = new Set([
  'package.json',
  'pnpm-workspace.yaml',
  'Cargo.toml',
  'go.mod',
  'pyproject.toml',
  'requirements.txt',
  'Makefile',
  'makefile',
  'GNUmakefile',
])
const LOCKFILES: [string, PackageManager][] = [
  ['package-lock.json', 'npm'],
  ['yarn.lock', 'yarn'],
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lockb', 'bun'],
  ['bun.lock', 'bun'],
]
/** Folders whose manifests are someone else's (installed or generated), not the project's. */
const THIRD_PARTY_FOLDERS = /(^|\/)(node_modules|target|vendor|\.venv|venv|dist|build|\.git)\//

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1)
const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
const join = (folder: string, name: string) => (folder ? `${folder}/${name}` : name)

/** True for the files whose text `suggestCommands` reads; the caller loads only these. */
export function isManifest(path: string): boolean {
  return MANIFESTS.has(baseName(path)) && !THIRD_PARTY_FOLDERS.test(path)
}

/** Matches a workspace pattern (`packages/*`, `apps/**`, `tools/cli`) against a folder. */
export function matchesWorkspace(pattern: string, folder: string): boolean {
  const clean = pattern.replace(/^\.\//, '').replace(/\/+$/, '')
  const source = clean
    .split('/')
    .map((part) =>
      part === '**'
        ? '.*'
        : part
            .split('*')
            .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*'),
    )
    .join('/')
  return new RegExp(`^${source}$`).test(folder)
}

/**
 * Commands worth offering for a branch: package.json scripts (run by the package manager its
 * lockfile names), Cargo, Go, Python and Makefile targets. `paths` are every file of the branch;
 * `texts` holds the text of those for which `isManifest` is true.
 */
export function suggestCommands(paths: readonly string[], texts: ReadonlyMap<string, string>): Suggestions {
  const files = new Set(paths)
  const out: Suggestions = { commands: [], problems: [] }
  const manifests = paths
    .filter(isManifest)
    .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))
  const context: Context = { files, texts, out, manifests }
  for (const path of manifests) {
    const text = texts.get(path)
    if (text === undefined) continue
    try {
      switch (baseName(path)) {
        case 'package.json':
          packageJson(path, text, context)
          break
        case 'Cargo.toml':
          cargo(path, text, context)
          break
        case 'go.mod':
          goModule(path, context)
          break
        case 'pyproject.toml':
          pyproject(path, text, context)
          break
        case 'requirements.txt':
          requirements(path, context)
          break
        case 'pnpm-workspace.yaml':
          break
        default:
          makefile(path, text, context)
      }
    } catch (error) {
      out.problems.push(`${path}: ${(error as Error).message}`)
    }
  }
  return out
}

interface Context {
  files: Set<string>
  texts: ReadonlyMap<string, string>
  out: Suggestions
  manifests: string[]
}

function add(context: Context, source: string, command: string, label: string): void {
  context.out.commands.push({ command, cwd: folderOf(source), source, label })
}

// ---- JavaScript ----

function parseJson(text: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    throw new Error(`not valid JSON (${(error as Error).message})`, { cause: error })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('expected a JSON object')
  return value as Record<string, unknown>
}

/** The package manager for a package folder: the nearest lockfile up the tree, else `packageManager`, else npm. */
export function packageManagerFor(
  folder: string,
  files: ReadonlySet<string>,
  declared?: unknown,
): PackageManager {
  for (let at: string | null = folder; at !== null; at = at === '' ? null : folderOf(at))
    for (const [lockfile, manager] of LOCKFILES) if (files.has(join(at, lockfile))) return manager
  const named = typeof declared === 'string' ? declared.split('@')[0] : ''
  return (['npm', 'yarn', 'pnpm', 'bun'] as const).find((m) => m === named) ?? 'npm'
}

/** How `manager` runs the script `name`. */
export function scriptCommand(manager: PackageManager, name: string): string {
  if (manager === 'npm') return name === 'test' || name === 'start' ? `npm ${name}` : `npm run ${name}`
  if (manager === 'yarn') return `yarn ${name}`
  return `${manager} run ${name}`
}

/** Workspace patterns declared at the root package.json or pnpm-workspace.yaml. */
function workspacePatterns(context: Context): string[] {
  const patterns: string[] = []
  const root = context.texts.get('package.json')
  if (root) {
    try {
      const { workspaces } = parseJson(root)
      const list = Array.isArray(workspaces)
        ? workspaces
        : (workspaces as { packages?: unknown } | undefined)?.packages
      if (Array.isArray(list)) patterns.push(...list.filter((p): p is string => typeof p === 'string'))
    } catch {
      // Reported once, where the root package.json itself is read.
    }
  }
  const pnpm = context.texts.get('pnpm-workspace.yaml')
  if (pnpm) for (const match of pnpm.matchAll(/^\s*-\s*['"]?([^'"\n#]+?)['"]?\s*$/gm)) patterns.push(match[1])
  return patterns
}

function packageJson(path: string, text: string, context: Context): void {
  const pkg = parseJson(text)
  const folder = folderOf(path)
  const manager = packageManagerFor(
    folder,
    context.files,
    pkg.packageManager ?? rootField(context, 'packageManager'),
  )
  const member =
    folder !== '' && workspacePatterns(context).some((pattern) => matchesWorkspace(pattern, folder))
  const name = typeof pkg.name === 'string' ? pkg.name : folder || 'package'
  const where = member ? `workspace ${name}` : folder ? name : 'package.json'
  const hasDeps = ['dependencies', 'devDependencies'].some(
    (field) =>
      typeof pkg[field] === 'object' && pkg[field] !== null && Object.keys(pkg[field] as object).length > 0,
  )
  // Members are installed from the workspace root, so only a root or a standalone package offers install.
  if (hasDeps && !member)
    add(
      context,
      path,
      manager === 'npm' && context.files.has(join(folder, 'package-lock.json'))
        ? 'npm ci'
        : `${manager} install`,
      `install dependencies (${where})`,
    )
  const scripts = pkg.scripts
  if (scripts === undefined) return
  if (typeof scripts !== 'object' || scripts === null || Array.isArray(scripts))
    throw new Error('"scripts" must be an object')
  for (const [script, body] of Object.entries(scripts)) {
    if (typeof body !== 'string') continue
    add(
      context,
      path,
      scriptCommand(manager, script),
      `${where}: ${body.length > 60 ? `${body.slice(0, 57)}…` : body}`,
    )
  }
}

/** A field of the root package.json, if there is one and it parses. */
function rootField(context: Context, field: string): unknown {
  const root = context.texts.get('package.json')
  if (!root) return undefined
  try {
    return parseJson(root)[field]
  } catch {
    return undefined
  }
}

// ---- Rust ----

const table = (value: TomlValue | undefined): TomlTable | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
    ? value
    : undefined
const strings = (value: TomlValue | undefined): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []

function readManifest(text: string): TomlTable {
  try {
    return readToml(text)
  } catch (error) {
    if (!(error instanceof TomlError)) throw error
    // smol-toml's message carries a multi-line code frame; a problem is one line.
    const reason = error.message.replace(/^Invalid TOML document: /, '').split('\n')[0]
    throw new Error(`not valid TOML (line ${error.line}, column ${error.column}: ${reason})`, {
      cause: error,
    })
  }
}

function cargo(path: string, text: string, context: Context): void {
  const folder = folderOf(path)
  const manifest = readManifest(text)
  // A member of a workspace declared higher up is built from there.
  const isMember = context.manifests.some(
    (other) =>
      baseName(other) === 'Cargo.toml' && other !== path && workspaceMembers(other, context).includes(folder),
  )
  if (isMember) return
  const workspace = table(manifest.workspace)
  const pkg = table(manifest.package)
  const binaries = (dir: string, toml: TomlTable) =>
    Array.isArray(toml.bin) || context.files.has(join(dir, 'src/main.rs'))
  if (workspace) {
    add(context, path, 'cargo build --workspace', 'build every crate')
    add(context, path, 'cargo test --workspace', 'test every crate')
    for (const member of workspaceMembers(path, context)) {
      let memberToml: TomlTable
      try {
        memberToml = readToml(context.texts.get(join(member, 'Cargo.toml')) ?? '')
      } catch {
        continue // reported where the member's own manifest is read
      }
      const name = table(memberToml.package)?.name
      if (typeof name === 'string' && binaries(member, memberToml))
        add(context, path, `cargo run -p ${name}`, `run ${name}`)
    }
    if (!pkg) return
  }
  add(context, path, 'cargo build', `build ${typeof pkg?.name === 'string' ? pkg.name : 'the crate'}`)
  add(context, path, 'cargo test', 'run the tests')
  if (binaries(folder, manifest)) add(context, path, 'cargo run', 'run the binary')
}

/** Folders of the members a Cargo workspace manifest declares (globs expanded against the files). */
function workspaceMembers(path: string, context: Context): string[] {
  const text = context.texts.get(path)
  if (!text) return []
  let members: string[]
  try {
    members = strings(table(readToml(text).workspace)?.members)
  } catch {
    return []
  }
  const base = folderOf(path)
  const crates = context.manifests.filter((p) => baseName(p) === 'Cargo.toml').map(folderOf)
  return crates.filter((dir) => dir !== base && members.some((m) => matchesWorkspace(join(base, m), dir)))
}

// ---- Go ----

function goModule(path: string, context: Context): void {
  const folder = folderOf(path)
  add(context, path, 'go build ./...', 'build every package')
  add(context, path, 'go test ./...', 'test every package')
  if (context.files.has(join(folder, 'main.go'))) add(context, path, 'go run .', 'run the module')
  const commands = new Set<string>()
  const prefix = join(folder, 'cmd/')
  for (const file of context.files) {
    if (!file.startsWith(prefix) || !file.endsWith('.go')) continue
    const rest = file.slice(prefix.length).split('/')
    if (rest.length === 2) commands.add(rest[0])
  }
  for (const name of [...commands].sort()) add(context, path, `go run ./cmd/${name}`, `run ${name}`)
}

// ---- Python ----

const PY_ENTRIES = ['main.py', 'app.py', 'manage.py', '__main__.py']

function hasPythonTests(folder: string, files: ReadonlySet<string>): boolean {
  for (const file of files)
    if (file.startsWith(folder ? `${folder}/` : '') && /(^|\/)(test_[^/]*|[^/]*_test)\.py$/.test(file))
      return true
  return false
}

function pythonEntries(path: string, context: Context, run: (command: string) => string): void {
  const folder = folderOf(path)
  for (const entry of PY_ENTRIES)
    if (context.files.has(join(folder, entry)))
      add(context, path, run(entry === '__main__.py' ? 'python .' : `python ${entry}`), `run ${entry}`)
  if (hasPythonTests(folder, context.files)) add(context, path, run('python -m pytest'), 'run the tests')
}

function pyproject(path: string, text: string, context: Context): void {
  const manifest = readManifest(text)
  const folder = folderOf(path)
  const poetry = table(table(manifest.tool)?.poetry)
  const uv = context.files.has(join(folder, 'uv.lock'))
  const run = (command: string) => (uv ? `uv run ${command}` : poetry ? `poetry run ${command}` : command)
  add(context, path, uv ? 'uv sync' : poetry ? 'poetry install' : 'pip install -e .', 'install the project')
  pythonEntries(path, context, run)
  const scripts = { ...table(table(manifest.project)?.scripts), ...table(poetry?.scripts) }
  for (const [name, target] of Object.entries(scripts))
    if (typeof target === 'string') add(context, path, run(name), `${name} → ${target}`)
}

function requirements(path: string, context: Context): void {
  const folder = folderOf(path)
  add(context, path, 'pip install -r requirements.txt', 'install requirements')
  // A pyproject beside it already offers the entry points.
  if (!context.files.has(join(folder, 'pyproject.toml'))) pythonEntries(path, context, (command) => command)
}

// ---- make ----

function makefile(path: string, text: string, context: Context): void {
  const seen = new Set<string>()
  const joined = text.replace(/\\\n/g, ' ')
  for (const match of joined.matchAll(
    /^([A-Za-z0-9_][A-Za-z0-9_./-]*(?:[ \t]+[A-Za-z0-9_][A-Za-z0-9_./-]*)*)[ \t]*:(?![=:])/gm,
  ))
    for (const target of match[1].split(/[ \t]+/)) {
      if (seen.has(target)) continue
      seen.add(target)
      add(context, path, `make ${target}`, `make target ${target}`)
    }
}
