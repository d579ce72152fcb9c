import { describe, expect, it } from 'vitest'
import { engine, useMergeEngine } from './mergeHarness.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'
import { engineFileMerger } from '../../src/merge/fileMerger.ts'
import { MARKERS } from '../../src/merge/line/markers.ts'
import type { GrammarId } from '../../src/syntax/languages.ts'
import { profileFor } from '../../src/merge/profiles/languages.ts'
import {
  flattenChains,
  parseTree,
  Parses,
  type Parsed,
  type SyntaxNode,
} from '../../src/merge/tree/syntaxTree.ts'

useMergeEngine()

const merge = (path: string, base: string, left: string, right: string, budgetMs?: number) =>
  engine.merge({ base, left, right, path, budgetMs })

describe('merge engine: parallel edits to the same file', () => {
  it('keeps functions both sides append at the same place, left first', () => {
    const base = 'export function a() {\n  return 1\n}\n'
    const left = base + '\nexport function fromLeft() {\n  return 2\n}\n'
    const right = base + '\nexport function fromRight() {\n  return 3\n}\n'
    const result = merge('src/a.ts', base, left, right)
    expect(result.clean).toBe(true)
    expect(result.method).toBe('structured')
    expect(result.text).toBe(
      base +
        '\nexport function fromLeft() {\n  return 2\n}\n\nexport function fromRight() {\n  return 3\n}\n',
    )
  })

  it('keeps imports both sides add at the same place', () => {
    const base = "import { a } from './a.ts'\n\nexport const x = a\n"
    const left = "import { a } from './a.ts'\nimport { b } from './b.ts'\n\nexport const x = a\n"
    const right = "import { a } from './a.ts'\nimport { c } from './c.ts'\n\nexport const x = a\n"
    const result = merge('x.ts', base, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      "import { a } from './a.ts'\nimport { b } from './b.ts'\nimport { c } from './c.ts'\n\nexport const x = a\n",
    )
  })

  it('merges names both sides add to one import list', () => {
    const result = merge(
      'x.ts',
      "import { a } from './m.ts'\n",
      "import { a, b } from './m.ts'\n",
      "import { a, c } from './m.ts'\n",
    )
    expect(result).toMatchObject({ clean: true, text: "import { a, b, c } from './m.ts'\n" })
  })

  it('merges edits to neighbouring statements of one function', () => {
    const base = 'function f() {\n  one()\n  two()\n}\n'
    const result = merge(
      'f.js',
      base,
      'function f() {\n  one(1)\n  two()\n}\n',
      'function f() {\n  one()\n  two(2)\n}\n',
    )
    expect(result).toMatchObject({ clean: true, text: 'function f() {\n  one(1)\n  two(2)\n}\n' })
  })

  it('applies an edit to a function the other side moved', () => {
    const foo = (body: string) => `function foo() {\n  return ${body}\n}\n`
    const bar = 'function bar() {\n  return 2\n}\n'
    const base = `${foo('1')}\n${bar}`
    const left = `${bar}\n${foo('1')}`
    const right = `${foo('42')}\n${bar}`
    const result = merge('m.ts', base, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(`${bar}\n${foo('42')}`)
  })

  it('keeps a move made on the right when the left edits the moved function', () => {
    const foo = (body: string) => `function foo() {\n  return ${body}\n}\n`
    const bar = 'function bar() {\n  return 2\n}\n'
    const result = merge('m.ts', `${foo('1')}\n${bar}`, `${foo('42')}\n${bar}`, `${bar}\n${foo('1')}`)
    expect(result).toMatchObject({ clean: true, text: `${bar}\n${foo('42')}` })
  })

  it('does not pick one of two different reorderings', () => {
    const fn = (name: string) => `function ${name}() {\n  return '${name}'\n}\n`
    const order = (...names: string[]) => names.map(fn).join('\n')
    const result = merge('o.ts', order('a', 'b', 'c'), order('b', 'c', 'a'), order('c', 'a', 'b'))
    expect(result.clean).toBe(false)
  })

  it('applies a rename to the uses the other side added', () => {
    const base = 'function total(xs: number[]) {\n  return xs.length\n}\n\nexport const a = total([1])\n'
    const left = 'function count(xs: number[]) {\n  return xs.length\n}\n\nexport const a = count([1])\n'
    const right = base + 'export const b = total([2, 3])\n'
    const result = merge('r.ts', base, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(left + 'export const b = count([2, 3])\n')
    expect(result.warnings).toEqual([
      expect.objectContaining({ kind: 'rename-applied', symbol: 'total', renamedTo: 'count', side: 'left' }),
    ])
  })

  it('applies renamed imports, paired in order, to the uses the other side added', () => {
    const file = (client: string, server: string, uses: string) =>
      `import { ${client} } from "../src/${client}.js"\nimport { ${server} } from "../src/${server}.js"\n\n` +
      `export const a = new ${client}()\nexport const b = new ${server}()\n${uses}`
    const base = file('BrowserClientAdapter', 'NodeServerAdapter', '')
    const left = file('ClientAdapter', 'ServerAdapter', '')
    const right = file(
      'BrowserClientAdapter',
      'NodeServerAdapter',
      'export const c = new NodeServerAdapter()\n',
    )
    for (const [one, other] of [
      [left, right],
      [right, left],
    ]) {
      const result = merge('adapters.test.ts', base, one, other)
      expect(result).toMatchObject({
        clean: true,
        text: file('ClientAdapter', 'ServerAdapter', 'export const c = new ServerAdapter()\n'),
      })
      expect(result.warnings).toEqual([
        expect.objectContaining({
          kind: 'rename-applied',
          symbol: 'NodeServerAdapter',
          renamedTo: 'ServerAdapter',
        }),
      ])
    }
  })

  it('warns when one side deletes a function the other starts to use', () => {
    const helper = 'def helper():\n    return 1\n\n\n'
    const base = `${helper}def main():\n    return 0\n`
    const left = 'def main():\n    return 0\n'
    const right = `${helper}def main():\n    return helper()\n`
    const result = merge('app.py', base, left, right)
    expect(result.warnings).toEqual([
      expect.objectContaining({ kind: 'deleted-symbol-used', symbol: 'helper', side: 'left' }),
    ])
  })
})

describe('merge engine: conflicts', () => {
  it('reports a conflict inside a method with its path and ranges', () => {
    const body = (value: string) => `class Cart {\n  items = []\n\n  total() {\n    return ${value}\n  }\n}\n`
    const result = merge('cart.ts', body('0'), body('this.items.length'), body('sum(this.items)'))
    expect(result.clean).toBe(false)
    expect(result.conflicts).toHaveLength(1)
    const [conflict] = result.conflicts
    expect(conflict.path).toBe('class Cart › method total')
    expect(conflict.left).toBe('    return this.items.length\n')
    expect(conflict.base).toBe('    return 0\n')
    expect(conflict.right).toBe('    return sum(this.items)\n')
    const block = result.text.slice(conflict.resultRange.from, conflict.resultRange.to)
    expect(block).toBe(
      `${MARKERS.left}\n    return this.items.length\n${MARKERS.base}\n    return 0\n${MARKERS.separator}\n    return sum(this.items)\n${MARKERS.right}\n`,
    )
  })

  it('conflicts when both sides add the same JSON key with different values next to each other', () => {
    const result = merge(
      'package.json',
      '{\n  "a": 1,\n  "z": 0\n}\n',
      '{\n  "a": 1,\n  "b": 2,\n  "z": 0\n}\n',
      '{\n  "a": 1,\n  "b": 3,\n  "z": 0\n}\n',
    )
    expect(result.clean).toBe(false)
    expect(result.text).toBe(
      `{\n  "a": 1,\n${MARKERS.left}\n  "b": 2,\n${MARKERS.base}\n${MARKERS.separator}\n  "b": 3,\n${MARKERS.right}\n  "z": 0\n}\n`,
    )
    expect(result.conflicts[0].kind).toBe('pair')
  })

  it('never lets a clean line merge duplicate a JSON key added at two places', () => {
    const base = '{\n  "a": 1,\n  "m": 0,\n  "n": 0,\n  "z": 0\n}\n'
    const left = '{\n  "a": 1,\n  "b": 2,\n  "m": 0,\n  "n": 0,\n  "z": 0\n}\n'
    const right = '{\n  "a": 1,\n  "m": 0,\n  "n": 0,\n  "z": 0,\n  "b": 3\n}\n'
    const result = merge('x.json', base, left, right)
    expect(result.clean).toBe(false)
    expect(result.text.match(/"b"/g)).toHaveLength(2)
  })

  it('does not pass off a broken clean line merge when a side does not parse', () => {
    const base = '{\n  "a": 1,\n  "m": 0,\n  "z": 0\n}\n'
    const left = '{\n  "a": 1,\n  "b": 2,\n  "m": ,\n  "z": 0\n}\n'
    const right = '{\n  "a": 1,\n  "m": 0,\n  "z": 0,\n  "b": 3\n}\n'
    expect(merge('x.json', base, left, right)).toMatchObject({ clean: false, method: 'fallback' })
  })

  it('keeps one copy of a TOML key both sides added at different places, and conflicts on different values', () => {
    const base = '[deps]\na = "1"\nm = "1"\nz = "1"\n'
    const early = (value: string) => base.replace('a = "1"\n', `a = "1"\nb = "${value}"\n`)
    const late = (value: string) => base + `b = "${value}"\n`
    const identical = merge('Cargo.toml', base, early('2'), late('2'))
    expect(identical).toMatchObject({ clean: true, text: early('2') })
    const different = merge('Cargo.toml', base, early('2'), late('3'))
    expect(different.clean).toBe(false)
    expect(different.conflicts[0].path).toBe('table deps')
  })

  it('conflicts on different statements both sides append, where order may matter', () => {
    const result = merge('app.js', 'app.use(a)\n', 'app.use(a)\napp.use(b)\n', 'app.use(a)\napp.use(c)\n')
    expect(result.clean).toBe(false)
    expect(result.conflicts[0]).toMatchObject({ left: 'app.use(b)\n', base: '', right: 'app.use(c)\n' })
  })

  it('conflicts when one side edits what the other deleted', () => {
    const base = 'class A {\n  a() {\n    return 1\n  }\n\n  b() {\n    return 2\n  }\n}\n'
    const left = 'class A {\n  b() {\n    return 2\n  }\n}\n'
    const right = 'class A {\n  a() {\n    return 10\n  }\n\n  b() {\n    return 2\n  }\n}\n'
    const result = merge('a.ts', base, left, right)
    expect(result.clean).toBe(false)
  })
})

describe('merge engine: languages', () => {
  const both = (path: string, base: string, left: string, right: string, expected: string) => () => {
    const result = merge(path, base, left, right)
    expect(result.text).toBe(expected)
    expect(result.clean).toBe(true)
  }
  it(
    'Rust: modifiers each side dropped are both gone, with the space after them',
    both(
      'm.rs',
      'async extern fn test() {\n}\n',
      'async fn test() {\n}\n',
      'extern fn test() {\n}\n',
      'fn test() {\n}\n',
    ),
  )
  it(
    'Java: interfaces both sides start to implement are both kept, comma-separated',
    both(
      'C.java',
      'class C {\n}\n',
      'class C implements Foo {\n}\n',
      'class C implements Bar {\n}\n',
      'class C implements Foo, Bar {\n}\n',
    ),
  )
  it(
    'Python: methods added to a class on both sides',
    both(
      'm.py',
      'class A:\n    def a(self):\n        return 1\n',
      'class A:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n',
      'class A:\n    def a(self):\n        return 1\n\n    def c(self):\n        return 3\n',
      'class A:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n\n    def c(self):\n        return 3\n',
    ),
  )
  it(
    'Python: class attributes with docstrings added on both sides',
    both(
      'a.py',
      'class A:\n    x = 1\n',
      'class A:\n    x = 1\n    y = 2\n    """Y."""\n',
      'class A:\n    x = 1\n    z = 3\n',
      'class A:\n    x = 1\n    y = 2\n    """Y."""\n    z = 3\n',
    ),
  )
  it(
    'Go: imports added on both sides',
    both(
      'main.go',
      'package main\n\nimport (\n\t"fmt"\n)\n',
      'package main\n\nimport (\n\t"fmt"\n\t"os"\n)\n',
      'package main\n\nimport (\n\t"fmt"\n\t"io"\n)\n',
      'package main\n\nimport (\n\t"fmt"\n\t"os"\n\t"io"\n)\n',
    ),
  )
  it(
    'Rust: struct fields added on both sides',
    both(
      'lib.rs',
      'struct P {\n    x: i32,\n}\n',
      'struct P {\n    x: i32,\n    y: i32,\n}\n',
      'struct P {\n    x: i32,\n    z: i32,\n}\n',
      'struct P {\n    x: i32,\n    y: i32,\n    z: i32,\n}\n',
    ),
  )
  it(
    'Java: modifiers added on both sides',
    both(
      'A.java',
      'class A {\n    private int x = 0;\n}\n',
      'class A {\n    private static int x = 0;\n}\n',
      'class A {\n    private final int x = 0;\n}\n',
      'class A {\n    private static final int x = 0;\n}\n',
    ),
  )
  it('Java: different visibilities conflict', () => {
    expect(
      merge(
        'A.java',
        'class A {\n    int x;\n}\n',
        'class A {\n    public int x;\n}\n',
        'class A {\n    private int x;\n}\n',
      ).clean,
    ).toBe(false)
  })
  it(
    'CSS: declarations added to one rule on both sides',
    both(
      's.css',
      'a {\n  color: red;\n}\n',
      'a {\n  color: red;\n  margin: 0;\n}\n',
      'a {\n  color: red;\n  padding: 0;\n}\n',
      'a {\n  color: red;\n  margin: 0;\n  padding: 0;\n}\n',
    ),
  )
  it(
    'HTML: attributes added to one tag on both sides',
    both(
      'i.html',
      '<p>\n  <a href="x">x</a>\n</p>\n',
      '<p>\n  <a href="x" id="l">x</a>\n</p>\n',
      '<p>\n  <a href="x" class="r">x</a>\n</p>\n',
      '<p>\n  <a href="x" id="l" class="r">x</a>\n</p>\n',
    ),
  )
  it(
    'YAML: keys added at the end of a mapping on both sides',
    both(
      'c.yaml',
      'a:\n  x: 1\n',
      'a:\n  x: 1\n  y: 2\n',
      'a:\n  x: 1\n  z: 3\n',
      'a:\n  x: 1\n  y: 2\n  z: 3\n',
    ),
  )
  it(
    'JSON: keys added at the end of an object on both sides',
    both(
      'p.json',
      '{\n  "a": 1\n}\n',
      '{\n  "a": 1,\n  "b": 2\n}\n',
      '{\n  "a": 1,\n  "c": 3\n}\n',
      '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n',
    ),
  )
  it(
    'TSX: interface members added on both sides',
    both(
      'v.tsx',
      'interface Props {\n  a: string\n}\nexport const V = (p: Props) => <div>{p.a}</div>\n',
      'interface Props {\n  a: string\n  b: number\n}\nexport const V = (p: Props) => <div>{p.a}</div>\n',
      'interface Props {\n  a: string\n  c: boolean\n}\nexport const V = (p: Props) => <div>{p.a}</div>\n',
      'interface Props {\n  a: string\n  b: number\n  c: boolean\n}\nexport const V = (p: Props) => <div>{p.a}</div>\n',
    ),
  )
  it(
    'JavaScript: object keys added on both sides',
    both(
      'c.js',
      'export default {\n  a: 1,\n}\n',
      'export default {\n  a: 1,\n  b: 2,\n}\n',
      'export default {\n  a: 1,\n  c: 3,\n}\n',
      'export default {\n  a: 1,\n  b: 2,\n  c: 3,\n}\n',
    ),
  )
  it('pyproject.toml: dependency lists merge as sets, other TOML arrays in order', () => {
    const deps = (build: string, tool: string) =>
      `[build-system]\nrequires = [${build}]\n\n[tool.x]\nrequires = [${tool}]\n`
    const result = merge(
      'pyproject.toml',
      deps('"a"', '"a"'),
      deps('"a", "b"', '"a", "b"'),
      deps('"a", "c"', '"a", "c"'),
    )
    expect(result.clean).toBe(false)
    expect(result.text.startsWith(deps('"a", "b", "c"', '').split('[tool.x]')[0])).toBe(true)
  })
  it('pyproject.toml: a value set keeps no stray comma when the other side empties it', () => {
    const authors = (...names: string[]) =>
      `[project]\nauthors = [\n${names.map((name) => `  { name = "${name}" },\n`).join('')}]\n`
    const result = merge('pyproject.toml', authors('A'), authors('A', 'B'), authors())
    expect(result).toMatchObject({ clean: true, text: authors('B') })
  })
  it('pyproject.toml: both sides changing one requirement differently conflict', () => {
    const deps = (...names: string[]) =>
      `[project]\ndependencies = [${names.map((name) => `"${name}"`).join(', ')}]\n`
    expect(merge('pyproject.toml', deps('x>=1', 'y'), deps('x>=2', 'y'), deps('x>=3', 'y')).clean).toBe(false)
  })
  it('Python: names both sides add to __all__ are both exported, other lists merge in order', () => {
    const module = (names: string, values: string) => `__all__ = [${names}]\nvalues = [${values}]\n`
    const result = merge('m.py', module("'a'", '1'), module("'a', 'b'", '1, 2'), module("'a', 'c'", '1, 3'))
    expect(result.clean).toBe(false)
    expect(result.text.startsWith("__all__ = ['a', 'b', 'c']\n")).toBe(true)
  })
  it('Go: different comments both sides insert at one place conflict; with a declaration each they are kept', () => {
    const base = 'package p\n\nfunc a() {}\n'
    const add = (text: string) => base.replace('\nfunc a', `\n${text}\nfunc a`)
    expect(merge('p.go', base, add('// one'), add('// two')).clean).toBe(false)
    const result = merge('p.go', base, add('// b\nfunc b() {}\n'), add('// c\nfunc c() {}\n'))
    expect(result).toMatchObject({ clean: true, text: add('// b\nfunc b() {}\n\n// c\nfunc c() {}\n') })
  })
  it('Java: modifiers both sides give a class that had none are merged, clashing visibilities conflict', () => {
    const cls = (modifiers: string) => `${modifiers}class Test {\n}\n`
    expect(merge('Test.java', cls(''), cls('public '), cls('static '))).toMatchObject({
      clean: true,
      text: cls('public static '),
    })
    expect(merge('Test.java', cls(''), cls('public '), cls('private ')).clean).toBe(false)
  })
  it('Java: an edit the other side already made while unwrapping the code is not a conflict', () => {
    const method = (body: string) => `class A {\n    void f() {\n${body}    }\n}\n`
    const wrapped = (flag: string) =>
      `        try {\n            run(${flag});\n        } catch (Exception e) {\n            fail();\n        }\n`
    const base = method(wrapped('true'))
    const unwrapped = method('        run(false);\n')
    expect(merge('A.java', base, method(wrapped('false')), unwrapped)).toMatchObject({
      clean: true,
      text: unwrapped,
    })
    expect(merge('A.java', base, method(wrapped('null')), unwrapped).clean).toBe(false)
  })
  it('TypeScript: members both sides add to a union type are both kept, different edits of one conflict', () => {
    const union = (members: string) => `type Level = ${members}\n`
    expect(
      merge(
        'l.ts',
        union("'debug' | 'error'"),
        union("'debug' | 'info' | 'error'"),
        union("'debug' | 'warn' | 'error'"),
      ),
    ).toMatchObject({ clean: true, text: union("'debug' | 'info' | 'warn' | 'error'") })
    expect(
      merge('l.ts', union("'debug' | 'error'"), union("'debug' | 'fatal'"), union("'debug' | 'panic'")).clean,
    ).toBe(false)
  })
  it('Rust: an edit follows lines the other side moved into a new function, unless they were there already', () => {
    const check = (colour: string) => `            && station.colour == Colour::${colour}\n`
    const find = (body: string) =>
      `    fn find(&self) -> bool {\n        self.all(|station| {\n${body}        })\n    }\n`
    const inline = (colour: string) =>
      `            station.home\n                && !station.busy\n    ${check(colour)}`
    const helper = (colour: string) =>
      `\n    fn suits(&self, station: &Station) -> bool {\n        station.home\n            && !station.busy\n${check(colour).slice(4)}    }\n`
    const file = (find: string, rest = '') => `impl Mower {\n${find}${rest}}\n`
    const base = file(find(inline('Red')))
    const left = file(find('            self.suits(station)\n'), helper('Red'))
    const result = merge('m.rs', base, left, file(find(inline('Blue'))))
    expect(result).toMatchObject({
      clean: true,
      text: file(find('            self.suits(station)\n'), helper('Blue')),
    })
    // The same lines elsewhere in the base: nothing says they moved.
    const twice = (text: string) =>
      text.replace('impl Mower {\n', `impl Mower {\n${helper('Red').slice(1).replace('suits', 'old')}\n`)
    expect(merge('m.rs', twice(base), twice(left), twice(file(find(inline('Blue'))))).clean).toBe(false)
  })
  it('TOML: a string both sides changed differently conflicts (its contents are no node)', () => {
    const features = (name: string) => `[package]\nfeatures = ["${name}", "y"]\n`
    expect(merge('Cargo.toml', features('a1'), features('a2'), features('a3')).clean).toBe(false)
  })
})

describe('merge engine: fallbacks', () => {
  it('uses the line merge for files without a grammar', () => {
    expect(merge('notes.txt', 'a\nb\nc\n', 'A\nb\nc\n', 'a\nb\nC\n')).toMatchObject({
      clean: true,
      text: 'A\nb\nC\n',
      method: 'line',
    })
  })
  it('does not trust a line merge that sets one new key twice in a file without a grammar', () => {
    const base = 'a = 1\nb = 2\nc = 3\n'
    expect(merge('app.ini', base, 'x = 1\n' + base, base + 'x = 2\n').clean).toBe(false)
    expect(merge('app.ini', base, 'x = 1\n' + base, base + 'y = 2\n')).toMatchObject({
      clean: true,
      text: 'x = 1\n' + base + 'y = 2\n',
    })
  })
  it('does not trust a line merge that declares one new class twice in a file without a grammar', () => {
    const base = 'class A {}\n\nclass B {}\n'
    const result = merge(
      'm.dart',
      base,
      base + '\nclass C {\n  bool? a;\n}\n',
      'class C {\n  int? a;\n}\n\n' + base,
    )
    expect(result.clean).toBe(false)
  })
  it('falls back to the line merge when a side does not parse', () => {
    const base = 'function f() {\n  return 1\n}\n\nfunction g() {}\n'
    const left = 'function f() {\n  return (1\n}\n\nfunction g() {}\n'
    const right = 'function f() {\n  return 1\n}\n\nfunction g() { return 2 }\n'
    const result = merge('f.js', base, left, right)
    expect(result.method).not.toBe('structured')
    expect(result.text).toBe('function f() {\n  return (1\n}\n\nfunction g() { return 2 }\n')
    const conflicting = merge('f.js', base, left, base.replace('return 1', 'return 2'))
    expect(conflicting).toMatchObject({ method: 'fallback', clean: false })
  })
  it('does not crash on binary or huge input', () => {
    const binary = merge('x.ts', 'a\0b\n', 'a\0c\n', 'a\0d\n')
    expect(binary.clean).toBe(false)
    const huge = 'const x = 1\n'.repeat(200_000)
    const result = merge('big.ts', huge, 'const y = 0\n' + huge, huge + 'const z = 2\n')
    expect(result).toMatchObject({ clean: true, method: 'line' })
  })
  it('returns the line merge when the time budget is spent', () => {
    const fns = (edit: number) =>
      Array.from({ length: 400 }, (_, i) => `function f${i}() {\n  return ${i === edit ? 'x' : i}\n}\n`).join(
        '\n',
      )
    const result = merge(
      't.ts',
      fns(-1),
      fns(3) + '\nfunction l() {}\n',
      fns(3).replace('return x', 'return y') + '\nfunction r() {}\n',
      0,
    )
    expect(result.method).toBe('fallback')
    expect(result.clean).toBe(false)
  })
  it('serves as the repository file merger', async () => {
    const merger = engineFileMerger((input) => engine.merge(input))
    expect(
      await merger(
        '{\n  "a": 1\n}\n',
        '{\n  "a": 1,\n  "b": 2\n}\n',
        '{\n  "a": 1,\n  "c": 3\n}\n',
        'p.json',
      ),
    ).toEqual({ text: '{\n  "a": 1,\n  "b": 2,\n  "c": 3\n}\n', clean: true, conflicts: [] })
  })
  it('loads a grammar on demand with mergeAsync', async () => {
    const result = await engine.mergeAsync({
      path: 'z.rs',
      base: 'fn a() {}\n',
      left: 'fn a() {}\nfn b() {}\n',
      right: 'fn a() {}\nfn c() {}\n',
    })
    expect(result).toMatchObject({ clean: true, text: 'fn a() {}\nfn b() {}\nfn c() {}\n' })
  })
})

describe('merge engine: incremental parses', () => {
  const serialize = (node: SyntaxNode): string =>
    `(${node.kind}${node.named ? '' : '!'}${node.field ? ':' + node.field : ''}${node.error ? ' ERROR' : ''} ${node.start}-${node.end}${node.children.map(serialize).join('')})`

  /** Parses `texts` each from the previous one and checks every tree against a fresh parse. */
  const sameAsFresh = async (grammar: GrammarId, texts: string[]) => {
    const parser = await (await nodeGrammars()).parser(grammar)
    const chains = profileFor(grammar).chains ?? []
    const parses = new Parses(parser, chains)
    const visited: number[] = []
    try {
      let previous: Parsed | undefined
      for (const text of texts) {
        previous = parses.parse(text, previous)!
        const fresh = flattenChains(parseTree(parser, text)!, chains)
        expect(serialize(previous.tree.root)).toBe(serialize(fresh.root))
        expect(previous.tree.errors).toBe(fresh.errors)
        expect(previous.tree.source).toBe(text)
        visited.push(previous.byId.size)
      }
    } finally {
      parses.delete()
    }
    return visited
  }

  const functions = (count: number, body: (i: number) => string) =>
    Array.from(
      { length: count },
      (_, i) => `export function f${i}(x: number): number {\n  return ${body(i)}\n}\n`,
    ).join('\n')

  it('copies trees parsed from an earlier version like fresh parses', async () => {
    const base = functions(30, () => 'x + 1')
    const edited = functions(30, (i) => (i % 7 === 0 ? `x * ${i}` : 'x + 1'))
    const visited = await sameAsFresh('typescript', [
      base,
      edited,
      edited,
      base,
      functions(31, () => 'x + 1'),
      '',
      base,
    ])
    // Only what changed was read from tree-sitter; the rest was copied from the earlier tree.
    expect(visited[1]).toBeLessThan(visited[0] / 3)
  })

  it('reparses the rest of the file when an edit changes how it lexes', async () => {
    const base = functions(10, () => 'x + 1')
    // An opened comment and string swallow the code after them; both sides end without a newline.
    await sameAsFresh('typescript', [
      base,
      '/*\n' + base,
      base,
      base.replace('x + 1', '"x + 1'),
      base.trimEnd(),
      'const s = "😀é"\r\n' + base,
    ])
  })

  it('keeps union chains flattened and fields right in shared subtrees', async () => {
    const base = 'type A = "a" | "b" | "c"\n\nclass C {\n  m(a: A): void {}\n}\n'
    await sameAsFresh('typescript', [
      base,
      base.replace('"b"', '"b" | "x"'),
      base.replace('class C', 'class D'),
      base,
    ])
    await sameAsFresh('python', [
      'def f(a, b=1):\n    return a\n',
      'def f(a, b=2):\n    return a\n\n\nclass K:\n    x = 1\n',
      'def f(a, b=1):\n    return a\n',
    ])
  })
})

describe('merge engine: code nested elsewhere, and additions on both sides', () => {
  it('Rust: a name added to a use list the other side nested in a grouped use lands inside it', () => {
    const base = 'use std::collections::{HashMap, HashSet};\n\nfn main() {}\n'
    const left = 'use std::collections::{BTreeMap, HashMap, HashSet};\n\nfn main() {}\n'
    const right = 'use std::{\n    collections::{HashMap, HashSet},\n    fmt,\n};\n\nfn main() {}\n'
    const result = merge('main.rs', base, left, right)
    expect(result).toMatchObject({
      clean: true,
      text: 'use std::{\n    collections::{BTreeMap, HashMap, HashSet},\n    fmt,\n};\n\nfn main() {}\n',
    })
  })

  it('Java: an edit inside a statement the other side wrapped in a new if goes into the wrapper, reindented', () => {
    const method = (body: string) =>
      `class Cart {\n    int total(List<Item> items) {\n        int sum = 0;\n        for (Item item : items) {\n${body}        }\n        return sum;\n    }\n}\n`
    const visible = (count: string, indent = '            ') =>
      `${indent}if (item.visible()) {\n${indent}    sum += item.price() * item.${count}();\n${indent}    seen.add(item.id());\n${indent}}\n`
    const wrapped = (count: string) =>
      `            if (item.price() > 0) {\n${visible(count, '                ')}            }\n`
    const result = merge(
      'Cart.java',
      method(visible('count')),
      method(wrapped('count')),
      method(visible('quantity')),
    )
    expect(result).toMatchObject({ clean: true, text: method(wrapped('quantity')) })
  })

  it('JSON: a value edited in an object the other side moved under a new key; no stray comma', () => {
    const base = '{\n  "server": {\n    "port": 80,\n    "host": "a"\n  }\n}\n'
    const left = '{\n  "services": {\n    "server": {\n      "port": 80,\n      "host": "a"\n    }\n  }\n}\n'
    const right = '{\n  "server": {\n    "port": 8080,\n    "host": "a"\n  }\n}\n'
    const result = merge('app.json', base, left, right)
    expect(result.clean).toBe(true)
    expect(JSON.parse(result.text)).toEqual({ services: { server: { port: 8080, host: 'a' } } })
  })

  it('Go: one type both sides add at different places conflicts once, at the earlier place', () => {
    const a = 'type A struct {\n}\n'
    const added = (field: string) => `type Added struct {\n\t${field}\n}\n`
    const result = merge(
      't.go',
      `package m\n\n${a}`,
      `package m\n\n${a}\n${added('X int')}`,
      `package m\n\n${added('Y bool')}\n${a}`,
    )
    expect(result.clean).toBe(false)
    expect(result.conflicts).toHaveLength(1)
    expect(result.text.indexOf(MARKERS.left)).toBeLessThan(result.text.indexOf('type A struct'))
    expect(result.conflicts[0]).toMatchObject({ left: added('X int'), right: added('Y bool'), base: '' })
  })

  it('TypeScript: one import both sides add at different places is kept once, at the earlier place', () => {
    const [a, b, c] = [
      "import { a } from './a.ts'\n",
      "import { b } from './b.ts'\n",
      "import { c } from './c.ts'\n",
    ]
    const rest = '\nexport const all = [a, b, c]\n'
    const result = merge('x.ts', a + b + rest, a + b + c + rest, c + a + b + rest)
    expect(result).toMatchObject({ clean: true, text: c + a + b + rest })
  })

  it('statements one side deleted, and the other side deleted with more around them, are all gone', () => {
    const body = (lines: string[]) =>
      `function f() {\n${lines.map((line) => `  ${line}\n`).join('')}  return 1\n}\n`
    const result = merge('f.ts', body(['log(1)', 'keep(2)', 'log(3)']), body(['keep(2)']), body([]))
    expect(result).toMatchObject({ clean: true, text: body([]) })
  })

  it('Python: both sides wrap code in try/finally with different bodies: the conflict is the bodies alone', () => {
    const hook = (body: string) => `def hook():\n${body}    done()\n`
    const guarded = (call: string) => `    try:\n        ${call}\n    finally:\n        release()\n`
    const result = merge(
      'h.py',
      hook('    work()\n    release()\n'),
      hook(guarded('work(1)')),
      hook(guarded('work(2)')),
    )
    expect(result.clean).toBe(false)
    expect(result.conflicts).toEqual([
      expect.objectContaining({ base: '', left: '        work(1)\n', right: '        work(2)\n' }),
    ])
    expect(result.text).toContain('    try:\n' + MARKERS.left)
    expect(result.text).toContain(MARKERS.right + '\n    finally:\n        release()\n    done()\n')
  })

  it("Python: one side drops an import's parentheses while the other adds a name: a conflict, never broken code", () => {
    const result = merge(
      'm.py',
      'from .util import (\n    parse,\n    render,\n)\n',
      'from .util import (\n    parse,\n    escape,\n    render,\n)\n',
      'from .util import parse, render\n',
    )
    expect(result.clean).toBe(false)
    expect(result.conflicts.map((conflict) => conflict.path)).toEqual(['import from .util'])
  })

  it('Java: a method whose parameters and body one side rewrote is still the method the other side made public', () => {
    const cls = (method: string) => `class Sum {\n${method}}\n`
    const pair = (modifiers: string) =>
      `    ${modifiers}static int add(int a, int b) {\n        return a + b;\n    }\n`
    const varargs = (modifiers: string) =>
      `    ${modifiers}static int add(int... values) {\n        int sum = 0;\n        for (int v : values) {\n            sum += v;\n        }\n        return sum;\n    }\n`
    const result = merge('Sum.java', cls(pair('')), cls(varargs('')), cls(pair('public ')))
    expect(result).toMatchObject({ clean: true, text: cls(varargs('public ')) })
    // Overloads share the name: which one was rewritten cannot be told, so nothing is paired by name.
    const overloaded = (method: string) =>
      cls(method + '    static double add(double a, double b) {\n        return a + b;\n    }\n')
    expect(
      merge('Sum.java', overloaded(pair('')), overloaded(varargs('')), overloaded(pair('public '))).clean,
    ).toBe(false)
  })

  it('Java: a line inserted into a block the other side moved into a new method follows it there', () => {
    const inner = (indent: string, extra = '') => `${indent}if (ready) {
${indent}    start("engine");
${
  extra
    ? `${indent}    ${extra}
`
    : ''
}${indent}    wait(10);
${indent}}
`
    const run = (body: string) => `    void run() {
        if (enabled) {
${body}        }
    }
`
    const helper = (extra = '') => `
    void whenReady() {
${inner('        ', extra)}    }
`
    const cls = (body: string) => `class Mower {
${body}}
`
    const result = merge(
      'Mower.java',
      cls(run(inner('            '))),
      cls(run('            whenReady();\n') + helper()),
      cls(run(inner('            ', 'check();'))),
    )
    expect(result).toMatchObject({
      clean: true,
      text: cls(run('            whenReady();\n') + helper('check();')),
    })
  })

  it('Java: different visibilities given to a method conflict; the base version keeps its own spacing', () => {
    const cls = (modifier: string) => `class A {
    ${modifier}void run() {}
}
`
    const result = merge('A.java', cls(''), cls('public '), cls('private '))
    expect(result.clean).toBe(false)
    expect(result.conflicts[0]).toMatchObject({
      base: '    void run() {}\n',
      left: '    public void run() {}\n',
      right: '    private void run() {}\n',
    })
  })

  it('JSON: a key one side deleted at the end of an object and the other changed: each version of the conflict parses', () => {
    const json = (entries: string[]) => `{\n${entries.map((entry) => `  ${entry}`).join(',\n')}\n}\n`
    const scripts = '"scripts": {\n    "test": "vitest"\n  }'
    const result = merge(
      'package.json',
      json(['"name": "weft"', scripts, '"private": true']),
      json(['"name": "weft"', '"version": "1.0.0"', scripts]),
      json(['"name": "weft"', scripts, '"private": false']),
    )
    expect(result.clean).toBe(false)
    const take = (side: 'left' | 'right') =>
      result.text.replace(
        /<{7} LEFT\n([^]*?)\|{7} BASE\n[^]*?={7}\n([^]*?)>{7} RIGHT\n/g,
        (_, left: string, right: string) => (side === 'left' ? left : right),
      )
    expect(JSON.parse(take('left'))).toEqual({ name: 'weft', version: '1.0.0', scripts: { test: 'vitest' } })
    expect(JSON.parse(take('right'))).toEqual({
      name: 'weft',
      version: '1.0.0',
      scripts: { test: 'vitest' },
      private: false,
    })
  })

  it('Java: different calls both sides append to a block conflict with an empty base, no stray `;`', () => {
    const run = (extra: string) => `class Mower {\n    void run() {\n        mow();\n${extra}    }\n}\n`
    const result = merge('Mower.java', run(''), run('        recharge();\n'), run('        goHome();\n'))
    expect(result.conflicts).toEqual([
      expect.objectContaining({ base: '', left: '        recharge();\n', right: '        goHome();\n' }),
    ])
  })

  it('Java: a parameter both sides renamed alike and then differently: the conflicts stay on the lines that differ', () => {
    const add = (a: string, b: string) =>
      `class Adder {\n    int add(int ${a}, int ${b}) {\n        return ${a} + ${b};\n    }\n}\n`
    const result = merge('Adder.java', add('a', 'b'), add('lhs', 'rhs'), add('lhs', 'r'))
    expect(result.clean).toBe(false)
    expect(result.method).toBe('structured')
    expect(result.conflicts.map((conflict) => conflict.left.trim())).toEqual([
      'int add(int lhs, int rhs) {',
      'return lhs + rhs;',
    ])
  })

  it('TypeScript: an edited call follows it into the declaration the other side moved it to, out of a try', () => {
    const load = (call: string) =>
      `function load(path: string) {\n  let config = null\n  try {\n    config = ${call}\n  } catch (error) {\n    report(error)\n  }\n  return config\n}\n`
    const moved = (call: string) =>
      `function load(path: string) {\n  const config = ${call}\n  return config\n}\n`
    const result = merge(
      'load.ts',
      load("readConfig(path, 'utf8')"),
      load("readConfig(path, 'utf8', { strict: true })"),
      moved("readConfig(path, 'utf8')"),
    )
    expect(result).toMatchObject({ clean: true, text: moved("readConfig(path, 'utf8', { strict: true })") })
    // The same call elsewhere in the base: which one went where cannot be told.
    const twice = (text: string) => text + "\nconst fallback = readConfig(path, 'utf8')\n"
    expect(
      merge(
        'load.ts',
        twice(load("readConfig(path, 'utf8')")),
        twice(load("readConfig(path, 'utf8', { strict: true })")),
        twice(moved("readConfig(path, 'utf8')")),
      ).clean,
    ).toBe(false)
  })

  it('Rust: an edit to a closure body follows it into the function the other side extracted and edited', () => {
    const find = (body: string) =>
      `impl Fleet {\n    fn pick(&self) -> Option<&Boat> {\n        self.boats.iter().find(|boat| ${body})\n    }\n}\n`
    const test = (limit: string, owner: string) =>
      `boat.owner == ${owner} && !boat.docked && boat.length > ${limit}`
    const extracted = (limit: string) =>
      `impl Fleet {\n    fn pick(&self) -> Option<&Boat> {\n        self.boats.iter().find(|boat| self.fits(boat))\n    }\n\n    fn fits(&self, boat: &Boat) -> bool {\n        ${test(limit, 'self.owner')}\n    }\n}\n`
    const result = merge('fleet.rs', find(test('10', '"me"')), find(test('12', '"me"')), extracted('10'))
    expect(result).toMatchObject({ clean: true, text: extracted('12') })
  })

  it('TypeScript: an import one side repeats word for word stays as that side wrote it', () => {
    // A copy one side made is that side's choice (people kept such a copy in a real Python merge);
    // the line merge is clean and the checks let it be.
    const imports = "import { a } from './a.ts'\nimport { b } from './b.ts'\n"
    const body = (value: string) => `\nexport const x = ${value}\n`
    const result = merge(
      'x.ts',
      imports + body('a'),
      imports + "import { a } from './a.ts'\n" + body('a'),
      imports + body('a + b'),
    )
    expect(result).toMatchObject({
      clean: true,
      text: imports + "import { a } from './a.ts'\n" + body('a + b'),
    })
  })
})
