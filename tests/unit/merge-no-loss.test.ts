import { describe, expect, it } from 'vitest'
import { merge, useMergeEngine } from './mergeHarness.ts'
import { keepsSharedLines } from '../../src/merge/checks/keptLines.ts'

useMergeEngine()

/** How many times each non-blank line (trimmed) occurs in a text. */
const lineCounts = (text: string): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const line of text.split('\n')) {
    const key = line.trim()
    if (key !== '') counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/** Each line of `expected` at least as often in `text` as there. */
const expectKeepsLines = (text: string, expected: string) => {
  const have = lineCounts(text)
  for (const [line, count] of lineCounts(expected)) expect([line, have.get(line) ?? 0]).toEqual([line, count])
}

/** A merge that returns clean keeps every line; one that cannot must conflict. */
const expectNoSilentLoss = (path: string, base: string, left: string, right: string, expected: string) => {
  const result = merge(path, base, left, right)
  if (result.clean) expectKeepsLines(result.text, expected)
  else expect(result.conflicts.length).toBeGreaterThan(0)
  return result
}

const goFunc = (name: string, body = '') =>
  `// ${name} is documented.\n//\n// It has a second paragraph.\nfunc ${name}() {\n${body}}\n\n`

describe('merge engine: repeated identical elements are never dropped', () => {
  it('keeps every bare `//` doc line of Go functions when both sides add functions at the end', () => {
    const base = 'package p\n\n' + goFunc('A') + goFunc('B') + goFunc('C')
    const left = base + 'func L() {}\n'
    const right = base + 'func R() {}\n'
    const result = merge('x.go', base, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(base + 'func L() {}\n\nfunc R() {}\n')
  })

  it('keeps bare `//` lines each side adds at a different place', () => {
    const base = 'package p\n\n' + goFunc('A') + goFunc('B') + goFunc('C')
    const left = 'package p\n\n' + goFunc('A') + goFunc('L') + goFunc('B') + goFunc('C') + 'func X() {}\n'
    const right = 'package p\n\n' + goFunc('A') + goFunc('B') + goFunc('R') + goFunc('C') + 'func Y() {}\n'
    expectNoSilentLoss('x.go', base, left, right, left + goFunc('R') + 'func Y() {}\n')
  })

  it('keeps a Go declaration one side edits into a copy of another', () => {
    const base = 'package p\n\nfunc F() {\n}\n\nvar a = 1\n\nfunc F() {\n\tx()\n}\n'
    const left = base + '\nvar b = 2\n'
    const right = 'package p\n\nfunc F() {\n}\n\nvar a = 1\n\nfunc F() {\n}\n'
    expectNoSilentLoss('x.go', base, left, right, right + '\nvar b = 2\n')
  })

  it('keeps repeated identical Go statements at top level of a struct', () => {
    const struct = (extra: string) =>
      `package p\n\ntype T struct {\n\t//\n\tA int\n\t//\n\tB int\n\t//\n${extra}}\n`
    const base = struct('')
    const left = struct('\tL int\n')
    const right = struct('\tR int\n')
    expectNoSilentLoss('x.go', base, left, right, struct('\tL int\n\tR int\n'))
  })

  it('keeps repeated TypeScript comment lines and statements', () => {
    const block = (name: string) => `//\n// ${name}\n//\nexport function ${name}() {\n  return 1\n}\n\n`
    const base = block('a') + block('b')
    const left = block('a') + block('l') + block('b') + 'export const x = 1\n'
    const right = block('a') + block('b') + block('r') + 'export const y = 2\n'
    expectNoSilentLoss('x.ts', base, left, right, left + block('r') + 'export const y = 2\n')
  })

  it('keeps a TypeScript import a side edits into a copy of another', () => {
    const base = "import { a } from './a.ts'\nimport { a } from './b.ts'\n\nexport const x = a\n"
    const left = base + 'export const l = 1\n'
    const right =
      "import { a } from './a.ts'\nimport { a } from './a.ts'\n\nexport const x = a\nexport const r = 2\n"
    expectNoSilentLoss('x.ts', base, left, right, right + 'export const l = 1\n')
  })

  it('keeps repeated Python comment lines and statements', () => {
    const block = (name: string) => `#\n# ${name}\n#\ndef ${name}():\n    pass\n\n`
    const base = block('a') + block('b') + 'print(1)\nprint(1)\n'
    const left = block('a') + block('l') + block('b') + 'print(1)\nprint(1)\nx = 1\n'
    const right = block('a') + block('b') + block('r') + 'print(1)\nprint(1)\ny = 2\n'
    expectNoSilentLoss('x.py', base, left, right, left + block('r') + 'y = 2\n')
  })

  it('keeps a Python function a side edits into a copy of another', () => {
    const base = 'def f():\n    pass\n\n\ndef f():\n    return 1\n'
    const left = base + '\n\nx = 1\n'
    const right = 'def f():\n    pass\n\n\ndef f():\n    pass\n'
    expectNoSilentLoss('x.py', base, left, right, right + '\n\nx = 1\n')
  })

  it('keeps a JSON key a side edits into a copy of another', () => {
    const base = '{\n  "a": 1,\n  "b": 1,\n  "c": 3\n}\n'
    const left = '{\n  "a": 1,\n  "b": 1,\n  "c": 3,\n  "l": 4\n}\n'
    const right = '{\n  "a": 1,\n  "a": 1,\n  "c": 3,\n  "r": 5\n}\n'
    expectNoSilentLoss(
      'x.json',
      base,
      left,
      right,
      '{\n  "a": 1,\n  "a": 1,\n  "c": 3,\n  "l": 4,\n  "r": 5\n}\n',
    )
  })

  it('keeps repeated YAML comment lines and a key a side edits into a copy of another', () => {
    const base = 'a: 1\n#\nb: 1\n#\nc: 3\n'
    const left = 'a: 1\n#\nb: 1\n#\nc: 3\nl: 4\n'
    const right = 'a: 1\n#\na: 1\n#\nc: 3\nr: 5\n'
    expectNoSilentLoss('x.yaml', base, left, right, 'a: 1\n#\na: 1\n#\nc: 3\nl: 4\nr: 5\n')
  })
})

describe('keepsSharedLines: the check every clean merge passes', () => {
  const base = '//\na\n//\nb\n//\nc\n'

  it('accepts a merge that keeps what all three versions share', () => {
    expect(keepsSharedLines(base, base + 'l\n', base + 'r\n', base + 'l\nr\n')).toBe(true)
  })

  it('rejects a merge that drops a repeated line all three versions keep', () => {
    expect(keepsSharedLines(base, base + 'l\n', base + 'r\n', '//\na\nb\n//\nc\nl\nr\n')).toBe(false)
  })

  it('accepts occurrences one side deleted, and different ones each side deleted', () => {
    const left = 'a\n//\nb\n//\nc\n'
    const right = '//\na\nb\n//\nc\n'
    expect(keepsSharedLines(base, left, base, left)).toBe(true)
    expect(keepsSharedLines(base, left, right, 'a\nb\n//\nc\n')).toBe(true)
    expect(keepsSharedLines(base, left, right, 'a\nb\nc\n')).toBe(false)
  })

  it('rejects a merge that drops a line both sides added', () => {
    expect(keepsSharedLines('a\n', 'a\n///\n///\n', '///\n///\na\n', 'a\n///\n')).toBe(false)
  })

  it('ignores indentation and blank lines, and lines only one side has', () => {
    expect(keepsSharedLines('x\n\n\ny\n', '  x\n\n\ny\nl\n', 'x\n\ny\n', 'x\ny\n')).toBe(true)
  })
})

describe('a copy one side makes on purpose', () => {
  it('keeps an import one side adds at the top while the file imports it further down too', () => {
    // Shaped like a real Python merge: the line merge is right, and must not be refused as a duplicate.
    const body = (extra: string) =>
      `"""Sessions."""\nimport os\n${extra}\n\ndef get(url):\n    return url\n\n\nimport warnings\n\n\ndef post(url, data):\n    warnings.warn("deprecated")\n    return url\n`
    const base = body('')
    const left = body('').replace('return url\n\n\nimport', 'return url.strip()\n\n\nimport')
    const right = body('import warnings')
    const result = merge('sessions.py', base, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      body('import warnings').replace('return url\n\n\nimport', 'return url.strip()\n\n\nimport'),
    )
  })
})

describe('a side that edits a declaration and keeps a verbatim copy of its base version', () => {
  // The edited one pairs with the base, the verbatim copy is the side's addition. The copy was
  // compared with the leading side's version of the shared one instead of the text written (the
  // edit), so it was dropped as a duplicate only when the other side led, and the line check
  // then failed that merge: clean one way, a conflict the other (found by merge-properties).
  const load = (body: string) => `export function load(): number {\n${body}  return a\n}\n`
  const file = (imports: string, functions: string) =>
    `import { a } from './a.ts'\n${imports}\n/** Loads. */\n${functions}`
  const base = file('', load(''))
  const left = file(`import { b } from './b.ts'\n`, load('  a ??= 1\n') + load(''))
  const right = file(`import { c } from './c.ts'\n`, load(''))

  it('keeps the copy, and merges clean, whichever side leads', () => {
    for (const [first, second] of [
      [left, right],
      [right, left],
    ]) {
      const result = merge('load.ts', base, first, second)
      expect(result.clean).toBe(true)
      expect(result.text.endsWith(load('  a ??= 1\n') + load(''))).toBe(true)
    }
  })
})
