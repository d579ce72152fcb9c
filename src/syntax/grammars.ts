import { Language, Parser } from 'web-tree-sitter'

/** The tree-sitter grammars Weft ships (first wave). */
export type GrammarId =
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'json'
  | 'python'
  | 'go'
  | 'rust'
  | 'css'
  | 'html'
  | 'yaml'
  | 'toml'
  | 'java'

/** Where each grammar's wasm lives, relative to node_modules. */
export const GRAMMAR_FILES: Record<GrammarId, string> = {
  typescript: 'tree-sitter-typescript/tree-sitter-typescript.wasm',
  tsx: 'tree-sitter-typescript/tree-sitter-tsx.wasm',
  javascript: 'tree-sitter-javascript/tree-sitter-javascript.wasm',
  json: 'tree-sitter-json/tree-sitter-json.wasm',
  python: 'tree-sitter-python/tree-sitter-python.wasm',
  go: 'tree-sitter-go/tree-sitter-go.wasm',
  rust: 'tree-sitter-rust/tree-sitter-rust.wasm',
  css: 'tree-sitter-css/tree-sitter-css.wasm',
  html: 'tree-sitter-html/tree-sitter-html.wasm',
  yaml: '@tree-sitter-grammars/tree-sitter-yaml/tree-sitter-yaml.wasm',
  toml: '@tree-sitter-grammars/tree-sitter-toml/tree-sitter-toml.wasm',
  java: 'tree-sitter-java/tree-sitter-java.wasm',
}

const BY_EXTENSION: Record<string, GrammarId> = {
  ts: 'typescript',
  mts: 'typescript',
  cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  jsx: 'javascript',
  json: 'json',
  jsonc: 'json',
  webmanifest: 'json',
  py: 'python',
  pyi: 'python',
  go: 'go',
  rs: 'rust',
  css: 'css',
  html: 'html',
  htm: 'html',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  java: 'java',
}

/** The grammar for a file name, or undefined when Weft has none for it. */
export function grammarForPath(path: string): GrammarId | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase()
  const dot = name.lastIndexOf('.')
  return dot < 0 ? undefined : BY_EXTENSION[name.slice(dot + 1)]
}

/**
 * Where the wasm files come from: a path (Node) or URL (browser) for the runtime and each grammar.
 * Node uses `nodeLocator` (src/syntax/nodeGrammars.ts); a Vite worker uses `?url` imports.
 */
export interface GrammarLocator {
  runtime: string
  grammar(id: GrammarId): string | Uint8Array
}

/** Loads tree-sitter once, then each grammar on first use; parsing after that is synchronous. */
export class Grammars {
  readonly #locator: GrammarLocator
  readonly #languages = new Map<GrammarId, Promise<Language>>()
  readonly #parsers = new Map<GrammarId, Parser>()

  private constructor(locator: GrammarLocator) {
    this.#locator = locator
  }

  static async create(locator: GrammarLocator): Promise<Grammars> {
    await Parser.init({ locateFile: () => locator.runtime })
    return new Grammars(locator)
  }

  language(id: GrammarId): Promise<Language> {
    let language = this.#languages.get(id)
    if (!language) {
      language = Language.load(this.#locator.grammar(id))
      this.#languages.set(id, language)
    }
    return language
  }

  /** A parser for the grammar, shared per grammar (tree-sitter parsers are not re-entrant, JS is single-threaded). */
  async parser(id: GrammarId): Promise<Parser> {
    let parser = this.#parsers.get(id)
    if (!parser) {
      parser = new Parser()
      parser.setLanguage(await this.language(id))
      this.#parsers.set(id, parser)
    }
    return parser
  }

  /** The parser if its grammar is already loaded, for synchronous callers. */
  loadedParser(id: GrammarId): Parser | undefined {
    return this.#parsers.get(id)
  }
}
