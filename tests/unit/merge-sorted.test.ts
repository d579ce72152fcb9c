import { describe, expect, it } from 'vitest'
import { merge, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/**
 * A container written from its names in order. Both sides add a name at one place, each where
 * sorting puts it, the right's sorting first (so the usual left-first order is wrong): `merged`.
 */
interface SortedCase {
  name: string
  path: string
  write: (names: string[]) => string
  base: string[]
  left: string[]
  right: string[]
  merged: string[]
}

const sortedCases: SortedCase[] = [
  {
    name: 'package.json dependencies, added between two',
    path: 'package.json',
    write: (names) =>
      `{\n  "name": "app",\n  "dependencies": {\n${names.map((name) => `    "${name}": "^1.0.0"`).join(',\n')}\n  }\n}\n`,
    base: ['@scope/core', 'left-pad', 'zod'],
    left: ['@scope/core', 'left-pad', 'react', 'zod'],
    right: ['@scope/core', 'left-pad', 'lodash', 'zod'],
    merged: ['@scope/core', 'left-pad', 'lodash', 'react', 'zod'],
  },
  {
    name: 'package.json devDependencies, both appended',
    path: 'package.json',
    write: (names) =>
      `{\n  "devDependencies": {\n${names.map((name) => `    "${name}": "1.0.0"`).join(',\n')}\n  }\n}\n`,
    base: ['eslint', 'prettier'],
    left: ['eslint', 'prettier', 'vitest'],
    right: ['eslint', 'prettier', 'typescript'],
    merged: ['eslint', 'prettier', 'typescript', 'vitest'],
  },
  {
    name: 'Cargo.toml [dependencies]',
    path: 'Cargo.toml',
    write: (names) =>
      `[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\n${names.map((name) => `${name} = "1"`).join('\n')}\n`,
    base: ['anyhow', 'tokio'],
    left: ['anyhow', 'serde', 'tokio'],
    right: ['anyhow', 'rand', 'tokio'],
    merged: ['anyhow', 'rand', 'serde', 'tokio'],
  },
  {
    name: 'Go imports, within the standard library group',
    path: 'main.go',
    write: (names) =>
      `package main\n\nimport (\n${names.map((name) => `\t"${name}"`).join('\n')}\n\n\t"github.com/acme/lib"\n)\n\nfunc main() {}\n`,
    base: ['fmt', 'os'],
    left: ['fmt', 'os', 'strings'],
    right: ['fmt', 'os', 'sort'],
    merged: ['fmt', 'os', 'sort', 'strings'],
  },
  {
    name: 'TypeScript named imports',
    path: 'a.ts',
    write: (names) => `import { ${names.join(', ')} } from './util.ts'\n\nexport const run = () => 1\n`,
    base: ['alpha', 'delta'],
    left: ['alpha', 'charlie', 'delta'],
    right: ['alpha', 'bravo', 'delta'],
    merged: ['alpha', 'bravo', 'charlie', 'delta'],
  },
  {
    name: 'JavaScript import statements, sorted by module',
    path: 'a.js',
    write: (names) =>
      `${names.map((name) => `import ${name} from '${name}'\n`).join('')}\nexport default 1\n`,
    base: ['express', 'zlib'],
    left: ['express', 'morgan', 'zlib'],
    right: ['express', 'helmet', 'zlib'],
    merged: ['express', 'helmet', 'morgan', 'zlib'],
  },
  {
    name: 'Python names imported from a module',
    path: 'a.py',
    write: (names) => `from app.util import ${names.join(', ')}\n\nrun()\n`,
    base: ['alpha', 'delta'],
    left: ['alpha', 'charlie', 'delta'],
    right: ['alpha', 'bravo', 'delta'],
    merged: ['alpha', 'bravo', 'charlie', 'delta'],
  },
  {
    name: 'Python import statements',
    path: 'a.py',
    write: (names) => `${names.map((name) => `import ${name}\n`).join('')}\n\nprint(1)\n`,
    base: ['json', 'sys'],
    left: ['json', 're', 'sys'],
    right: ['json', 'os', 'sys'],
    merged: ['json', 'os', 're', 'sys'],
  },
  {
    name: 'Rust use list, in rustfmt order (snake_case before CamelCase)',
    path: 'a.rs',
    write: (names) => `use std::sync::{${names.join(', ')}};\n\nfn main() {}\n`,
    base: ['atomic', 'Arc', 'Mutex'],
    left: ['atomic', 'Arc', 'Condvar', 'Mutex'],
    right: ['atomic', 'Arc', 'Barrier', 'Mutex'],
    merged: ['atomic', 'Arc', 'Barrier', 'Condvar', 'Mutex'],
  },
  {
    name: 'Java imports',
    path: 'A.java',
    write: (names) =>
      `package app;\n\n${names.map((name) => `import java.util.${name};\n`).join('')}\nclass A {}\n`,
    base: ['List', 'Set'],
    left: ['List', 'Optional', 'Set'],
    right: ['List', 'Map', 'Set'],
    merged: ['List', 'Map', 'Optional', 'Set'],
  },
]

describe('merge engine: containers kept sorted on all three sides stay sorted', () => {
  for (const { name, path, write, base, left, right, merged } of sortedCases) {
    it(`${name}: each side's addition at its sorted place`, () => {
      const expected = { clean: true, text: write(merged) }
      expect(merge(path, write(base), write(left), write(right))).toMatchObject(expected)
      expect(merge(path, write(base), write(right), write(left))).toMatchObject(expected)
    })
  }

  it('Go: additions at the end of one import group stay in that group', () => {
    const imports = (std: string[], other: string[]) =>
      `package main\n\nimport (\n${std.map((n) => `\t"${n}"\n`).join('')}\n${other.map((n) => `\t"${n}"\n`).join('')})\n`
    const result = merge(
      'main.go',
      imports(['fmt', 'os'], ['github.com/acme/a', 'github.com/acme/c']),
      imports(['fmt', 'os', 'strings'], ['github.com/acme/a', 'github.com/acme/c']),
      imports(['fmt', 'os', 'sort'], ['github.com/acme/a', 'github.com/acme/b', 'github.com/acme/c']),
    )
    expect(result).toMatchObject({
      clean: true,
      text: imports(
        ['fmt', 'os', 'sort', 'strings'],
        ['github.com/acme/a', 'github.com/acme/b', 'github.com/acme/c'],
      ),
    })
  })

  it('a container that is not sorted keeps both additions in the order the sides appended them', () => {
    const deps = (...names: string[]) => `{\n${names.map((name) => `  "${name}": 1`).join(',\n')}\n}\n`
    const result = merge(
      'data.json',
      deps('zeta', 'alpha'),
      deps('zeta', 'alpha', 'mu'),
      deps('zeta', 'alpha', 'beta'),
    )
    expect(result).toMatchObject({ clean: true, text: deps('zeta', 'alpha', 'mu', 'beta') })
  })

  it('declarations that happen to be sorted are not reordered: only imports and keys are', () => {
    const file = (...names: string[]) => names.map((name) => `export function ${name}() {}\n`).join('\n')
    const result = merge('a.ts', file('a', 'b'), file('a', 'b', 'z'), file('a', 'b', 'c'))
    expect(result).toMatchObject({ clean: true, text: file('a', 'b', 'z', 'c') })
  })
})
