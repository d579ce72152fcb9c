/**
 * The languages Weft knows, in one table: for each, the file extensions that name it, the
 * tree-sitter grammar that parses it, the editor's syntax mode, how the search index reads it and
 * how a merge treats it. Metadata only (no imports), so the window reads it without loading
 * tree-sitter. The pieces that are code live with their capability, keyed by this table's types so
 * that a piece left out fails to compile: the merge profiles by `StructuredGrammar`
 * (merge/profiles/languages.ts), the index's definition profiles by `DefinitionGrammar`
 * (index/profiles.ts), the editor modes by `EditorMode` (ui/lib/languages.ts), the grammars'
 * browser URLs by `GrammarId` (browserGrammars.ts).
 */

/** The tree-sitter grammars Weft ships, and where each one's wasm lives, relative to node_modules. */
export const GRAMMAR_FILES = {
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
  elixir: 'tree-sitter-elixir/tree-sitter-elixir.wasm',
  haskell: 'tree-sitter-haskell/tree-sitter-haskell.wasm',
  ocaml: 'tree-sitter-ocaml/tree-sitter-ocaml.wasm',
  ocaml_interface: 'tree-sitter-ocaml/tree-sitter-ocaml_interface.wasm',
  zig: '@tree-sitter-grammars/tree-sitter-zig/tree-sitter-zig.wasm',
  julia: 'tree-sitter-julia/tree-sitter-julia.wasm',
  hcl: '@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm',
  make: 'tree-sitter-make/tree-sitter-make.wasm',
  properties: 'tree-sitter-properties/tree-sitter-properties.wasm',
  devicetree: 'tree-sitter-devicetree/tree-sitter-devicetree.wasm',
  solidity: 'tree-sitter-solidity/tree-sitter-solidity.wasm',
  // The INI grammar has no npm package of its own with a wasm; VS Code's prebuilt set has one.
  ini: '@vscode/tree-sitter-wasm/wasm/tree-sitter-ini.wasm',
  // Starlark is Python's syntax; an id of its own gives it its own merge profile.
  starlark: 'tree-sitter-python/tree-sitter-python.wasm',
  c: 'tree-sitter-c/tree-sitter-c.wasm',
  cpp: 'tree-sitter-cpp/tree-sitter-cpp.wasm',
  csharp: 'tree-sitter-c-sharp/tree-sitter-c_sharp.wasm',
  php: 'tree-sitter-php/tree-sitter-php.wasm',
  ruby: 'tree-sitter-ruby/tree-sitter-ruby.wasm',
  bash: 'tree-sitter-bash/tree-sitter-bash.wasm',
  lua: '@tree-sitter-grammars/tree-sitter-lua/tree-sitter-lua.wasm',
  kotlin: '@tree-sitter-grammars/tree-sitter-kotlin/tree-sitter-kotlin.wasm',
  scala: 'tree-sitter-scala/tree-sitter-scala.wasm',
  // Dart's own npm package ships a wasm too old for web-tree-sitter 0.27; this build loads.
  dart: '@repomix/tree-sitter-wasms/out/tree-sitter-dart.wasm',
} as const satisfies Record<string, string>

export type GrammarId = keyof typeof GRAMMAR_FILES

/**
 * How the search index reads a file: by the definitions its syntax tree holds (needs a profile in
 * index/profiles.ts), as HTML's text, as Markdown sections, as PDF pages, or as plain text.
 */
export type IndexReading = 'definitions' | 'html' | 'markdown' | 'pdf' | 'text'

/**
 * One language. Every field is required, `null` saying "none" out loud. A language with a grammar
 * may be merged by its syntax tree (`structured`, needs a profile in merge/profiles/languages.ts)
 * or by lines; one without a grammar is only ever merged by lines.
 */
export type Language = {
  /** Lower-case, without the dot; a file's last extension names its language. */
  extensions: readonly string[]
  /**
   * Whole file names, case-sensitive, for formats told by name rather than extension (`Makefile`,
   * Bazel's `BUILD`); most languages have none.
   */
  fileNames?: readonly string[]
  /** The editor's syntax mode (a key of ui/lib/languages.ts), or null for plain text. */
  editor: string | null
} & (
  | { grammar: GrammarId; index: IndexReading; merge: 'structured' | 'lines' }
  | { grammar: null; index: 'markdown' | 'pdf' | 'text'; merge: 'lines' }
)

