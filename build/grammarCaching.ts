/**
 * Which tree-sitter grammars the app's service worker precaches, and how it caches the others.
 * The first visit downloads only what the app parses as soon as it opens: the grammars the search
 * index reads definitions with (it parses the repository's files on start). Every other grammar
 * is fetched the first time a merge needs it and kept in a cache of its own, so it stays there
 * offline after that first use; a merge whose grammar cannot be fetched falls back to lines.
 * The first visit therefore does not grow with the number of languages a merge knows.
 */
import type { ManifestTransform, RuntimeCaching } from 'workbox-build'
import { GRAMMAR_FILES, LANGUAGES, type GrammarId } from '../src/syntax/languages.ts'

/** The grammars the search index parses on start: precached. */
export const STARTUP_GRAMMARS: readonly GrammarId[] = [
  ...new Set(
    Object.values(LANGUAGES).flatMap((entry) =>
      entry.index === 'definitions' && entry.grammar !== null ? [entry.grammar] : [],
    ),
  ),
]

/** A built grammar file, its name without the hash captured: `tree-sitter-c_sharp-1a2B3c4D.wasm`. */
const GRAMMAR_ASSET = /(?:^|\/)(tree-sitter-\w+?)-[\w-]{8}\.wasm$/

const stemOf = (id: GrammarId): string => GRAMMAR_FILES[id].replace(/^.*\//, '').replace(/\.wasm$/, '')
const STARTUP_STEMS = new Set(STARTUP_GRAMMARS.map(stemOf))

/** Whether a built file is a grammar that is not precached (the runtime, web-tree-sitter, is). */
export function isOnDemandGrammar(url: string): boolean {
  const stem = GRAMMAR_ASSET.exec(url)?.[1]
  return stem !== undefined && !STARTUP_STEMS.has(stem)
}

/** Drops the on-demand grammars from the precache manifest. */
export const dropOnDemandGrammars: ManifestTransform = (entries) => ({
  manifest: entries.filter((entry) => !isOnDemandGrammar(entry.url)),
  warnings: [],
})

/**
 * Grammars fetched at run time are kept on first use (their names carry their content's hash).
 * A pattern, not a function: it is written into the service worker as it is. It also covers the
 * precached grammars, which the precache answers first.
 */
export const grammarRuntimeCaching: RuntimeCaching = {
  urlPattern: /\/tree-sitter-\w+-[\w-]{8}\.wasm$/,
  handler: 'CacheFirst',
  options: { cacheName: 'weft-grammars', cacheableResponse: { statuses: [200] } },
}
