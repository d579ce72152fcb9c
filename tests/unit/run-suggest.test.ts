import { describe, expect, it } from 'vitest'
import { isManifest, matchesWorkspace, packageManagerFor, suggestCommands } from '../../src/run/suggest.ts'

/** Suggestions for a branch given as path → text (null: a file whose text is not needed). */
function suggest(branch: Record<string, string | null>) {
  const paths = Object.keys(branch)
  const texts = new Map(paths.filter(isManifest).map((p) => [p, branch[p] ?? '']))
  return suggestCommands(paths, texts)
}
const commands = (branch: Record<string, string | null>) =>
  suggest(branch).commands.map((c) => (c.cwd ? `${c.cwd}$ ${c.command}` : c.command))

const pkg = (value: object) => JSON.stringify(value, null, 2)

describe('command suggestions', () => {
  it('offers package.json scripts through the package manager its lockfile names', () => {
    const scripts = { dev: 'vite', build: 'vite build', test: 'vitest run', start: 'node server.js' }
    const manifest = pkg({ name: 'app', scripts, devDependencies: { vite: '^8.0.0' } })
    expect(commands({ 'package.json': manifest, 'package-lock.json': null })).toEqual([
      'npm ci',
      'npm run dev',
      'npm run build',
      'npm test',
      'npm start',
    ])
    expect(commands({ 'package.json': manifest, 'yarn.lock': null })).toEqual([
      'yarn install',
      'yarn dev',
      'yarn build',
      'yarn test',
      'yarn start',
    ])
    expect(commands({ 'package.json': manifest, 'pnpm-lock.yaml': null })).toContain('pnpm run build')
    expect(commands({ 'package.json': manifest, 'bun.lockb': null })).toContain('bun run test')
    expect(commands({ 'package.json': manifest, 'bun.lock': null })).toContain('bun install')
    expect(commands({ 'package.json': manifest })).toContain('npm install')
    const labelled = suggest({ 'package.json': manifest }).commands.find((c) => c.command === 'npm run build')
    expect(labelled).toEqual({
      command: 'npm run build',
      cwd: '',
      source: 'package.json',
      label: 'package.json: vite build',
    })
  })

  it('falls back to the packageManager field when there is no lockfile', () => {
    expect(packageManagerFor('', new Set(['package.json']), 'pnpm@9.12.0')).toBe('pnpm')
    expect(packageManagerFor('packages/a', new Set(['yarn.lock', 'packages/a/package.json']))).toBe('yarn')
  })

  it('runs workspace members in their folder with the root manager, installing only at the root', () => {
    const result = commands({
      'package.json': pkg({
        private: true,
        workspaces: ['packages/*'],
        scripts: { build: 'tsc -b' },
        devDependencies: { typescript: '5' },
      }),
      'yarn.lock': null,
      'packages/core/package.json': pkg({
        name: '@acme/core',
        scripts: { test: 'vitest' },
        dependencies: { zod: '3' },
      }),
      'packages/core/node_modules/dep/package.json': pkg({ name: 'dep', scripts: { postinstall: 'x' } }),
    })
    expect(result).toEqual(['yarn install', 'yarn build', 'packages/core$ yarn test'])
    const pnpm = suggest({
      'package.json': pkg({ private: true }),
      'pnpm-workspace.yaml': "packages:\n  - 'apps/*'\n  - tools/cli\n",
      'pnpm-lock.yaml': null,
      'apps/web/package.json': pkg({ name: 'web', scripts: { dev: 'vite' } }),
    }).commands
    expect(pnpm).toEqual([
      {
        command: 'pnpm run dev',
        cwd: 'apps/web',
        source: 'apps/web/package.json',
        label: 'workspace web: vite',
      },
    ])
    expect(matchesWorkspace('apps/**', 'apps/a/b')).toBe(true)
    expect(matchesWorkspace('./tools/cli/', 'tools/cli')).toBe(true)
    expect(matchesWorkspace('packages/*', 'packages/a/b')).toBe(false)
  })

  it('reports malformed JSON without failing the other manifests', () => {
    const result = suggest({
      'package.json': '{ "scripts": { "test": "jest", } }',
      Makefile: 'test:\n\tgo test ./...\n',
    })
    expect(result.commands.map((c) => c.command)).toEqual(['make test'])
    expect(result.problems).toHaveLength(1)
    expect(result.problems[0]).toMatch(/^package\.json: not valid JSON \(/)
    expect(suggest({ 'package.json': '[1]' }).problems).toEqual(['package.json: expected a JSON object'])
    expect(suggest({ 'package.json': '{"scripts": "build"}' }).problems).toEqual([
      'package.json: "scripts" must be an object',
    ])
  })

  it('offers cargo build/test/run for a crate, and per-member runs for a workspace', () => {
    expect(
      commands({
        'Cargo.toml':
          '[package]\nname = "hello"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = { version = "1", features = ["derive"] }\n',
        'src/main.rs': null,
      }),
    ).toEqual(['cargo build', 'cargo test', 'cargo run'])
    expect(commands({ 'Cargo.toml': '[package]\nname = "lib"\n', 'src/lib.rs': null })).toEqual([
      'cargo build',
      'cargo test',
    ])
    expect(
      commands({
        'Cargo.toml':
          '[workspace]\nresolver = "2"\nmembers = [\n  "crates/*",  # every crate\n  "tools/gen",\n]\n',
        'crates/core/Cargo.toml': '[package]\nname = "core"\n',
        'crates/core/src/lib.rs': null,
        'crates/cli/Cargo.toml':
          '[package]\nname = "acme-cli"\n\n[[bin]]\nname = "acme"\npath = "src/bin.rs"\n',
        'tools/gen/Cargo.toml': "[package]\nname = 'gen'\n",
        'tools/gen/src/main.rs': null,
      }),
    ).toEqual([
      'cargo build --workspace',
      'cargo test --workspace',
      'cargo run -p acme-cli',
      'cargo run -p gen',
    ])
  })

  it('reports malformed TOML with its line', () => {
    const result = suggest({ 'Cargo.toml': '[package\nname = "x"\n' })
    expect(result.commands).toEqual([])
    expect(result.problems).toEqual([
      'Cargo.toml: not valid TOML (line 1, column 9: illegal character in key)',
    ])
    expect(suggest({ 'pyproject.toml': '[project]\nname = "a"\nname = "b"\n' }).problems).toEqual([
      'pyproject.toml: not valid TOML (line 3, column 1: trying to redefine an already defined table or value)',
    ])
  })

  it('offers go build/test/run, including cmd/ binaries', () => {
    expect(
      commands({
        'go.mod': 'module example.com/hello\n\ngo 1.22\n',
        'main.go': null,
        'cmd/tool/main.go': null,
        'cmd/srv/main.go': null,
        'internal/x/x.go': null,
      }),
    ).toEqual(['go build ./...', 'go test ./...', 'go run .', 'go run ./cmd/srv', 'go run ./cmd/tool'])
  })

  it('offers Python installs, entry points, tests and project scripts', () => {
    const pyproject =
      '[project]\nname = "weather"\ndependencies = ["httpx>=0.27"]\n\n[project.scripts]\nweather = "weather.cli:main"\n\n[build-system]\nrequires = ["hatchling"]\n'
    expect(commands({ 'pyproject.toml': pyproject, 'main.py': null, 'tests/test_cli.py': null })).toEqual([
      'pip install -e .',
      'python main.py',
      'python -m pytest',
      'weather',
    ])
    expect(commands({ 'pyproject.toml': pyproject, 'uv.lock': null })).toEqual(['uv sync', 'uv run weather'])
    const poetry = '[tool.poetry]\nname = "p"\n\n[tool.poetry.scripts]\nserve = "p.app:run"\n'
    expect(commands({ 'pyproject.toml': poetry, 'app.py': null })).toEqual([
      'poetry install',
      'poetry run python app.py',
      'poetry run serve',
    ])
    expect(commands({ 'requirements.txt': 'flask==3.0\n', 'app.py': null })).toEqual([
      'pip install -r requirements.txt',
      'python app.py',
    ])
  })

  it('offers Makefile targets, not variables, special targets or pattern rules', () => {
    const makefile = [
      'CC := gcc',
      'PREFIX ?= /usr/local',
      '.PHONY: all test clean',
      '',
      'all: build',
      'build: main.o util.o',
      '\t$(CC) -o app $^',
      '%.o: %.c',
      '\t$(CC) -c $<',
      'test check: build',
      '\t./app --self-test',
      'clean:',
      '\trm -f app *.o',
      'install:: build',
      'dist/app.tar: build',
    ].join('\n')
    expect(commands({ Makefile: makefile })).toEqual([
      'make all',
      'make build',
      'make test',
      'make check',
      'make clean',
      'make dist/app.tar',
    ])
    expect(suggest({ 'sub/Makefile': 'run:\n\tpython x.py\n' }).commands[0]).toMatchObject({
      command: 'make run',
      cwd: 'sub',
    })
  })

  it('reads only manifests, and skips installed or generated folders', () => {
    expect(isManifest('package.json')).toBe(true)
    expect(isManifest('node_modules/x/package.json')).toBe(false)
    expect(isManifest('target/debug/Cargo.toml')).toBe(false)
    expect(isManifest('src/index.ts')).toBe(false)
  })
})
