/**
 * A user's search text turned into an FTS5 MATCH expression. Every term is quoted, so no input
 * can produce an FTS5 syntax error: operators and punctuation are searched for, never parsed,
 * except the few forms below.
 *
 *   parse config      both words, whole or inside identifiers (`config` finds `parseConfig`)
 *   conf*             words starting with `conf` (a prefix only when asked: expanding every
 *                     word to all its completions made two-word queries ten times slower)
 *   "load the file"   the exact phrase
 *   -test             without the word
 *   a OR b            either
 */

import { stem, STOP_WORDS } from './semantic/tokens.ts'

/** Terms that contain no letter or digit produce no token and are dropped. */
const WORDY = /[\p{L}\p{N}]/u

const quote = (text: string) => `"${text.replaceAll('"', '""')}"`

/**
 * The FTS5 expression for `input` over chunk_words and the words to highlight, or null when it has
 * no searchable word.
 */
export function wordQuery(input: string): { match: string; words: string[] } | null {
  const positive: string[] = []
  const negative: string[] = []
  const words: string[] = []
  let pendingOr = false
  for (const match of input.matchAll(/(-?)"([^"]*)"?|(\S+)/g)) {
    const [, minus, phrase, bare] = match
    if (bare === 'OR') {
      pendingOr = positive.length > 0
      continue
    }
    const negated = minus === '-' || (bare?.startsWith('-') ?? false)
    const text = phrase ?? (negated ? bare.slice(1) : bare)
    const prefix = phrase === undefined && text.length > 1 && text.endsWith('*')
    const word = prefix ? text.slice(0, -1) : text
    if (!WORDY.test(word)) continue
    const term = prefix ? `${quote(word)} *` : quote(word)
    if (negated) {
      negative.push(term)
      continue
    }
    words.push(word)
    if (pendingOr) positive.push(`(${positive.pop()} OR ${term})`)
    else positive.push(term)
    pendingOr = false
  }
  if (!positive.length) return null
  return { match: positive.join(' AND ') + negative.map((n) => ` NOT ${n}`).join(''), words }
}

/** Shortest text the trigram index can search for; shorter substrings are scanned. */
export const MIN_TRIGRAM = 3

/** `text` as a LIKE pattern matching it literally anywhere (escape character `\`). */
export const likePattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** Shortest stem searched as a prefix: shorter ones (`us*`) match too many unrelated words. */
const MIN_STEM = 4

/**
 * The prefix that finds the other forms of `word` (`declared` → `declar`, finding `declare` and
 * `declaration`), or null when the word has no suffix to strip: the index does not stem, and a
 * question rarely uses the form the code does.
 */
export function stemPrefix(word: string): string | null {
  const lower = word.toLowerCase()
  // stem() turns a final y into i so that `retry` and `retries` meet; as a prefix the i must go.
  const base = stem(lower).replace(/i$/, '')
  return base.length >= MIN_STEM && base !== lower && lower.startsWith(base) ? base : null
}

/** Endings put back on a stem: the common English inflections and derivations code and prose use. */
const ENDINGS = ['', 'e', 's', 'es', 'ed', 'ing', 'er', 'ion', 'ation']
/** …and for a stem whose y was cut (`retr` of retry, retries, retried). */
const Y_ENDINGS = ['y', 'ies', 'ied', 'ying', 'ier']

/**
 * `word` and the other forms of it the code may use (`declared` → declare, declares, declaration,
 * …): its stem with the common endings put back. Exact words, not a prefix: FTS5 reads the whole
 * posting list of every word a prefix matches before ranking, which took the hybrid query's CPU p95
 * on bench/index.bench.ts from 40 to 80 ms; a form no chunk has costs one term lookup.
 */
export function wordForms(word: string): string[] {
  const lower = word.toLowerCase()
  const base = stemPrefix(lower)
  if (!base) return [lower]
  const endings = stem(lower).endsWith('i') ? [...ENDINGS, ...Y_ENDINGS] : ENDINGS
  return [...new Set([lower, ...endings.map((e) => base + e)])]
}

/**
 * Any of the input's words (stop words dropped), each in its other forms too, for the lexical half
 * of a semantic search: a question's words are rarely all in one chunk, nor in the form the code
 * uses. Null when no word is left.
 */
export function relaxedWordQuery(input: string): { match: string; words: string[] } | null {
  const words = [
    ...new Set(
      [...input.matchAll(/[\p{L}\p{N}_]+/gu)]
        .map(([w]) => w)
        .filter((w) => w.length > 1 && !STOP_WORDS.has(w.toLowerCase())),
    ),
  ]
  if (!words.length) return null
  const terms = words.flatMap(wordForms)
  return { match: [...new Set(terms)].map(quote).join(' OR '), words }
}
