import { Language, Parser } from 'web-tree-sitter'
import type { GrammarId } from './languages.ts'
import { useTreeSitterRuntime } from './treeWalker.ts'

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
    // Emscripten fills the options object with the runtime's exports: tree copies call them directly.
    const options = { locateFile: () => locator.runtime }
    await Parser.init(options)
    useTreeSitterRuntime(options)
    return new Grammars(locator)
  }

  language(id: GrammarId): Promise<Language> {
    let language = this.#languages.get(id)
    if (!language) {
      // A load that failed (a grammar fetched offline before its first use) is tried again next time.
      language = Language.load(this.#locator.grammar(id)).catch((error: unknown) => {
        this.#languages.delete(id)
        throw error
      })
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
