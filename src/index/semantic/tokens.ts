/**
 * The words of code and prose as the embedding model sees them, shared by its training
 * (build/trainEmbeddings.ts) and by every text it embeds: identifiers split at case changes, `_`
 * and `-` (`retryFailedUpload` → retry, fail, upload), lower-cased, common words dropped and
 * crudely stemmed, so `retries`, `retrying` and `retried` are one word.
 */

const WORD = /[A-Za-z][A-Za-z0-9]*/g
const PARTS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g

/** English function words and the keywords every language has: they say nothing of what code does. */
export const STOP_WORDS = new Set(
  `a an and are as at be been but by can could did do does doing done for from had has have how if in
  into is it its may me might must my no nor not of on or our so such than that the their them then there
  these they this those to too us was we were what when where which while who whom why will with would
  you your yes also any all each every other some just only own same very via should shall let get set
  const var function return new true false null undefined void typeof instanceof else case break default
  continue try catch finally throw def self elif pass none fn pub mut impl use mod struct enum import export
  require module exports class extends super static async await public private protected int string
  number boolean object any unknown never readonly type interface`.split(/\s+/),
)

/** A crude suffix stripper: consistent, not linguistic (the same word always maps the same way). */
export function stem(word: string): string {
  let w = word
  if (w.length > 5 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`
  else if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3)
  else if (w.length > 4 && w.endsWith('ied')) w = `${w.slice(0, -3)}y`
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2)
  else if (w.length > 4 && w.endsWith('sses')) w = w.slice(0, -2)
  else if (w.length > 3 && w.endsWith('s') && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1)
  if (w.length > 4 && w.endsWith('e')) w = w.slice(0, -1)
  // `retri` (from retries) and `retry` meet at `retr`-y; doubled consonants (`mapp`ing) lose one.
  if (w.length > 4 && w.endsWith('y')) w = `${w.slice(0, -1)}i`
  if (w.length >= 4 && /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w)) w = w.slice(0, -1)
  return w
}

/** The model's words of `text`, in order (repeats kept: they are counted). */
export function modelTokens(text: string): string[] {
  const out: string[] = []
  for (const [word] of text.matchAll(WORD)) {
    if (word.length > 40) continue
    for (const [part] of word.matchAll(PARTS)) {
      if (part.length < 2) continue
      const lower = part.toLowerCase()
      if (STOP_WORDS.has(lower)) continue
      out.push(stem(lower))
    }
  }
  return out
}
