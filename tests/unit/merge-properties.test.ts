import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { engine, useMergeEngine } from './mergeHarness.ts'
import { failedLineCheck } from '../../src/merge/checks/cleanResult.ts'
import { type MergeResult } from '../../src/merge/engine.ts'
import { random } from './randomEdits.ts'

useMergeEngine()

/** Every TypeScript file of the project's own sources, in a fixed order. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) return sourceFiles(path)
      return entry.name.endsWith('.ts') ? [path] : []
    })
}

/** Lines a side may write: new ones, and the file's own (which makes repeated lines). */
function newLines(lines: string[], rand: () => number, tag: string): string[] {
  const count = 1 + Math.floor(rand() * 3)
  return Array.from({ length: count }, (_, i) =>
    rand() < 0.5 ? lines[Math.floor(rand() * lines.length)] : `  const ${tag}${i} = ${i} // ${tag}`,
  )
}

/** 1–3 line edits: delete a run, insert lines, copy a run elsewhere, or replace a line. */
function editLines(lines: string[], rand: () => number, tag: string): string {
  const edited = [...lines]
  const edits = 1 + Math.floor(rand() * 3)
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rand() * edited.length)
    const kind = Math.floor(rand() * 4)
    if (kind === 0) edited.splice(at, 1 + Math.floor(rand() * 3))
    else if (kind === 1) edited.splice(at, 0, ...newLines(edited, rand, `${tag}${e}`))
    else if (kind === 2) edited.splice(at, 0, ...edited.slice(Math.floor(rand() * edited.length)).slice(0, 4))
    else edited.splice(at, 1, `  // ${tag}${e} rewrote this line`)
  }
  return edited.join('\n')
}

/**
 * The base with a block both sides insert: it ends with the two lines before it, so a diff may
 * as well place it two lines up (the shape of a doc example added on both sides).
 */
function withSharedBlock(lines: string[], rand: () => number, tag: string): string[] {
  let at = 2 + Math.floor(rand() * (lines.length - 2))
  while (at < lines.length && (lines[at - 1].trim() === '' || lines[at - 2].trim() === '')) at++
  const block = [`  // ${tag} added on both sides`, `  const ${tag} = 1`, lines[at - 2], lines[at - 1]]
  return [...lines.slice(0, at), ...block, ...lines.slice(at)]
}

/** Whether the engine's clean result passes the line checks it was held to. */
const checked = (versions: { base: string; left: string; right: string }, result: MergeResult) =>
  result.warnings.some((warning) => warning.kind === 'rename-applied')
    ? undefined
    : failedLineCheck(versions, result.text)

describe('merge properties over real TypeScript sources, edited at random on each side', () => {
  // A pinned dependency's sources (real code nobody here wrote): the inputs change only with the
  // lockfile, not with every commit of this project, as they did when they were its own sources.
  const files = sourceFiles('node_modules/@automerge/automerge-repo/src')
    .map((path) => ({ path, text: readFileSync(path, 'utf8') }))
    .filter(({ text }) => text.length < 12_000)
  // A spread of files, the same every run.
  const picked = files.filter((_, i) => i % Math.max(1, Math.floor(files.length / 20)) === 0)

  it('holds every clean result to the checks, and is clean with the sides swapped iff clean', () => {
    const rand = random(14)
    let [merges, clean] = [0, 0]
    for (const { path, text: base } of picked) {
      for (let variant = 0; variant < 3; variant++) {
        const lines = base.split('\n')
        const shared = rand() < 0.5 ? withSharedBlock(lines, rand, `both${variant}`) : lines
        const left = editLines(shared, rand, 'left')
        const right = editLines(shared, rand, 'right')
        const results = [
          { base, left, right },
          { base, left: right, right: left },
        ].map((versions) => {
          const result = engine.merge({ ...versions, path })
          merges++
          if (result.clean) {
            clean++
            expect([path, variant, checked(versions, result)]).toEqual([path, variant, undefined])
          }
          return result
        })
        expect([path, variant, results[1].clean]).toEqual([path, variant, results[0].clean])
      }
    }
    // The generator must exercise both outcomes, or the properties say little. The bound is
    // loose: about a quarter merge cleanly.
    expect(merges).toBeGreaterThan(100)
    expect(clean).toBeGreaterThan(merges / 10)
    expect(clean).toBeLessThan(merges)
  }, 300_000)

  it('gives a side’s text when only that side changed, and either when both made the same change', () => {
    const rand = random(41)
    for (const { path, text: base } of picked.slice(0, 10)) {
      const edited = editLines(base.split('\n'), rand, 'one')
      expect(engine.merge({ base, left: edited, right: base, path }).text).toBe(edited)
      expect(engine.merge({ base, left: base, right: edited, path }).text).toBe(edited)
      expect(engine.merge({ base, left: edited, right: edited, path })).toMatchObject({
        clean: true,
        text: edited,
      })
    }
  })
})

