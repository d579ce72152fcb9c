import type { StructuredGrammar } from '../../syntax/languages.ts'
import type { LanguageProfile } from './profile.ts'

const ecmascriptSignatures: Record<string, string[]> = {
  function_declaration: ['name'],
  generator_function_declaration: ['name'],
  class_declaration: ['name'],
  abstract_class_declaration: ['name'],
  interface_declaration: ['name'],
  type_alias_declaration: ['name'],
  enum_declaration: ['name'],
  module: ['name'],
  internal_module: ['name'],
  lexical_declaration: ['variable_declarator.name'],
  variable_declaration: ['variable_declarator.name'],
  export_statement: ['declaration.name', 'declaration.variable_declarator.name'],
  import_statement: ['source'],
  method_definition: ['name'],
  method_signature: ['name'],
  abstract_method_signature: ['name'],
  public_field_definition: ['name'],
  field_definition: ['property'],
  property_signature: ['name'],
  pair: ['key'],
  shorthand_property_identifier: ['#text'],
  enum_assignment: ['name'],
  import_specifier: ['name'],
  export_specifier: ['name'],
  jsx_attribute: ['#0'],
}

const ecmascriptCommutative = [
  'program',
  'class_body',
  'object',
  'object_type',
  'interface_body',
  'enum_body',
  'named_imports',
  'export_clause',
  'object_pattern',
  'jsx_opening_element',
  'jsx_self_closing_element',
  'union_type',
]

/** Import lists and import statements, where people keep them sorted. */
const ecmascriptSorted = [
  'named_imports>import_specifier',
  'export_clause>export_specifier',
  'program>import_statement',
]

const javaSignatures: Record<string, string[]> = {
  class_declaration: ['name'],
  interface_declaration: ['name'],
  enum_declaration: ['name'],
  record_declaration: ['name'],
  annotation_type_declaration: ['name'],
  method_declaration: ['name', 'parameters.*.type'],
  constructor_declaration: ['name', 'parameters.*.type'],
  field_declaration: ['declarator.name'],
  import_declaration: ['#text'],
  enum_constant: ['name'],
  element_value_pair: ['key'],
  marker_annotation: ['name'],
  annotation: ['name'],
  public: ['=visibility'],
  protected: ['=visibility'],
  private: ['=visibility'],
  type_identifier: ['#text'],
  scoped_type_identifier: ['#text'],
}

const pythonSignatures: Record<string, string[]> = {
  function_definition: ['name'],
  class_definition: ['name'],
  decorated_definition: ['definition.name'],
  import_statement: ['#text'],
  import_from_statement: ['module_name'],
  expression_statement: ['assignment.left'],
  keyword_argument: ['name'],
  pair: ['key'],
}

/** The Bazel rule attributes that list labels or files: sets, wherever the rule sits. */
const starlarkLabelLists = ['srcs', 'hdrs', 'deps', 'data', 'visibility', 'exports', 'tags', 'textual_hdrs']

/** OCaml's definitions, in a file, a `struct` or a `sig`, and the fields of a record. */
const ocamlCommutative = [
  'compilation_unit',
  'structure',
  'signature',
  'record_expression',
  'record_declaration',
]

const ocamlSignatures: Record<string, string[]> = {
  value_definition: ['let_binding.pattern'],
  value_specification: ['value_name'],
  external: ['value_name'],
  type_definition: ['type_binding.name'],
  module_definition: ['module_binding.module_name'],
  module_type_definition: ['name'],
  open_module: ['module'],
  field_expression: ['field'],
  field_declaration: ['field_name'],
}

// C and C++: the file and struct/class member lists are sets; enumerators (their order numbers
// them), initializer lists and arguments (positional) stay ordered.
const cSignatures: Record<string, string[]> = {
  function_definition: ['declarator.declarator'],
  declaration: ['declarator.declarator'],
  struct_specifier: ['name'],
  union_specifier: ['name'],
  enum_specifier: ['name'],
  type_definition: ['declarator'],
  field_declaration: ['declarator'],
  preproc_include: ['path'],
  preproc_def: ['name'],
  preproc_function_def: ['name'],
}

const cppSignatures: Record<string, string[]> = {
  ...cSignatures,
  // Overloads differ by their parameters' types.
  function_definition: ['declarator.declarator', 'declarator.parameters.*.type'],
  declaration: ['declarator.declarator', 'declarator.parameters.*.type'],
  field_declaration: ['declarator.declarator', 'declarator', 'declarator.parameters.*.type'],
  class_specifier: ['name'],
  namespace_definition: ['name'],
  template_declaration: [
    'class_specifier.name',
    'struct_specifier.name',
    'function_definition.declarator.declarator',
    'declaration.declarator.declarator',
  ],
  alias_declaration: ['name'],
  using_declaration: ['#text'],
}