export const LANGUAGES = {
  typescript: {
    extensions: ['ts', 'mts', 'cts'],
    grammar: 'typescript',
    editor: 'typescript',
    index: 'definitions',
    merge: 'structured',
  },
  tsx: { extensions: ['tsx'], grammar: 'tsx', editor: 'tsx', index: 'definitions', merge: 'structured' },
  javascript: {
    extensions: ['js', 'mjs', 'cjs'],
    grammar: 'javascript',
    editor: 'javascript',
    index: 'definitions',
    merge: 'structured',
  },
  // tree-sitter's JavaScript grammar reads JSX; only the editor tells it apart.
  jsx: {
    extensions: ['jsx'],
    grammar: 'javascript',
    editor: 'jsx',
    index: 'definitions',
    merge: 'structured',
  },
  json: {
    extensions: ['json', 'jsonc', 'webmanifest'],
    grammar: 'json',
    editor: 'json',
    index: 'text',
    merge: 'structured',
  },
  python: {
    extensions: ['py', 'pyi'],
    grammar: 'python',
    editor: 'python',
    index: 'definitions',
    merge: 'structured',
  },
  go: { extensions: ['go'], grammar: 'go', editor: 'go', index: 'definitions', merge: 'structured' },
  rust: { extensions: ['rs'], grammar: 'rust', editor: 'rust', index: 'definitions', merge: 'structured' },
  // The editor has no Java mode yet.
  java: { extensions: ['java'], grammar: 'java', editor: null, index: 'definitions', merge: 'structured' },
  css: { extensions: ['css'], grammar: 'css', editor: 'css', index: 'text', merge: 'structured' },
  html: { extensions: ['html', 'htm'], grammar: 'html', editor: 'html', index: 'html', merge: 'structured' },
  yaml: { extensions: ['yaml', 'yml'], grammar: 'yaml', editor: 'yaml', index: 'text', merge: 'structured' },
  toml: { extensions: ['toml'], grammar: 'toml', editor: 'toml', index: 'text', merge: 'structured' },
  // Component files: highlighted as HTML, but their scripts and styles are beyond the HTML grammar.
  svelte: { extensions: ['svelte'], grammar: null, editor: 'html', index: 'text', merge: 'lines' },
  vue: { extensions: ['vue'], grammar: null, editor: 'html', index: 'text', merge: 'lines' },
  markdown: {
    extensions: ['md', 'markdown'],
    grammar: null,
    editor: 'markdown',
    index: 'markdown',
    merge: 'lines',
  },
  // MDX's JSX is beyond the Markdown editor mode; its prose is indexed as Markdown.
  mdx: { extensions: ['mdx'], grammar: null, editor: null, index: 'markdown', merge: 'lines' },
  pdf: { extensions: ['pdf'], grammar: null, editor: null, index: 'pdf', merge: 'lines' },
  elixir: { extensions: ['ex', 'exs'], grammar: 'elixir', editor: null, index: 'text', merge: 'structured' },
  haskell: { extensions: ['hs'], grammar: 'haskell', editor: null, index: 'text', merge: 'structured' },
  ocaml: { extensions: ['ml'], grammar: 'ocaml', editor: null, index: 'text', merge: 'structured' },
  // Interfaces have a grammar of their own in the same package.
  ocaml_interface: {
    extensions: ['mli'],
    grammar: 'ocaml_interface',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  zig: { extensions: ['zig', 'zon'], grammar: 'zig', editor: null, index: 'text', merge: 'structured' },
  julia: { extensions: ['jl'], grammar: 'julia', editor: null, index: 'text', merge: 'structured' },
  // Terraform is HCL with a schema of its own.
  hcl: {
    extensions: ['hcl', 'tf', 'tfvars'],
    grammar: 'hcl',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  make: {
    extensions: ['mk', 'mak'],
    fileNames: ['Makefile', 'makefile', 'GNUmakefile'],
    grammar: 'make',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  properties: {
    extensions: ['properties'],
    grammar: 'properties',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  devicetree: {
    extensions: ['dts', 'dtsi', 'dtso'],
    grammar: 'devicetree',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  solidity: { extensions: ['sol'], grammar: 'solidity', editor: null, index: 'text', merge: 'structured' },
  ini: {
    extensions: ['ini', 'editorconfig'],
    grammar: 'ini',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  // Bazel's and Buck's build files.
  starlark: {
    extensions: ['bzl', 'star', 'bazel'],
    fileNames: ['BUILD', 'WORKSPACE'],
    grammar: 'starlark',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  // A `.h` header is read as C; a C++ header that only the C++ grammar parses falls back to lines.
  c: { extensions: ['c', 'h'], grammar: 'c', editor: null, index: 'text', merge: 'structured' },
  cpp: {
    extensions: ['cpp', 'cc', 'cxx', 'c++', 'hpp', 'hh', 'hxx', 'h++', 'ipp', 'tpp'],
    grammar: 'cpp',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  csharp: { extensions: ['cs'], grammar: 'csharp', editor: null, index: 'text', merge: 'structured' },
  php: { extensions: ['php', 'phtml'], grammar: 'php', editor: null, index: 'text', merge: 'structured' },
  ruby: {
    extensions: ['rb', 'rake', 'gemspec'],
    grammar: 'ruby',
    editor: null,
    index: 'text',
    merge: 'structured',
  },
  bash: { extensions: ['sh', 'bash'], grammar: 'bash', editor: null, index: 'text', merge: 'structured' },
  lua: { extensions: ['lua'], grammar: 'lua', editor: null, index: 'text', merge: 'structured' },
  kotlin: { extensions: ['kt', 'kts'], grammar: 'kotlin', editor: null, index: 'text', merge: 'structured' },
  scala: { extensions: ['scala', 'sc'], grammar: 'scala', editor: null, index: 'text', merge: 'structured' },
  dart: { extensions: ['dart'], grammar: 'dart', editor: null, index: 'text', merge: 'structured' },
} as const satisfies Record<string, Language>

type Languages = typeof LANGUAGES
export type LanguageId = keyof Languages

/** The grammars of the languages whose entry has `field: value`. */
type GrammarsWhere<Field extends 'index' | 'merge', Value> = {
  [L in LanguageId]: Languages[L][Field] extends Value ? Languages[L]['grammar'] : never
}[LanguageId]

/** Grammars merged by their syntax tree: each needs a merge profile. */
export type StructuredGrammar = GrammarsWhere<'merge', 'structured'>
/** Grammars the index chunks by their definitions: each needs an index profile. */
export type DefinitionGrammar = GrammarsWhere<'index', 'definitions'>
/** The editor's syntax modes: each needs a loader in the window. */
export type EditorMode = NonNullable<Languages[LanguageId]['editor']>

const BY_EXTENSION = new Map<string, LanguageId>(
  (Object.keys(LANGUAGES) as LanguageId[]).flatMap((id) =>
    LANGUAGES[id].extensions.map((extension) => [extension, id] as const),
  ),
)

const BY_FILE_NAME = new Map<string, LanguageId>(
  (Object.keys(LANGUAGES) as LanguageId[]).flatMap((id) =>
    ((LANGUAGES[id] as Language).fileNames ?? []).map((name) => [name, id] as const),
  ),
)

/**
 * The language of a file name: by the whole name for the formats named so (`Makefile`), else by
 * its last extension, case-insensitively; undefined when Weft has none.
 */
export function languageOfPath(path: string): LanguageId | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const byName = BY_FILE_NAME.get(name)
  if (byName !== undefined) return byName
  const dot = name.lastIndexOf('.')
  return dot < 0 ? undefined : BY_EXTENSION.get(name.slice(dot + 1).toLowerCase())
}

/** The language's entry (widened, for callers that branch on its fields). */
export const language = (id: LanguageId): Language => LANGUAGES[id]

/** The entry of a file's language, or undefined when Weft has none for it. */
export function languageEntryForPath(path: string): Language | undefined {
  const id = languageOfPath(path)
  return id === undefined ? undefined : language(id)
}

/** The grammar for a file name, or undefined when Weft has none for it. */
export function grammarForPath(path: string): GrammarId | undefined {
  return languageEntryForPath(path)?.grammar ?? undefined
}

/** The grammar a merge parses a file with, or undefined when the file is merged by lines only. */
export function structuredGrammarForPath(path: string): StructuredGrammar | undefined {
  const entry = languageEntryForPath(path)
  // A structured entry's grammar is a StructuredGrammar by that type's definition.
  return entry?.merge === 'structured' ? (entry.grammar as StructuredGrammar) : undefined
}

/** What a language is indexed (and searched) as: its grammar's id, else how it is read (`markdown`, `pdf`, `text`). */
const indexedAs = (entry: Language): string => entry.grammar ?? entry.index

/** The language a file is indexed as; `text` for a file of no known language. */
export function indexLanguageForPath(path: string): string {
  const entry = languageEntryForPath(path)
  return entry === undefined ? 'text' : indexedAs(entry)
}

/** Every language a file can be indexed as, sorted: what search can filter by. */
export const INDEX_LANGUAGES: readonly string[] = [
  ...new Set([...(Object.keys(LANGUAGES) as LanguageId[]).map((id) => indexedAs(language(id))), 'text']),
].sort()
