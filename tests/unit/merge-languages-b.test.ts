/**
 * The second batch of languages merged by their syntax tree: for each, both sides adding a
 * different definition or key (clean, both kept), both sides changing the same one (a conflict),
 * and what is particular to the language, above all where order matters and must not be merged
 * as a set.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { STRUCTURED_GRAMMARS, type MergeEngine } from '../../src/merge/engine.ts'
import { loadMergeEngine } from '../../src/merge/nodeEngine.ts'
import { structuredGrammarForPath } from '../../src/syntax/languages.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'

let engine: MergeEngine

beforeAll(async () => {
  engine = await loadMergeEngine()
  const grammars = await nodeGrammars()
  await Promise.all(STRUCTURED_GRAMMARS.map((id) => grammars.parser(id)))
}, 60_000)

type Case = {
  name: string
  path: string
  base: string
  left: string
  right: string
  /** The clean result expected, or `conflict` when the sides must be shown to a person. */
  expected: string | 'conflict'
}

const CASES: Record<string, Case[]> = {
  elixir: [
    {
      name: 'functions added at different places are both kept',
      path: 'lib/shop.ex',
      base: 'defmodule Shop do\n  def a, do: 1\n\n  def b, do: 2\nend\n',
      left: 'defmodule Shop do\n  def first, do: 0\n\n  def a, do: 1\n\n  def b, do: 2\nend\n',
      right: 'defmodule Shop do\n  def a, do: 1\n\n  def b, do: 2\n\n  def last, do: 3\nend\n',
      expected:
        'defmodule Shop do\n  def first, do: 0\n\n  def a, do: 1\n\n  def b, do: 2\n\n  def last, do: 3\nend\n',
    },
    {
      name: 'parameters both sides add at either end of one function head are both kept',
      path: 'lib/shop.ex',
      base: 'defmodule Shop do\n  def f(a, b) do\n  end\nend\n',
      left: 'defmodule Shop do\n  def f(first, a, b) do\n  end\nend\n',
      right: 'defmodule Shop do\n  def f(a, b, last) do\n  end\nend\n',
      expected: 'defmodule Shop do\n  def f(first, a, b, last) do\n  end\nend\n',
    },
    {
      name: 'the same function changed two ways conflicts',
      path: 'lib/shop.ex',
      base: 'defmodule Shop do\n  def total(x), do: x\nend\n',
      left: 'defmodule Shop do\n  def total(x), do: x * 2\nend\n',
      right: 'defmodule Shop do\n  def total(x), do: x + 1\nend\n',
      expected: 'conflict',
    },
    {
      name: 'stages both sides add to the end of one pipeline conflict: their order matters',
      path: 'lib/shop.ex',
      base: 'defmodule Shop do\n  def run(x) do\n    x\n    |> parse()\n  end\nend\n',
      left: 'defmodule Shop do\n  def run(x) do\n    x\n    |> parse()\n    |> check()\n  end\nend\n',
      right: 'defmodule Shop do\n  def run(x) do\n    x\n    |> parse()\n    |> save()\n  end\nend\n',
      expected: 'conflict',
    },
  ],
  haskell: [
    {
      name: 'functions both sides add between two others are both kept, with their type signatures',
      path: 'src/Shape.hs',
      base: 'a :: Int\na = 1\n\nb :: Int\nb = 2\n',
      left: 'a :: Int\na = 1\n\nleft :: Int\nleft = 1\n\nb :: Int\nb = 2\n',
      right: 'a :: Int\na = 1\n\nright :: Int\nright = 2\n\nb :: Int\nb = 2\n',
      expected: 'a :: Int\na = 1\n\nleft :: Int\nleft = 1\n\nright :: Int\nright = 2\n\nb :: Int\nb = 2\n',
    },
    {
      name: 'functions both sides add after the same one are both kept, with their type signatures',
      path: 'src/Shape.hs',
      base: 'module Shape where\n\narea :: Int -> Int\narea x = x\n',
      left: 'module Shape where\n\narea :: Int -> Int\narea x = x\n\nleft :: Int\nleft = 1\n',
      right: 'module Shape where\n\narea :: Int -> Int\narea x = x\n\nright :: Int\nright = 2\n',
      expected:
        'module Shape where\n\narea :: Int -> Int\narea x = x\n\nleft :: Int\nleft = 1\n\nright :: Int\nright = 2\n',
    },
    {
      name: 'the same equation changed two ways conflicts',
      path: 'src/Shape.hs',
      base: 'area :: Int -> Int\narea x = x\n',
      left: 'area :: Int -> Int\narea x = x * 2\n',
      right: 'area :: Int -> Int\narea x = x + 1\n',
      expected: 'conflict',
    },
    {
      name: 'classes both sides derive are both kept',
      path: 'src/Shape.hs',
      base: 'data Shape = Circle deriving (Eq, Ord)\n',
      left: 'data Shape = Circle deriving (Eq, Ord, Read)\n',
      right: 'data Shape = Circle deriving (Eq, Ord, Show)\n',
      expected: 'data Shape = Circle deriving (Eq, Ord, Read, Show)\n',
    },
    {
      name: 'guards both sides add at the same place conflict: the first that holds wins',
      path: 'src/Sign.hs',
      base: 'sign n\n  | n < 0 = -1\n  | otherwise = 1\n',
      left: 'sign n\n  | n < 0 = -1\n  | n == 0 = 0\n  | otherwise = 1\n',
      right: 'sign n\n  | n < 0 = -1\n  | n > 100 = 2\n  | otherwise = 1\n',
      expected: 'conflict',
    },
    {
      // A record's constructor is a node of kind `constructor`, a key every object inherits.
      name: 'a field one side adds to a record value and a field the other changes are both kept',
      path: 'src/Config.hs',
      base: 'x = Foo { bar = 1, baz = 2 }\n',
      left: 'x = Foo { bar = 1, baz = 2, kk = 3 }\n',
      right: 'x = Foo { bar = 1, baz = 5 }\n',
      expected: 'x = Foo { bar = 1, baz = 5, kk = 3 }\n',
    },
  ],
  ocaml: [
    {
      name: 'definitions both sides add after the same one are both kept',
      path: 'src/shop.ml',
      base: 'let a = 1\n',
      left: 'let a = 1\n\nlet left = 2\n',
      right: 'let a = 1\n\nlet right = 3\n',
      expected: 'let a = 1\n\nlet left = 2\n\nlet right = 3\n',
    },
    {
      name: 'the same definition changed two ways conflicts',
      path: 'src/shop.ml',
      base: 'let total x = x\n',
      left: 'let total x = x * 2\n',
      right: 'let total x = x + 1\n',
      expected: 'conflict',
    },
    {
      name: 'fields both sides add to one record are both kept',
      path: 'src/shop.ml',
      base: 'let r = {\n  foo = 1;\n}\n',
      left: 'let r = {\n  foo = 1;\n  bar = 2;\n}\n',
      right: 'let r = {\n  foo = 1;\n  baz = 3;\n}\n',
      expected: 'let r = {\n  foo = 1;\n  bar = 2;\n  baz = 3;\n}\n',
    },
  ],
  ocaml_interface: [
    {
      name: 'values both sides declare after the same one are both kept',
      path: 'src/shop.mli',
      base: 'type t\n\nval create : unit -> t\n',
      left: 'type t\n\nval create : unit -> t\n\nval size : t -> int\n',
      right: 'type t\n\nval create : unit -> t\n\nval clear : t -> unit\n',
      expected: 'type t\n\nval create : unit -> t\n\nval size : t -> int\n\nval clear : t -> unit\n',
    },
    {
      name: 'the same value typed two ways conflicts',
      path: 'src/shop.mli',
      base: 'val create : unit -> int\n',
      left: 'val create : int -> int\n',
      right: 'val create : string -> int\n',
      expected: 'conflict',
    },
    {
      name: 'values both sides declare in one module signature are both kept',
      path: 'src/shop.mli',
      base: 'module M : sig\n  val x : int\nend\n',
      left: 'module M : sig\n  val x : int\n  val y : int\nend\n',
      right: 'module M : sig\n  val x : int\n  val z : int\nend\n',
      expected: 'module M : sig\n  val x : int\n  val y : int\n  val z : int\nend\n',
    },
  ],
  zig: [
    {
      name: 'functions both sides add after the same one are both kept',
      path: 'src/main.zig',
      base: 'fn a() void {}\n',
      left: 'fn a() void {}\n\nfn left() void {}\n',
      right: 'fn a() void {}\n\nfn right() void {}\n',
      expected: 'fn a() void {}\n\nfn left() void {}\n\nfn right() void {}\n',
    },
    {
      name: 'the same constant changed two ways conflicts',
      path: 'src/main.zig',
      base: 'const size = 1;\n',
      left: 'const size = 2;\n',
      right: 'const size = 3;\n',
      expected: 'conflict',
    },
    {
      name: 'fields both sides add to one struct conflict: a struct lays memory out in order',
      path: 'src/main.zig',
      base: 'const P = extern struct {\n    x: i32,\n};\n',
      left: 'const P = extern struct {\n    x: i32,\n    y: i32,\n};\n',
      right: 'const P = extern struct {\n    x: i32,\n    z: i32,\n};\n',
      expected: 'conflict',
    },
  ],
  julia: [
    {
      name: 'functions both sides add after the same one are both kept',
      path: 'src/Shapes.jl',
      base: 'area(r) = r^2\n',
      left: 'area(r) = r^2\n\nleft(x) = 1\n',
      right: 'area(r) = r^2\n\nright(x) = 2\n',
      expected: 'area(r) = r^2\n\nleft(x) = 1\n\nright(x) = 2\n',
    },
    {
      name: 'the same method changed two ways conflicts',
      path: 'src/Shapes.jl',
      base: 'area(r) = r^2\n',
      left: 'area(r) = pi * r^2\n',
      right: 'area(r) = 2 * r^2\n',
      expected: 'conflict',
    },
    {
      name: 'statements both sides add to one function body at the same place conflict',
      path: 'src/Shapes.jl',
      base: 'function f(x)\n    y = x\n    return y\nend\n',
      left: 'function f(x)\n    y = x\n    y += 1\n    return y\nend\n',
      right: 'function f(x)\n    y = x\n    y *= 2\n    return y\nend\n',
      expected: 'conflict',
    },
  ],
  hcl: [
    {
      name: 'attributes both sides add to one block are both kept',
      path: 'infra/main.tf',
      base: 'variable "region" {\n  type = string\n}\n',
      left: 'variable "region" {\n  type = string\n  default = "eu"\n}\n',
      right: 'variable "region" {\n  type = string\n  nullable = false\n}\n',
      expected: 'variable "region" {\n  type = string\n  default = "eu"\n  nullable = false\n}\n',
    },
    {
      name: 'the same attribute changed two ways conflicts',
      path: 'infra/main.tf',
      base: 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n}\n',
      left: 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs-eu"\n}\n',
      right: 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs-us"\n}\n',
      expected: 'conflict',
    },
    {
      name: 'blocks both sides add at the end of the file are both kept',
      path: 'config.hcl',
      base: 'a = 1\n',
      left: 'a = 1\n\noutput "left" {\n  value = 1\n}\n',
      right: 'a = 1\n\nvariable "right" {\n  type = string\n}\n',
      expected: 'a = 1\n\noutput "left" {\n  value = 1\n}\n\nvariable "right" {\n  type = string\n}\n',
    },
    {
      name: 'values both sides append to one tuple conflict: a tuple is a list',
      path: 'infra/main.tf',
      base: 'zones = ["a"]\n',
      left: 'zones = ["a", "b"]\n',
      right: 'zones = ["a", "c"]\n',
      expected: 'conflict',
    },
  ],
  make: [
    {
      name: 'rules both sides add after the same one are both kept',
      path: 'Makefile',
      base: 'all: app\n\tcc -o app main.c\n\ninstall: app\n\tcp app /bin\n',
      left: 'all: app\n\tcc -o app main.c\n\ntest:\n\t./app --test\n\ninstall: app\n\tcp app /bin\n',
      right: 'all: app\n\tcc -o app main.c\n\nclean:\n\trm -f app\n\ninstall: app\n\tcp app /bin\n',
      expected:
        'all: app\n\tcc -o app main.c\n\ntest:\n\t./app --test\n\nclean:\n\trm -f app\n\ninstall: app\n\tcp app /bin\n',
    },
    {
      name: 'the same variable set two ways conflicts',
      path: 'build/rules.mk',
      base: 'CC = gcc\n',
      left: 'CC = clang\n',
      right: 'CC = tcc\n',
      expected: 'conflict',
    },
    {
      name: 'prerequisites both sides add to one rule are both kept',
      path: 'GNUmakefile',
      base: 'app: main.o\n\tcc -o app main.o\n',
      left: 'app: main.o util.o\n\tcc -o app main.o\n',
      right: 'app: main.o net.o\n\tcc -o app main.o\n',
      expected: 'app: main.o util.o net.o\n\tcc -o app main.o\n',
    },
    {
      name: 'recipe lines both sides add at the same place conflict: they run in order',
      path: 'Makefile',
      base: 'app:\n\tcc -c main.c\n',
      left: 'app:\n\tcc -c main.c\n\tcc -o app main.o\n',
      right: 'app:\n\tcc -c main.c\n\tstrip app\n',
      expected: 'conflict',
    },
  ],
  properties: [
    {
      name: 'keys both sides add are both kept',
      path: 'src/messages.properties',
      base: 'en=waltz\n',
      left: 'en=waltz\nfr=valse\n',
      right: 'en=waltz\nde=Walzer\n',
      expected: 'en=waltz\nfr=valse\nde=Walzer\n',
    },
    {
      name: 'the same key changed two ways conflicts',
      path: 'app.properties',
      base: 'server.port=8080\n',
      left: 'server.port=8081\n',
      right: 'server.port=9090\n',
      expected: 'conflict',
    },
    {
      name: 'one key both sides add with different values conflicts',
      path: 'app.properties',
      base: 'a=1\n',
      left: 'a=1\nb=left\n',
      right: 'a=1\nb=right\n',
      expected: 'conflict',
    },
  ],
  devicetree: [
    {
      name: 'properties both sides add to one node are both kept',
      path: 'board.dts',
      base: '/ {\n\tmodel = "x";\n};\n',
      left: '/ {\n\tmodel = "x";\n\tcompatible = "v,b";\n};\n',
      right: '/ {\n\tmodel = "x";\n\tserial-number = "1";\n};\n',
      expected: '/ {\n\tmodel = "x";\n\tcompatible = "v,b";\n\tserial-number = "1";\n};\n',
    },
    {
      name: 'the same property changed two ways conflicts',
      path: 'board.dtsi',
      base: '/ {\n\tmodel = "x";\n};\n',
      left: '/ {\n\tmodel = "y";\n};\n',
      right: '/ {\n\tmodel = "z";\n};\n',
      expected: 'conflict',
    },
    {
      name: 'nodes both sides add are both kept, told apart by their unit address',
      path: 'board.dts',
      base: '/ {\n\tmemory@0 {\n\t\treg = <0>;\n\t};\n};\n',
      left: '/ {\n\tmemory@0 {\n\t\treg = <0>;\n\t};\n\tmemory@100 {\n\t\treg = <1>;\n\t};\n};\n',
      right: '/ {\n\tmemory@0 {\n\t\treg = <0>;\n\t};\n\tmemory@200 {\n\t\treg = <2>;\n\t};\n};\n',
      expected:
        '/ {\n\tmemory@0 {\n\t\treg = <0>;\n\t};\n\tmemory@100 {\n\t\treg = <1>;\n\t};\n\tmemory@200 {\n\t\treg = <2>;\n\t};\n};\n',
    },
  ],
  solidity: [
    {
      name: 'functions both sides add to one contract are both kept',
      path: 'src/Token.sol',
      base: 'contract T {\n    function a() public {}\n}\n',
      left: 'contract T {\n    function a() public {}\n\n    function left() public {}\n}\n',
      right: 'contract T {\n    function a() public {}\n\n    function right() public {}\n}\n',
      expected:
        'contract T {\n    function a() public {}\n\n    function left() public {}\n\n    function right() public {}\n}\n',
    },
    {
      name: 'the same function changed two ways conflicts',
      path: 'src/Token.sol',
      base: 'contract T {\n    function f() public pure returns (uint) { return 1; }\n}\n',
      left: 'contract T {\n    function f() public pure returns (uint) { return 2; }\n}\n',
      right: 'contract T {\n    function f() public pure returns (uint) { return 3; }\n}\n',
      expected: 'conflict',
    },
    {
      name: 'enum values both sides append conflict: each value is numbered by its place',
      path: 'src/Token.sol',
      base: 'enum State { Open }\n',
      left: 'enum State { Open, Closed }\n',
      right: 'enum State { Open, Paused }\n',
      expected: 'conflict',
    },
  ],
  ini: [
    {
      name: 'keys both sides add to one section are both kept',
      path: 'setup.ini',
      base: '[section]\nfoo = 1\n',
      left: '[section]\nfoo = 1\nbar = 2\n',
      right: '[section]\nfoo = 1\nbaz = 3\n',
      expected: '[section]\nfoo = 1\nbar = 2\nbaz = 3\n',
    },
    {
      name: 'the same key changed two ways conflicts',
      path: 'setup.ini',
      base: '[core]\neditor = vim\n',
      left: '[core]\neditor = nano\n',
      right: '[core]\neditor = emacs\n',
      expected: 'conflict',
    },
    {
      name: 'sections both sides add are both kept',
      path: '.editorconfig',
      base: '[*]\nindent_style = space\n',
      left: '[*]\nindent_style = space\n\n[*.md]\ntrim_trailing_whitespace = false\n',
      right: '[*]\nindent_style = space\n\n[Makefile]\nindent_style = tab\n',
      expected:
        '[*]\nindent_style = space\n\n[*.md]\ntrim_trailing_whitespace = false\n\n[Makefile]\nindent_style = tab\n',
    },
  ],
  starlark: [
    {
      name: 'targets both sides add are both kept',
      path: 'pkg/BUILD',
      base: 'cc_library(\n    name = "a",\n)\n',
      left: 'cc_library(\n    name = "a",\n)\n\ncc_library(\n    name = "left",\n)\n',
      right: 'cc_library(\n    name = "a",\n)\n\ncc_test(\n    name = "right",\n)\n',
      expected:
        'cc_library(\n    name = "a",\n)\n\ncc_library(\n    name = "left",\n)\n\ncc_test(\n    name = "right",\n)\n',
    },
    {
      name: 'the same attribute changed two ways conflicts',
      path: 'pkg/BUILD.bazel',
      base: 'cc_library(\n    name = "a",\n    linkstatic = True,\n)\n',
      left: 'cc_library(\n    name = "a",\n    linkstatic = False,\n)\n',
      right: 'cc_library(\n    name = "a",\n    linkstatic = 1,\n)\n',
      expected: 'conflict',
    },
    {
      name: 'labels both sides add to one deps list are both kept',
      path: 'defs.bzl',
      base: 'cc_library(\n    name = "a",\n    deps = [\n        ":x",\n    ],\n)\n',
      left: 'cc_library(\n    name = "a",\n    deps = [\n        ":x",\n        ":y",\n    ],\n)\n',
      right: 'cc_library(\n    name = "a",\n    deps = [\n        ":x",\n        ":z",\n    ],\n)\n',
      expected:
        'cc_library(\n    name = "a",\n    deps = [\n        ":x",\n        ":y",\n        ":z",\n    ],\n)\n',
    },
    {
      name: 'arguments both sides append to a list that is not a set conflict',
      path: 'WORKSPACE',
      base: 'steps = [\n    "a",\n]\n',
      left: 'steps = [\n    "a",\n    "b",\n]\n',
      right: 'steps = [\n    "a",\n    "c",\n]\n',
      expected: 'conflict',
    },
  ],
}

describe('merging the second batch of languages by their syntax tree', () => {
  it('reads every case path as a language merged by its syntax tree', () => {
    for (const [language, cases] of Object.entries(CASES))
      for (const { path } of cases) expect(structuredGrammarForPath(path), path).toBe(language)
  })

  for (const [language, cases] of Object.entries(CASES)) {
    describe(language, () => {
      it.each(cases)('$name', ({ path, base, left, right, expected }) => {
        const result = engine.merge({ base, left, right, path })
        if (expected === 'conflict') {
          expect(result.clean).toBe(false)
          for (const side of [left, right])
            for (const line of side.split('\n')) expect(result.text).toContain(line)
        } else expect(result).toMatchObject({ clean: true, text: expected })
      })
    })
  }
})
