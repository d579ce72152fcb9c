import { describe, expect, it } from 'vitest'
import { relaxedWordQuery, stemPrefix, wordQuery } from '../../src/index/query.ts'

describe('relaxed word query of a semantic search', () => {
  it('searches each word by its stem as a prefix, so a question finds the forms the code uses', () => {
    expect(relaxedWordQuery('how are command line flags declared')?.match).toBe(
      '"command" OR "line" OR "flag" * OR "declar" *',
    )
    expect(relaxedWordQuery('where do we retry failed uploads')?.match).toBe(
      '"retr" * OR "fail" * OR "upload" *',
    )
  })

  it('keeps words without a suffix, short stems and unrelated stems exact', () => {
    expect(stemPrefix('code')).toBeNull()
    expect(stemPrefix('rule')).toBeNull()
    // `map` from `mapping` would match every `map…` word.
    expect(stemPrefix('mapping')).toBeNull()
    expect(stemPrefix('Evaluating')).toBe('evaluat')
    expect(relaxedWordQuery('mapping of the code')?.match).toBe('"mapping" OR "code"')
  })

  it('keeps the words as typed for highlighting, and quotes what it searches', () => {
    const query = relaxedWordQuery('"tree" flags* OR (x)')
    expect(query?.words).toEqual(['tree', 'flags'])
    expect(query?.match).toBe('"tree" OR "flag" *')
    expect(relaxedWordQuery('the of and')).toBeNull()
  })

  it('leaves the plain word search unstemmed', () => {
    expect(wordQuery('flags declared')?.match).toBe('"flags" AND "declared"')
  })
})