describe('insertions both sides made at one place', () => {
  it('are clean or conflict the same whichever side leads', () => {
    // Found by the property above: the left's run mixes declarations and comments, the right's
    // is comments only; each side's whole run must decide, not its first element.
    const base = ['/// <reference types="svelte" />', '/// <reference types="vite/client" />', '']
    const left = [
      base[0],
      '',
      base[1],
      '  const both = 1',
      base[0],
      base[1],
      '  const onLeft = 0 // left',
      '',
    ]
    const right = [...base.slice(0, 2), base[0], '  // the right rewrote this line']
    const versions = { base: base.join('\n'), left: left.join('\n'), right: right.join('\n') }
    const forward = engine.merge({ ...versions, path: 'env.d.ts' })
    const swapped = engine.merge({
      ...versions,
      left: versions.right,
      right: versions.left,
      path: 'env.d.ts',
    })
    expect(swapped.clean).toBe(forward.clean)
  })

  it('judge a result that parses with errors the same whichever side leads', () => {
    // Reduced from the property above: tree-sitter recovers from these errors differently when it
    // reuses the left's tree, so the result's error count depended on which side was the left.
    const base = [
      ' * token (an ERROR holding only it goes, as does a missing value after it), and takes those',
      ' */',
      '    for (const child of node.children) visit(child)',
      '    const { children } = node',
      '    const closing = children.length - 1',
      '    if (closing < 2 || !CLOSING.has(children[closing].kind)) return',
      '    while (last > 0 && isComment(children[last])) last--',
      '    const candidate = children[last]',
      '    const [comma] = candidate.children',
      '    if (',
      "      candidate.kind === 'ERROR' &&",
    ].join('\n')
    const left = [
      ' * token (an ERROR holding only it goes, as does a missing value after it), and takes those',
      ' */',
      '    for (const child of node.children) visit(child)',
      '    const { children } = node',
      '    const closing = children.length - 1',
      '    if (closing < 2 || !CLOSING.has(children[closing].kind)) return',
      '    while (last > 0 && isComment(children[last])) last--',
      "      candidate.kind === 'ERROR' &&",
    ].join('\n')
    const right = [
      ' * token (an ERROR holding only it goes, as does a missing value after it), and takes those',
      '    while (last > 0 && isComment(children[last])) last--',
      '    const candidate = children[last]',
      '    const [comma] = candidate.children',
      '    if (',
      "      candidate.kind === 'ERROR' &&",
      '      isElement(children[last - 1])',
      '    ) {',
      '    } else if (',
      '    } else if (',
      '      isElement(children[last - 2])',
      '    ) {',
      '}',
    ].join('\n')
    const forward = engine.merge({ base, left, right, path: 'commas.ts' })
    const swapped = engine.merge({ base, left: right, right: left, path: 'commas.ts' })
    expect(swapped.clean).toBe(forward.clean)
  })

  it('keep the order both sides gave to the same additions, whichever side leads', () => {
    const base = "import { a } from './a'\nimport { b } from './b'\n"
    const [x, y] = ["import { x } from './x'\n", "import { y } from './y'\n"]
    const left = "import { a } from './a'\n" + x + y + "import { b } from './b'\n"
    const right = base + x + y
    for (const [l, r] of [
      [left, right],
      [right, left],
    ]) {
      const merged = engine.merge({ base, left: l, right: r, path: 'order.ts' })
      expect(merged.text).toContain(x + y)
    }
  })

  it('weigh the insertions around an element one side deleted the same whichever side leads', () => {
    // Reduced from the property above: the right's run of insertions around the import the left
    // deleted counted as one run when the right led and as two when the left did.
    const base = "import './app.css'\n"
    const left = '  // the left rewrote this line\n'
    const right = "  // the right rewrote this line\nimport './app.css'\nimport './app.css'\n"
    const forward = engine.merge({ base, left, right, path: 'main.ts' })
    const swapped = engine.merge({ base, left: right, right: left, path: 'main.ts' })
    expect(swapped.clean).toBe(forward.clean)
  })
})
