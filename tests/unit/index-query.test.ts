import { describe, expect, it } from 'vitest'
import { relaxedWordQuery, stemPrefix, wordForms, wordQuery } from '../../src/index/query.ts'

describe('relaxed word query of a semantic search', () => {
  it('searches each word in its other forms too, so a question finds the forms the code uses', () => {
    expect(wordForms('declared')).toEqual(
      expect.arrayContaining(['declared', 'declare', 'declares', 'declaring', 'declaration']),
    )
    expect(wordForms('flags')).toEqual(expect.arrayContaining(['flags', 'flag']))
    expect(wordForms('retries')).toEqual(expect.arrayContaining(['retries', 'retry', 'retried', 'retrying']))
    const match = relaxedWordQuery('how are command line flags declared')?.match ?? ''
    expect(match.split(' OR ')).toEqual(
      expect.arrayContaining(['"command"', '"line"', '"flags"', '"flag"', '"declared"', '"declaration"']),
    )
    // Exact words only: a prefix query reads every posting of every word it matches.
    expect(match).not.toContain('*')
  })

  it('keeps words without a suffix, and short or unrelated stems, as they are', () => {
    expect(stemPrefix('code')).toBeNull()
    expect(wordForms('rule')).toEqual(['rule'])
    // `map` from `mapping` would bring in every map.
    expect(wordForms('mapping')).toEqual(['mapping'])
    expect(relaxedWordQuery('mapping of the code')?.match).toBe('"mapping" OR "code"')
  })

  it('keeps the words as typed for highlighting, and quotes what it searches', () => {
    const query = relaxedWordQuery('"tree" flags* OR (x)')
    expect(query?.words).toEqual(['tree', 'flags'])
    expect(query?.match.startsWith('"tree" OR "flags" OR "flag"')).toBe(true)
    expect(relaxedWordQuery('the of and')).toBeNull()
  })

  it('leaves the plain word search unstemmed', () => {
    expect(wordQuery('flags declared')?.match).toBe('"flags" AND "declared"')
  })
})
