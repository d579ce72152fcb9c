import { describe, expect, it } from 'vitest'
import { merge, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/** A multi-line list of `items` inside `open` and `close`, each item on its own line, `comma` after the last. */
const list = (open: string, close: string, indent: string, items: string[], comma: boolean) =>
  `${open}\n${items.map((item) => indent + item).join(',\n')}${comma ? ',' : ''}\n${close}`

/**
 * In each language, a list whose last element the left follows with a trailing comma while the
 * right appends an element (and the same with the sides swapped): the new element, and a comma
 * after it.
 */
const trailingCommaCases: {
  language: string
  path: string
  wrap: (items: string[], comma: boolean) => string
}[] = [
  {
    language: 'TypeScript array',
    path: 'a.ts',
    wrap: (items, comma) => `export const xs = ${list('[', ']', '  ', items, comma)}\n`,
  },
  {
    language: 'TypeScript call arguments',
    path: 'a.ts',
    wrap: (items, comma) => `run(${list('', ')', '  ', items, comma).slice(1)}\n`,
  },
  {
    language: 'JavaScript array',
    path: 'a.js',
    wrap: (items, comma) => `module.exports = ${list('[', ']', '  ', items, comma)}\n`,
  },
  {
    language: 'JSONC (tsconfig.json) array',
    path: 'tsconfig.json',
    wrap: (items, comma) =>
      `{\n  "include": ${list(
        '[',
        '  ]',
        '    ',
        items.map((item) => `"${item}"`),
        comma,
      )}\n}\n`,
  },
  {
    language: 'JSONC (tsconfig.json) object',
    path: 'tsconfig.json',
    wrap: (items, comma) =>
      list(
        '{',
        '}',
        '  ',
        items.map((item) => `"${item}": true`),
        comma,
      ) + '\n',
  },
  {
    language: 'Python list',
    path: 'a.py',
    wrap: (items, comma) => `names = ${list('[', ']', '    ', items, comma)}\n`,
  },
  {
    language: 'Python call arguments',
    path: 'a.py',
    wrap: (items, comma) => `run(${list('', ')', '    ', items, comma).slice(1)}\n`,
  },
  {
    language: 'TOML array',
    path: 'a.toml',
    wrap: (items, comma) =>
      `names = ${list(
        '[',
        ']',
        '  ',
        items.map((item) => `"${item}"`),
        comma,
      )}\n`,
  },
  {
    language: 'Rust vec!',
    path: 'a.rs',
    wrap: (items, comma) =>
      `fn names() -> Vec<u32> {\n    vec!${list('[', '    ]', '        ', items, comma)}\n}\n`,
  },
  {
    language: 'Rust call arguments',
    path: 'a.rs',
    wrap: (items, comma) => `fn main() {\n    run${list('(', '    );', '        ', items, comma)}\n}\n`,
  },
  {
    language: 'Java array initializer',
    path: 'A.java',
    wrap: (items, comma) => `class A {\n    int[] xs = ${list('{', '    };', '        ', items, comma)}\n}\n`,
  },
]

describe('merge engine: a trailing separator on one side, elements appended on the other', () => {
  for (const { language, path, wrap } of trailingCommaCases) {
    const [alpha, beta, gamma] =
      path.endsWith('.ts') || path.endsWith('.js') || path.endsWith('.py')
        ? ['alpha', 'beta', 'gamma']
        : path.endsWith('.rs') || path.endsWith('.java')
          ? ['1', '2', '3']
          : ['alpha', 'beta', 'gamma']

    it(`${language}: the appended element, with the trailing comma the other side added`, () => {
      const base = wrap([alpha, beta], false)
      const withComma = wrap([alpha, beta], true)
      const appended = wrap([alpha, beta, gamma], false)
      const expected = wrap([alpha, beta, gamma], true)
      expect(merge(path, base, withComma, appended)).toMatchObject({ clean: true, text: expected })
      expect(merge(path, base, appended, withComma)).toMatchObject({ clean: true, text: expected })
    })

    it(`${language}: the appended element, without the trailing comma the other side removed`, () => {
      const base = wrap([alpha, beta], true)
      const withoutComma = wrap([alpha, beta], false)
      const appended = wrap([alpha, beta, gamma], true)
      const expected = wrap([alpha, beta, gamma], false)
      expect(merge(path, base, withoutComma, appended)).toMatchObject({ clean: true, text: expected })
      expect(merge(path, base, appended, withoutComma)).toMatchObject({ clean: true, text: expected })
    })
  }

  it('TypeScript: both sides adding the trailing comma, one of them after a new element, keep it once', () => {
    const base = 'f(\n  a,\n  b\n)\n'
    const result = merge('a.ts', base, 'f(\n  a,\n  b,\n)\n', 'f(\n  a,\n  b,\n  c,\n)\n')
    expect(result).toMatchObject({ clean: true, text: 'f(\n  a,\n  b,\n  c,\n)\n' })
  })

  it('Python: a one-line list gets the element and the trailing comma', () => {
    const result = merge('a.py', 'x = [1, 2]\n', 'x = [1, 2,]\n', 'x = [1, 2, 3]\n')
    expect(result).toMatchObject({ clean: true, text: 'x = [1, 2, 3,]\n' })
  })

  it('JSONC: keys both sides append to a tsconfig.json with trailing commas and comments are both kept', () => {
    const config = (...options: string[]) =>
      `{\n  // compiler settings\n  "compilerOptions": {\n${options.map((option) => `    ${option},\n`).join('')}  },\n}\n`
    const result = merge(
      'tsconfig.json',
      config('"strict": true'),
      config('"strict": true', '"noEmit": true'),
      config('"strict": true', '"outDir": "dist"'),
    )
    expect(result).toMatchObject({
      clean: true,
      text: config('"strict": true', '"noEmit": true', '"outDir": "dist"'),
    })
  })

  it('still conflicts when both sides append different elements to an ordered list', () => {
    const result = merge(
      'a.ts',
      'f(\n  a,\n  b\n)\n',
      'f(\n  a,\n  b,\n  c,\n)\n',
      'f(\n  a,\n  b,\n  d\n)\n',
    )
    expect(result.clean).toBe(false)
  })

  it('one side adds the trailing comma, the other edits the last element: both', () => {
    const result = merge('a.ts', 'f(\n  a,\n  b\n)\n', 'f(\n  a,\n  b,\n)\n', 'f(\n  a,\n  bb\n)\n')
    expect(result).toMatchObject({ clean: true, text: 'f(\n  a,\n  bb,\n)\n' })
  })
})
