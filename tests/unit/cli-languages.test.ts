import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LANGUAGES, type LanguageId } from '../../src/syntax/languages.ts'
import { weft } from './cliHarness.ts'
import { tempDir } from './helpers.ts'

describe('weft languages', () => {
  it('--json lists every language of the registry with its extensions and how it merges', async () => {
    const home = join(tempDir(), 'profile')
    const { code, out, errors } = await weft(home, ['languages', '--json'])
    expect({ code, errors }).toEqual({ code: 0, errors: [] })
    const rows = JSON.parse(out) as {
      id: LanguageId
      extensions: string[]
      fileNames: string[]
      merge: string
      grammar: string | null
    }[]
    expect(rows.map((row) => row.id)).toEqual(Object.keys(LANGUAGES))
    expect(rows.find((row) => row.id === 'kotlin')).toEqual({
      id: 'kotlin',
      extensions: ['kt', 'kts'],
      fileNames: [],
      merge: 'structured',
      grammar: 'kotlin',
    })
    expect(rows.find((row) => row.id === 'make')?.fileNames).toContain('Makefile')
    expect(rows.find((row) => row.id === 'markdown')).toMatchObject({ merge: 'lines', grammar: null })
    // It reads the registry only: no profile is made.
    expect(existsSync(home)).toBe(false)
  })

  it('prints one line per language, then how many merge by their syntax tree', async () => {
    const { code, out } = await weft(tempDir(), ['languages'])
    expect(code).toBe(0)
    const lines = out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^LANGUAGE\s+MERGE\s+FILES$/)
    expect(lines).toContainEqual(expect.stringMatching(/^cpp\s+structured\s+\.cpp \.cc \.cxx/))
    expect(lines).toContainEqual(expect.stringMatching(/^pdf\s+lines\s+\.pdf$/))
    expect(lines).toContainEqual(expect.stringMatching(/^starlark\s+structured\s+.*\bBUILD\b/))
    const total = Object.keys(LANGUAGES).length
    const structured = Object.values(LANGUAGES).filter((entry) => entry.merge === 'structured').length
    expect(lines.length).toBe(total + 2)
    expect(lines.at(-1)).toBe(`${total} languages, ${structured} merged by their syntax tree.`)
  })

  it('refuses an argument or an unknown flag with exit 2', async () => {
    expect((await weft(tempDir(), ['languages', 'rust'])).code).toBe(2)
    const { code, errors } = await weft(tempDir(), ['languages', '--yaml'])
    expect(code).toBe(2)
    expect(errors[0]).toMatch(/^weft languages: .*\nUsage: weft languages \[--json\]/)
  })
})