/** Every grammar the registry (syntax/languages.ts) merges structurally has its profile here. */
const profiles: Record<StructuredGrammar, LanguageProfile> = {
  typescript: {
    commutative: ecmascriptCommutative,
    signatures: ecmascriptSignatures,
    attachedToNext: ['decorator'],
    chains: ['union_type'],
    sorted: ecmascriptSorted,
  },
  tsx: {
    commutative: ecmascriptCommutative,
    signatures: ecmascriptSignatures,
    attachedToNext: ['decorator'],
    chains: ['union_type'],
    sorted: ecmascriptSorted,
  },
  javascript: {
    commutative: ecmascriptCommutative,
    signatures: ecmascriptSignatures,
    attachedToNext: ['decorator'],
    sorted: ecmascriptSorted,
  },
  json: {
    commutative: ['object'],
    signatures: { pair: ['key'] },
    lenientTrailingCommas: true,
    // package.json's dependencies, translation files
    sorted: ['object>pair'],
  },
  python: {
    commutative: ['module', 'class_definition>block', 'dictionary', 'set', 'import_from_statement'],
    commutativeWhenKeyed: ['argument_list'],
    // A module's `__all__` lists the names it exports: a set.
    valueSets: [{ kind: 'list', path: ['expression __all__'] }],
    sorted: ['import_from_statement>*', 'module>import_statement', 'module>import_from_statement'],
    signatures: pythonSignatures,
  },
  go: {
    commutative: ['source_file', 'import_spec_list', 'field_declaration_list', 'interface_type'],
    commutativeWhenKeyed: ['literal_value'],
    sorted: ['import_spec_list>import_spec'],
    signatures: {
      keyed_element: ['#0'],
      function_declaration: ['name'],
      method_declaration: ['receiver', 'name'],
      type_declaration: ['type_spec.name'],
      import_spec: ['path'],
      field_declaration: ['name'],
      method_elem: ['name'],
    },
  },
  rust: {
    commutative: [
      'source_file',
      'declaration_list',
      'field_declaration_list',
      'enum_variant_list',
      'use_list',
      'attribute>token_tree',
      'trait_bounds',
      'function_modifiers',
    ],
    commutativeWhenKeyed: ['field_initializer_list'],
    attachedToNext: ['attribute_item'],
    sorted: ['use_list>*', 'source_file>use_declaration', 'declaration_list>use_declaration'],
    signatures: {
      field_initializer: ['field'],
      shorthand_field_initializer: ['#text'],
      function_item: ['name'],
      function_signature_item: ['name'],
      struct_item: ['name'],
      enum_item: ['name'],
      union_item: ['name'],
      trait_item: ['name'],
      impl_item: ['trait', 'type'],
      mod_item: ['name'],
      const_item: ['name'],
      static_item: ['name'],
      type_item: ['name'],
      macro_definition: ['name'],
      use_declaration: ['#text'],
      field_declaration: ['name'],
      enum_variant: ['name'],
    },
  },
  java: {
    commutative: [
      'class_body',
      'interface_body',
      'program',
      'modifiers',
      'type_list',
      'throws',
      'enum_body_declarations',
      'annotation_type_body',
      'catch_type',
    ],
    commutativeWhenKeyed: ['annotation_argument_list'],
    separators: { type_list: ', ' },
    sorted: ['program>import_declaration'],
    signatures: javaSignatures,
  },
  css: {
    commutative: ['stylesheet', 'block'],
    signatures: { rule_set: ['selectors'], declaration: ['#0'], import_statement: ['#text'] },
  },
  html: { commutative: ['start_tag', 'self_closing_tag'], signatures: { attribute: ['#0'] } },
  yaml: {
    commutative: ['block_mapping', 'flow_mapping'],
    signatures: { block_mapping_pair: ['key'], flow_pair: ['key'] },
  },
  toml: {
    commutative: ['document', 'table', 'inline_table'],
    signatures: { pair: ['#0'], table: ['#0'] },
    // Cargo.toml's dependencies
    sorted: ['table>pair'],
    // pyproject.toml's requirement and metadata lists are sets (PEP 518, 621, 735); a file is told
    // by its tables, as merge tools often see it under a temporary name.
    valueSets: [
      { kind: 'array', path: ['table build-system', 'pair requires'] },
      ...['dependencies', 'keywords', 'classifiers', 'authors', 'maintainers', 'dynamic'].map((key) => ({
        kind: 'array',
        path: ['table project', `pair ${key}`],
      })),
      { kind: 'array', path: ['table project', 'pair optional-dependencies', '*'] },
      { kind: 'array', path: ['table project.optional-dependencies', '*'] },
      { kind: 'array', path: ['table dependency-groups', '*'] },
    ],
  },
  // Module bodies and function bodies are both `do_block`s, and a function's clauses match in
  // order: nothing in Elixir is merged as a set.
  elixir: { commutative: [], signatures: {} },
  haskell: {
    // A function's equations and guards stay in order: equations of one name share a signature,
    // which keeps the declarations from being merged as a set while they sit there.
    commutative: ['imports', 'declarations', 'deriving>tuple'],
    // Record construction and update (`Foo { a = 1 }`), by field name.
    commutativeWhenKeyed: ['record'],
    // A type signature goes with the equations after it.
    attachedToNext: ['signature'],
    signatures: {
      field_update: ['field'],
      import: ['module', 'alias'],
      import_name: ['#text'],
      function: ['name'],
      bind: ['name'],
      signature: ['=type', 'name'],
      data_type: ['name'],
      newtype: ['name'],
      type_synomym: ['name'],
      class: ['name'],
      name: ['#text'],
      qualified: ['#text'],
    },
  },
  ocaml: { commutative: ocamlCommutative, signatures: ocamlSignatures },
  ocaml_interface: { commutative: ocamlCommutative, signatures: ocamlSignatures },
  zig: {
    // Struct fields stay in order: extern and packed structs lay memory out by it.
    commutative: ['source_file'],
    signatures: {
      variable_declaration: ['identifier'],
      function_declaration: ['name'],
      test_declaration: ['string', 'identifier'],
    },
  },
  julia: {
    commutative: ['source_file'],
    signatures: {
      function_definition: ['signature'],
      macro_definition: ['signature'],
      struct_definition: ['type_head'],
      abstract_definition: ['type_head'],
      module_definition: ['name'],
      assignment: ['#0'],
      const_statement: ['assignment.#0'],
      import_statement: ['#text'],
      using_statement: ['#text'],
    },
  },
  hcl: {
    // Attributes and blocks of a body, keys of an object; tuples stay lists.
    commutative: ['body', 'object'],
    signatures: { attribute: ['#0'], block: ['#0', 'string_lit'], object_elem: ['key'] },
  },
  make: {
    // Variables keep their order (`+=`, `:=` read what came before); rules and their
    // prerequisites do not depend on it.
    commutative: ['makefile', 'prerequisites'],
    signatures: {
      rule: ['targets'],
      variable_assignment: ['name'],
      define_directive: ['name'],
      word: ['#text'],
    },
  },
  properties: { commutative: ['file'], signatures: { property: ['key'] } },
  devicetree: {
    commutative: ['document', 'node'],
    signatures: {
      node: ['name', 'address'],
      property: ['name'],
      preproc_include: ['path'],
      file_version: ['#text'],
    },
  },
  solidity: {
    // Enum values and struct members keep their order: both number what they declare.
    commutative: ['source_file', 'contract_body'],
    signatures: {
      import_directive: ['source'],
      pragma_directive: ['#text'],
      contract_declaration: ['name'],
      interface_declaration: ['name'],
      library_declaration: ['name'],
      function_definition: ['name'],
      constructor_definition: ['=constructor'],
      modifier_definition: ['name'],
      event_definition: ['name'],
      error_declaration: ['name'],
      state_variable_declaration: ['name'],
      struct_declaration: ['name'],
      enum_declaration: ['name'],
      using_directive: ['#text'],
    },
  },
  ini: {
    commutative: ['document', 'section'],
    signatures: { section: ['section_name'], setting: ['setting_name'] },
  },
  starlark: {
    commutative: ['module', 'dictionary'],
    commutativeWhenKeyed: ['argument_list'],
    // A call's statement is named by its function, first keyword (a target's `name = ...`) and
    // first string (the file a `load` reads).
    signatures: {
      ...pythonSignatures,
      expression_statement: [
        'assignment.left',
        'call.function',
        'call.arguments.keyword_argument',
        'call.arguments.string',
      ],
    },
    valueSets: [
      ...starlarkLabelLists.map((key) => ({ kind: 'list', path: ['*', `keyword argument ${key}`] })),
      { kind: 'list', path: ['expression exports_files'] },
    ],
  },
  c: {
    commutative: ['translation_unit', 'field_declaration_list'],
    attachedToNext: ['comment'],
    signatures: cSignatures,
  },
  cpp: {
    commutative: ['translation_unit', 'declaration_list'],
    // A member's access is the last `public:`/`private:` before it: a class body is a set only
    // while every member after the leading label is named, so no member changes sections.
    commutativeWhenKeyed: ['field_declaration_list'],
    attachedToNext: ['comment'],
    signatures: cppSignatures,
  },
  csharp: {
    // Enum members stay ordered: an implicit value is its position.
    commutative: ['compilation_unit', 'declaration_list'],
    attachedToNext: ['comment', 'attribute_list'],
    signatures: {
      using_directive: ['#text'],
      namespace_declaration: ['name'],
      class_declaration: ['name'],
      struct_declaration: ['name'],
      interface_declaration: ['name'],
      enum_declaration: ['name'],
      record_declaration: ['name'],
      delegate_declaration: ['name'],
      method_declaration: ['name', 'parameters.*.type'],
      constructor_declaration: ['name', 'parameters.*.type'],
      property_declaration: ['name'],
      field_declaration: ['variable_declaration.variable_declarator.name'],
      event_field_declaration: ['variable_declaration.variable_declarator.name'],
    },
  },
  php: {
    // A doc comment is a sibling of what it documents: glued to it, so the two never part.
    commutative: ['program', 'declaration_list', 'enum_declaration_list'],
    attachedToNext: ['comment', 'attribute_list'],
    signatures: {
      namespace_definition: ['name'],
      namespace_use_declaration: ['#text'],
      use_declaration: ['#text'],
      function_definition: ['name'],
      class_declaration: ['name'],
      interface_declaration: ['name'],
      trait_declaration: ['name'],
      enum_declaration: ['name'],
      method_declaration: ['name'],
      property_declaration: ['property_element.name'],
      const_declaration: ['const_element.#0'],
      enum_case: ['name'],
    },
  },
  ruby: {
    // A script's statements run in order; only class and module bodies are sets.
    commutative: ['class>body_statement', 'module>body_statement'],
    attachedToNext: ['comment'],
    signatures: {
      method: ['name'],
      singleton_method: ['object', 'name'],
      class: ['name'],
      module: ['name'],
    },
  },
  // A shell script runs in order: no sets, merged node by node.
  bash: {
    commutative: [],
    signatures: { function_definition: ['name'], variable_assignment: ['name'] },
  },
  lua: {
    // A chunk runs in order; a table's named fields are a set.
    commutative: [],
    commutativeWhenKeyed: ['table_constructor'],
    signatures: { function_declaration: ['name'], field: ['name'] },
  },
  kotlin: {
    // Enum entries stay ordered: their ordinal is their position.
    commutative: ['source_file', 'class_body'],
    attachedToNext: ['line_comment', 'block_comment'],
    signatures: {
      package_header: ['=package'],
      import: ['#text'],
      class_declaration: ['name'],
      object_declaration: ['name'],
      companion_object: ['=companion'],
      function_declaration: ['name', 'function_value_parameters.*.user_type'],
      property_declaration: ['variable_declaration.#0'],
      type_alias: ['type'],
    },
  },
  scala: {
    commutative: ['compilation_unit', 'template_body'],
    attachedToNext: ['comment', 'block_comment'],
    signatures: {
      package_clause: ['=package'],
      import_declaration: ['#text'],
      class_definition: ['name'],
      trait_definition: ['name'],
      object_definition: ['name'],
      function_definition: ['name', 'parameters.*.type'],
      function_declaration: ['name', 'parameters.*.type'],
      val_definition: ['pattern'],
      var_definition: ['pattern'],
      type_definition: ['name'],
    },
  },
  dart: {
    // A method's signature and its body are siblings: glued, so they match and move as one.
    // Enum values stay ordered: their index is their position.
    commutative: ['program', 'class_body'],
    attachedToNext: [
      'method_signature',
      'function_signature',
      'annotation',
      'comment',
      'documentation_comment',
    ],
    signatures: {
      import_or_export: ['#text'],
      class_definition: ['name'],
      enum_declaration: ['name'],
      mixin_declaration: ['identifier'],
      extension_declaration: ['name'],
      type_alias: ['type_identifier'],
      declaration: ['initialized_identifier_list.initialized_identifier.#0'],
      function_body: [
        'function_signature.name',
        'method_signature.function_signature.name',
        'method_signature.getter_signature.name',
        'method_signature.setter_signature.name',
        'method_signature.operator_signature',
      ],
    },
  },
}

/** The profile of a grammar merged by its syntax tree. */
export function profileFor(grammar: StructuredGrammar): LanguageProfile {
  return profiles[grammar]
}
