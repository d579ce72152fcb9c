import { beforeAll, describe, expect, it } from 'vitest'
import { failedLineCheck, failedTextCheck, failedTreeCheck } from '../../src/merge/checks/cleanResult.ts'
import { STRUCTURED_GRAMMARS, type MergeEngine } from '../../src/merge/engine.ts'
import { loadMergeEngine } from '../../src/merge/nodeEngine.ts'
import { profileFor } from '../../src/merge/profiles/languages.ts'
import { Parses } from '../../src/merge/tree/syntaxTree.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'
import type { Grammars } from '../../src/syntax/grammars.ts'

let engine: MergeEngine
let grammars: Grammars

beforeAll(async () => {
  engine = await loadMergeEngine()
  grammars = await nodeGrammars()
  await Promise.all(STRUCTURED_GRAMMARS.map((id) => grammars.parser(id)))
})

const lines = (...text: string[]) => text.map((line) => line + '\n').join('')

/** A doc comment whose example block ends with the lines that precede where a second example goes. */
const docBase = lines(
  'use std::io;',
  '',
  '/// Reads one line.',
  '///',
  '/// ```',
  '/// let line = read();',
  '/// ```',
  'fn read() {}',
)
const secondExample = lines(
  '///',
  '/// In a loop:',
  '///',
  '/// ```',
  '/// for line in lines() {}',
  '/// ```',
)
const withExample = (text: string) => text.replace('fn read() {}', secondExample + 'fn read() {}')
const docLeft = withExample(docBase)
// The other side also changes the first line: its diff then places the same block two lines up.
const docRight = withExample(docBase).replace('use std::io;', 'use std::io::{self, Read};')
const docMerged = withExample(docBase.replace('use std::io;', 'use std::io::{self, Read};'))

describe('the same block inserted by both sides at equivalent places', () => {
  it('is taken once by the engine for a Rust file', () => {
    const result = engine.merge({ base: docBase, left: docLeft, right: docRight, path: 'io.rs' })
    expect([result.clean, result.text]).toEqual([true, docMerged])
  })

  it('twice is a duplication the checks reject', () => {
    const twice = docMerged.replace(secondExample, secondExample + secondExample)
    expect(failedLineCheck({ base: docBase, left: docLeft, right: docRight }, twice)).toBe(
      'duplicates-nothing',
    )
    expect(failedLineCheck({ base: docBase, left: docLeft, right: docRight }, docMerged)).toBeUndefined()
  })
})

describe('the line checks of a clean result', () => {
  const base = lines('a', 'b', 'c', 'd', 'e')
  const left = lines('a', 'b', 'left', 'c', 'd', 'e')
  const right = lines('a', 'b', 'c', 'd', 'right', 'e')
  const versions = { base, left, right }

  it('accept the merge a person would make', () => {
    expect(failedLineCheck(versions, lines('a', 'b', 'left', 'c', 'd', 'right', 'e'))).toBeUndefined()
  })

  it('(1) reject a result that lost a line one side added where the other changed nothing', () => {
    expect(failedLineCheck(versions, lines('a', 'b', 'c', 'd', 'right', 'e'))).toBe('keeps-added-lines')
  })

  it('(1) accept one that rewrote a line both sides changed (a token-level merge)', () => {
    const call = {
      base: lines('x', 'f(a)', 'y'),
      left: lines('x', 'f(a, b)', 'y'),
      right: lines('x', 'g(a)', 'y'),
    }
    expect(failedLineCheck(call, lines('x', 'g(a, b)', 'y'))).toBeUndefined()
  })

  it('(1) reject a result that lost a line the three versions keep', () => {
    expect(failedLineCheck(versions, lines('a', 'left', 'c', 'd', 'right', 'e'))).toBe('keeps-added-lines')
  })

  it('(2) reject a result that brings back a line a side deleted', () => {
    const deleted = { base, left: lines('a', 'c', 'd', 'e'), right }
    expect(failedLineCheck(deleted, lines('a', 'c', 'd', 'right', 'e'))).toBeUndefined()
    expect(failedLineCheck(deleted, lines('a', 'b', 'c', 'd', 'right', 'e'))).toBe(
      'brings-back-no-deleted-line',
    )
  })

  it('(3) reject a line repeated more often than both sides together added it', () => {
    expect(failedLineCheck(versions, lines('a', 'b', 'left', 'left', 'c', 'd', 'right', 'e'))).toBe(
      'duplicates-nothing',
    )
  })

  it('(3) accept a short line both sides added at two places', () => {
    const twice = {
      base,
      left: lines('a', '}', 'b', 'c', 'd', 'e'),
      right: lines('a', 'b', 'c', 'd', '}', 'e'),
    }
    expect(failedLineCheck(twice, lines('a', '}', 'b', 'c', 'd', '}', 'e'))).toBeUndefined()
  })

  it('compare lines trimmed and leave blank lines out', () => {
    expect(
      failedLineCheck(versions, lines('a', '', '  b', 'left', '', 'c', 'd', 'right', '\te')),
    ).toBeUndefined()
  })
})

describe('the syntax and name checks of a clean result', () => {
  const parse = async (text: string) => {
    const parser = await grammars.parser('typescript')
    const parses = new Parses(parser, [])
    const tree = parses.parse(text)?.tree
    if (!tree) throw new Error('unparsed')
    return tree
  }
  const base = 'const a = {\n  x: 1,\n}\n'
  const left = 'const a = {\n  x: 1,\n  y: 2,\n}\n'
  const right = 'const a = {\n  x: 1,\n  z: 3,\n}\n'

  it('(4) reject a key declared twice that no side declared twice', async () => {
    const [b, l, r] = await Promise.all([base, left, right].map(parse))
    const profile = profileFor('typescript')
    const twice = await parse('const a = {\n  x: 1,\n  y: 2,\n  y: 3,\n}\n')
    const once = await parse('const a = {\n  x: 1,\n  y: 2,\n  z: 3,\n}\n')
    expect(failedTreeCheck(twice, b, l, r, profile)).toBe('declares-no-name-twice')
    expect(failedTreeCheck(once, b, l, r, profile)).toBeUndefined()
  })

  it('(5) reject a result that does not parse', async () => {
    const [b, l, r] = await Promise.all([base, left, right].map(parse))
    const broken = await parse('const a = {\n  x: 1,\n  y: 2,\n  z: 3,\n')
    expect(failedTreeCheck(broken, b, l, r, profileFor('typescript'))).toBe('parses')
  })

  it('(4) without a grammar: reject a key both sides added with different values', () => {
    const ini = { base: 'a = 1\n', left: 'a = 1\nb = 2\n', right: 'a = 1\nb = 3\n' }
    expect(failedTextCheck(ini, 'a = 1\nb = 2\nb = 3\n')).toBe('declares-no-name-twice')
  })
})
