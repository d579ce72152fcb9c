/**
 * Sub-words of compound identifiers, so a search for `config` finds `parseConfig` and
 * `HTTPConfigLoader`. The word tokenizer already splits `snake_case` and `kebab-case`; only case
 * changes need help.
 */

const COMPOUND = /[A-Za-z][a-z0-9]*[A-Z][A-Za-z0-9]*/g
const PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g

/** The distinct lower-case parts (two characters or more) of camel- and PascalCase words in `text`. */
export function identifierParts(text: string): string {
  const parts = new Set<string>()
  for (const [word] of text.matchAll(COMPOUND))
    for (const [part] of word.matchAll(PARTS)) if (part.length > 1) parts.add(part.toLowerCase())
  return [...parts].join(' ')
}
