import { describe, expect, it } from 'vitest'
import { fuzzyFilter, fuzzyMatch } from '../../src/ui/lib/fuzzy.ts'

describe('quick open matching', () => {
  const paths = [
    'src/repo/VersionControl.ts',
    'src/ui/HistoryView.svelte',
    'src/repo/history.ts',
    'docs/ARCHITECTURE.md',
    'tests/unit/history.test.ts',
  ]

  it('needs every character in order', () => {
    expect(fuzzyMatch('vc', 'src/repo/VersionControl.ts')?.positions).toEqual([9, 16])
    expect(fuzzyMatch('zz', 'src/repo/VersionControl.ts')).toBeNull()
    expect(fuzzyMatch('tsx', 'a.ts')).toBeNull()
  })

  it('ranks file-name and word-start matches first', () => {
    const history = fuzzyFilter('history', paths).map((m) => m.path)
    expect(history[0]).toBe('src/repo/history.ts')
    expect(new Set(history)).toEqual(
      new Set(['src/repo/history.ts', 'tests/unit/history.test.ts', 'src/ui/HistoryView.svelte']),
    )
    expect(fuzzyFilter('hv', paths)[0].path).toBe('src/ui/HistoryView.svelte')
    expect(fuzzyFilter('', paths, 2)).toHaveLength(2)
  })
})
