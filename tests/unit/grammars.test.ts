import { describe, expect, it } from 'vitest'
import { createMergeEngine } from '../../src/merge/engine.ts'
import { Grammars } from '../../src/syntax/grammars.ts'
import { GRAMMAR_FILES, grammarForPath, type GrammarId } from '../../src/syntax/languages.ts'
import { nodeGrammars, nodeLocator } from '../../src/syntax/nodeGrammars.ts'

const SAMPLES: Record<GrammarId, [string, string]> = {
  typescript: ['const a: number = 1\n', 'lexical_declaration'],
  tsx: ['const a = <div>{x}</div>\n', 'jsx_element'],
  javascript: ['function f() { return 1 }\n', 'function_declaration'],
  json: ['{"a": [1, 2]}\n', 'object'],
  python: ['def f():\n    return 1\n', 'function_definition'],
  go: ['package main\nfunc f() {}\n', 'function_declaration'],
  rust: ['fn f() -> i32 { 1 }\n', 'function_item'],
  css: ['a { color: red; }\n', 'rule_set'],
  html: ['<p class="x">hi</p>\n', 'element'],
  yaml: ['a: 1\nb: [2]\n', 'block_mapping'],
  toml: ['[table]\nkey = "v"\n', 'table'],
  java: ['class A { void f() {} }\n', 'class_declaration'],
  elixir: ['defmodule A do\n  def f(x), do: x\nend\n', 'do_block'],
  haskell: ['f :: Int -> Int\nf x = x\n', 'signature'],
  ocaml: ['let f x = x + 1\n', 'value_definition'],
  ocaml_interface: ['val f : int -> int\n', 'value_specification'],
  zig: ['fn f() void {}\n', 'function_declaration'],
  julia: ['function f(x)\n    x\nend\n', 'function_definition'],
  hcl: ['resource "a" "b" {\n  k = 1\n}\n', 'block'],
  make: ['all: app\n\tcc -o app main.c\n', 'rule'],
  properties: ['a.b=1\n', 'property'],
  devicetree: ['/ {\n\tmodel = "x";\n};\n', 'property'],
  solidity: ['contract A { function f() public {} }\n', 'function_definition'],
  ini: ['[core]\neditor = vim\n', 'setting'],
  starlark: ['cc_library(name = "a", deps = [":b"])\n', 'keyword_argument'],
  c: ['int f(void) { return 1; }\n', 'function_definition'],
  cpp: ['class A { public: int f() const; };\n', 'class_specifier'],
  csharp: ['class A { void F() {} }\n', 'class_declaration'],
  php: ['<?php\nfunction f() { return 1; }\n', 'function_definition'],
  ruby: ['def f\n  1\nend\n', 'method'],
  bash: ['f() { echo "$1"; }\n', 'function_definition'],
  lua: ['local function f() return 1 end\n', 'function_declaration'],
  kotlin: ['fun f(): Int = 1\n', 'function_declaration'],
  scala: ['object A { def f: Int = 1 }\n', 'object_definition'],
  dart: ['int f() => 1;\n', 'function_signature'],
}

describe('grammars', () => {
  it('chooses the grammar by file extension, case-insensitively', () => {
    expect(grammarForPath('src/App.TSX')).toBe('tsx')
    expect(grammarForPath('a/b/c.mjs')).toBe('javascript')
    expect(grammarForPath('Cargo.toml')).toBe('toml')
    expect(grammarForPath('README')).toBeUndefined()
    expect(grammarForPath('notes.md')).toBeUndefined()
  })

  it('loads every shipped grammar and parses a sample without errors', async () => {
    const grammars = await nodeGrammars()
    for (const id of Object.keys(GRAMMAR_FILES) as GrammarId[]) {
      const [source, kind] = SAMPLES[id]
      const tree = (await grammars.parser(id)).parse(source)!
      expect(tree.rootNode.hasError, id).toBe(false)
      expect(tree.rootNode.descendantsOfType(kind).length, `${id} has a ${kind}`).toBeGreaterThan(0)
      tree.delete()
    }
  })

  it('merges by lines while a grammar cannot be fetched, and loads it once it can', async () => {
    // Offline before a grammar's first use, its fetch fails; the next merge online tries again.
    let online = false
    const grammars = await Grammars.create({
      runtime: nodeLocator.runtime,
      grammar: (id) => (online ? nodeLocator.grammar(id) : '/nonexistent/tree-sitter-lua.wasm'),
    })
    const engine = createMergeEngine(grammars)
    const input = {
      path: 'config.lua',
      base: 'return { name = "x" }\n',
      left: 'return { name = "x", size = 3 }\n',
      right: 'return { name = "x", debug = true }\n',
    }
    const offline = await engine.mergeAsync(input)
    expect(offline).toMatchObject({ method: 'line', clean: false })
    online = true
    const merged = await engine.mergeAsync(input)
    expect(merged).toMatchObject({ method: 'structured', clean: true })
    expect(merged.text).toBe('return { name = "x", size = 3, debug = true }\n')
  })
})
