/**
 * Which syntax nodes are definitions, per grammar the registry (syntax/languages.ts) marks as
 * indexed by its definitions: such a grammar without a profile here fails to compile.
 * The chunker (chunker.ts) reads these and nothing else about a language.
 */
import type { Node } from 'web-tree-sitter'
import type { DefinitionGrammar } from '../syntax/languages.ts'
import type { SymbolKind } from './types.ts'

export interface DefinitionRule {
  /** The kind, or a function of the node for kinds decided by content (`const f = () => …`). */
  kind: SymbolKind | ((node: Node) => SymbolKind)
  /** The name; by default the node's `name` field. */
  name?: (node: Node) => string | null
  /** Its body holds member definitions (classes, impls, modules). */
  members?: boolean
  /** The container when not the enclosing definition (a Go method's receiver type). */
  container?: (node: Node) => string | null
}

export interface LanguageProfile {
  definitions: Record<string, DefinitionRule>
  /**
   * Nodes around definitions (`export`, decorators, `const` groups): looked through, and part of
   * the chunk when they hold a single definition.
   */
  wrappers: string[]
  /** Nodes holding members (class bodies, declaration lists): looked through. */
  bodies: string[]
}

const field = (name: string) => (node: Node) => node.childForFieldName(name)?.text ?? null

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function'])
/** `const f = () => …` is a function; any other top-level binding a variable. */
const binding = (node: Node): SymbolKind =>
  FUNCTION_VALUES.has(node.childForFieldName('value')?.type ?? '') ? 'function' : 'variable'

const javascript: LanguageProfile = {
  definitions: {
    function_declaration: { kind: 'function' },
    generator_function_declaration: { kind: 'function' },
    class_declaration: { kind: 'class', members: true },
    method_definition: { kind: 'method' },
    variable_declarator: { kind: binding },
  },
  wrappers: ['export_statement', 'lexical_declaration', 'variable_declaration'],
  bodies: ['class_body'],
}

const typescript: LanguageProfile = {
  definitions: {
    ...javascript.definitions,
    abstract_class_declaration: { kind: 'class', members: true },
    interface_declaration: { kind: 'interface' },
    type_alias_declaration: { kind: 'type' },
    enum_declaration: { kind: 'enum' },
    internal_module: { kind: 'module', members: true },
    module: { kind: 'module', members: true },
    abstract_method_signature: { kind: 'method' },
    function_signature: { kind: 'function' },
  },
  wrappers: [...javascript.wrappers, 'expression_statement', 'ambient_declaration'],
  bodies: [...javascript.bodies, 'statement_block'],
}

const python: LanguageProfile = {
  definitions: {
    function_definition: { kind: 'function' },
    class_definition: { kind: 'class', members: true },
  },
  wrappers: ['decorated_definition'],
  bodies: ['block'],
}

/** A Go method belongs to its receiver's type (`func (r *Repo) Open()` → Repo). */
const goReceiver = (node: Node) => {
  const type = node.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type')
  return type ? type.text.replace(/^\*/, '').replace(/\[.*$/, '') : null
}
const goType = (node: Node): SymbolKind => {
  const type = node.childForFieldName('type')?.type
  return type === 'struct_type' ? 'struct' : type === 'interface_type' ? 'interface' : 'type'
}

const go: LanguageProfile = {
  definitions: {
    function_declaration: { kind: 'function' },
    method_declaration: { kind: 'method', container: goReceiver },
    type_spec: { kind: goType },
    type_alias: { kind: 'type' },
    var_spec: { kind: 'variable' },
    const_spec: { kind: 'constant' },
  },
  wrappers: ['type_declaration', 'var_declaration', 'const_declaration'],
  bodies: [],
}

/** `impl<T> Trait for Vec<T>` is named by its type, `Vec`. */
const rustImplName = (node: Node) => node.childForFieldName('type')?.text.replace(/<.*$/s, '') ?? null

const rust: LanguageProfile = {
  definitions: {
    function_item: { kind: 'function' },
    function_signature_item: { kind: 'function' },
    struct_item: { kind: 'struct' },
    enum_item: { kind: 'enum' },
    union_item: { kind: 'struct' },
    trait_item: { kind: 'trait', members: true },
    impl_item: { kind: 'impl', name: rustImplName, members: true },
    mod_item: { kind: 'module', members: true },
    macro_definition: { kind: 'macro' },
    const_item: { kind: 'constant' },
    static_item: { kind: 'variable' },
    type_item: { kind: 'type' },
  },
  wrappers: [],
  bodies: ['declaration_list'],
}

const java: LanguageProfile = {
  definitions: {
    class_declaration: { kind: 'class', members: true },
    interface_declaration: { kind: 'interface', members: true },
    enum_declaration: { kind: 'enum', members: true },
    record_declaration: { kind: 'class', members: true },
    method_declaration: { kind: 'method' },
    constructor_declaration: { kind: 'method' },
  },
  wrappers: [],
  bodies: ['class_body', 'interface_body', 'enum_body', 'enum_body_declarations'],
}

/** Grammars with definitions worth chunking by; others (JSON, CSS, YAML…) are chunked as text. */
export const PROFILES: Record<DefinitionGrammar, LanguageProfile> = {
  typescript,
  tsx: typescript,
  javascript,
  python,
  go,
  rust,
  java,
}

/** The default name of a definition: its `name` field. */
export const nameOf = (rule: DefinitionRule, node: Node): string | null => (rule.name ?? field('name'))(node)
