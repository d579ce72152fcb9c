import { createRequire } from 'node:module'
import { Grammars, type GrammarLocator } from './grammars.ts'
import { GRAMMAR_FILES } from './languages.ts'

const require = createRequire(import.meta.url)

/** Grammar files resolved from node_modules, for the CLI, tests and benchmarks. */
export const nodeLocator: GrammarLocator = {
  runtime: require.resolve('web-tree-sitter/web-tree-sitter.wasm'),
  grammar: (id) => require.resolve(GRAMMAR_FILES[id]),
}

let shared: Promise<Grammars> | undefined

/** One Grammars per Node process. */
export function nodeGrammars(): Promise<Grammars> {
  shared ??= Grammars.create(nodeLocator)
  return shared
}
