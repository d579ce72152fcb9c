/**
 * The grammar wasm files as URLs of the built app (Vite `?url` imports), so workers load them from
 * the app's own origin, offline included. Only workers import this module.
 */
import runtime from 'web-tree-sitter/web-tree-sitter.wasm?url'
import typescript from 'tree-sitter-typescript/tree-sitter-typescript.wasm?url'
import tsx from 'tree-sitter-typescript/tree-sitter-tsx.wasm?url'
import javascript from 'tree-sitter-javascript/tree-sitter-javascript.wasm?url'
import json from 'tree-sitter-json/tree-sitter-json.wasm?url'
import python from 'tree-sitter-python/tree-sitter-python.wasm?url'
import go from 'tree-sitter-go/tree-sitter-go.wasm?url'
import rust from 'tree-sitter-rust/tree-sitter-rust.wasm?url'
import css from 'tree-sitter-css/tree-sitter-css.wasm?url'
import html from 'tree-sitter-html/tree-sitter-html.wasm?url'
import yaml from '@tree-sitter-grammars/tree-sitter-yaml/tree-sitter-yaml.wasm?url'
import toml from '@tree-sitter-grammars/tree-sitter-toml/tree-sitter-toml.wasm?url'
import java from 'tree-sitter-java/tree-sitter-java.wasm?url'
import elixir from 'tree-sitter-elixir/tree-sitter-elixir.wasm?url'
import haskell from 'tree-sitter-haskell/tree-sitter-haskell.wasm?url'
import ocaml from 'tree-sitter-ocaml/tree-sitter-ocaml.wasm?url'
import ocaml_interface from 'tree-sitter-ocaml/tree-sitter-ocaml_interface.wasm?url'
import zig from '@tree-sitter-grammars/tree-sitter-zig/tree-sitter-zig.wasm?url'
import julia from 'tree-sitter-julia/tree-sitter-julia.wasm?url'
import hcl from '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm?url'
import make from 'tree-sitter-make/tree-sitter-make.wasm?url'
import properties from 'tree-sitter-properties/tree-sitter-properties.wasm?url'
import devicetree from 'tree-sitter-devicetree/tree-sitter-devicetree.wasm?url'
import solidity from 'tree-sitter-solidity/tree-sitter-solidity.wasm?url'
import ini from '@vscode/tree-sitter-wasm/wasm/tree-sitter-ini.wasm?url'
import c from 'tree-sitter-c/tree-sitter-c.wasm?url'
import cpp from 'tree-sitter-cpp/tree-sitter-cpp.wasm?url'
import csharp from 'tree-sitter-c-sharp/tree-sitter-c_sharp.wasm?url'
import php from 'tree-sitter-php/tree-sitter-php.wasm?url'
import ruby from 'tree-sitter-ruby/tree-sitter-ruby.wasm?url'
import bash from 'tree-sitter-bash/tree-sitter-bash.wasm?url'
import lua from '@tree-sitter-grammars/tree-sitter-lua/tree-sitter-lua.wasm?url'
import kotlin from '@tree-sitter-grammars/tree-sitter-kotlin/tree-sitter-kotlin.wasm?url'
import scala from 'tree-sitter-scala/tree-sitter-scala.wasm?url'
import dart from '@repomix/tree-sitter-wasms/out/tree-sitter-dart.wasm?url'
import type { GrammarLocator } from '../grammars.ts'
import type { GrammarId } from '../languages.ts'

const URLS: Record<GrammarId, string> = {
  typescript,
  tsx,
  javascript,
  json,
  python,
  go,
  rust,
  css,
  html,
  yaml,
  toml,
  java,
  elixir,
  haskell,
  ocaml,
  ocaml_interface,
  zig,
  julia,
  hcl,
  make,
  properties,
  devicetree,
  solidity,
  ini,
  starlark: python,
  c,
  cpp,
  csharp,
  php,
  ruby,
  bash,
  lua,
  kotlin,
  scala,
  dart,
}

export const browserLocator: GrammarLocator = { runtime, grammar: (id) => URLS[id] }
