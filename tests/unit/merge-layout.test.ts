import { describe, expect, it } from 'vitest'
import { engine, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/**
 * One side only reformats, the other edits inside: merged both ways round, the result is
 * clean and equal to `expected` (the edit in the reformatting side's layout).
 */
const expectEditInNewLayout = (
  path: string,
  base: string,
  reformatted: string,
  edited: string,
  expected: string,
) => {
  for (const [left, right] of [
    [reformatted, edited],
    [edited, reformatted],
  ]) {
    const result = engine.merge({ base, left, right, path })
    expect(result.clean).toBe(true)
    expect(result.text).toBe(expected)
  }
}

const lines = (...text: string[]) => text.join('\n') + '\n'

describe('merge: one side only reformats, the other edits inside', () => {
  const button = '<Button kind="primary" size="small" onClick={go} label="Go" />'
  const wrappedButton = (indent: string, attributes: string[]) =>
    [`${indent}<Button`, ...attributes.map((a) => `${indent}  ${a}`), `${indent}/>`].join('\n')
  const attributes = ['kind="primary"', 'size="small"', 'onClick={go}', 'label="Go"']

  it('TSX: attributes Prettier put one per line take the other side’s new value', () => {
    const page = (tag: string) =>
      lines('export function Page() {', '  return (', '    <div>', tag, '    </div>', '  )', '}')
    expectEditInNewLayout(
      'page.tsx',
      page('      ' + button),
      page(wrappedButton('      ', attributes)),
      page('      ' + button.replace('small', 'large')),
      page(
        wrappedButton(
          '      ',
          attributes.map((a) => a.replace('small', 'large')),
        ),
      ),
    )
  })

  it('TSX: a new attribute joins the others, one per line', () => {
    const page = (tag: string) =>
      lines('export function Page() {', '  return (', '    <div>', tag, '    </div>', '  )', '}')
    expectEditInNewLayout(
      'page.tsx',
      page('      ' + button),
      page(wrappedButton('      ', attributes)),
      page('      ' + button.replace(' />', ' disabled />')),
      page(wrappedButton('      ', [...attributes, 'disabled'])),
    )
  })

  it('TSX: the tag Prettier wrapped in parentheses takes the edit in its layout', () => {
    const base = lines(`export const A = () => ${button}`)
    const reformatted = lines('export const A = () => (', wrappedButton('  ', attributes), ')')
    const edited = lines(`export const A = () => ${button.replace('small', 'large')}`)
    const expected = lines(
      'export const A = () => (',
      wrappedButton(
        '  ',
        attributes.map((a) => a.replace('small', 'large')),
      ),
      ')',
    )
    expectEditInNewLayout('a.tsx', base, reformatted, edited, expected)
  })

  it('JSON: an object expanded to one key per line takes a new key on a line of its own', () => {
    const base = lines('{', '  "name": "x",', '  "scripts": { "build": "tsc", "test": "vitest" }', '}')
    const reformatted = lines(
      '{',
      '  "name": "x",',
      '  "scripts": {',
      '    "build": "tsc",',
      '    "test": "vitest"',
      '  }',
      '}',
    )
    const edited = lines(
      '{',
      '  "name": "x",',
      '  "scripts": { "build": "tsc -b", "test": "vitest", "lint": "eslint ." }',
      '}',
    )
    const expected = lines(
      '{',
      '  "name": "x",',
      '  "scripts": {',
      '    "build": "tsc -b",',
      '    "test": "vitest",',
      '    "lint": "eslint ."',
      '  }',
      '}',
    )
    expectEditInNewLayout('package.json', base, reformatted, edited, expected)
  })

  it('JSON: a one-line array expanded takes a new item on a line of its own', () => {
    const base = lines('{"a": {"x": 1, "y": 2}, "b": [1, 2, 3]}')
    const reformatted = lines(
      '{',
      '  "a": {',
      '    "x": 1,',
      '    "y": 2',
      '  },',
      '  "b": [',
      '    1,',
      '    2,',
      '    3',
      '  ]',
      '}',
    )
    const edited = lines('{"a": {"x": 1, "y": 5}, "b": [1, 2, 3, 4]}')
    const expected = lines(
      '{',
      '  "a": {',
      '    "x": 1,',
      '    "y": 5',
      '  },',
      '  "b": [',
      '    1,',
      '    2,',
      '    3,',
      '    4',
      '  ]',
      '}',
    )
    expectEditInNewLayout('data.json', base, reformatted, edited, expected)
  })

  it('TypeScript: arguments wrapped one per line (with the trailing comma) take a new argument', () => {
    const base = lines(
      'const result = computeSomething(firstArgument, secondArgument, thirdArgument, fourth)',
    )
    const reformatted = lines(
      'const result = computeSomething(',
      '  firstArgument,',
      '  secondArgument,',
      '  thirdArgument,',
      '  fourth,',
      ')',
    )
    const edited = lines(
      'const result = computeSomething(firstArgument, secondArgument, thirdArgument, fourth, fifth)',
    )
    const expected = lines(
      'const result = computeSomething(',
      '  firstArgument,',
      '  secondArgument,',
      '  thirdArgument,',
      '  fourth,',
      '  fifth,',
      ')',
    )
    expectEditInNewLayout('call.ts', base, reformatted, edited, expected)
  })

  it('Python: a call wrapped one argument per line takes a new keyword argument', () => {
    const base = lines('result = compute_something(first_argument, second_argument, third_argument)')
    const reformatted = lines(
      'result = compute_something(',
      '    first_argument,',
      '    second_argument,',
      '    third_argument,',
      ')',
    )
    const edited = lines(
      'result = compute_something(first_argument, second_argument, third_argument, verbose=True)',
    )
    const expected = lines(
      'result = compute_something(',
      '    first_argument,',
      '    second_argument,',
      '    third_argument,',
      '    verbose=True,',
      ')',
    )
    expectEditInNewLayout('run.py', base, reformatted, edited, expected)
  })

  it('keeps the editing side’s own layout change where the reformatting side left the spacing alone', () => {
    const base = lines('const point = { x: 1, y: 2 }', 'call(a, b)')
    const reformatted = lines('const point = {', '  x: 1,', '  y: 2,', '}', 'call(a, b)')
    const edited = lines('const point = { x: 1, y: 3 }', 'call(a,  b, c)')
    const expected = lines('const point = {', '  x: 1,', '  y: 3,', '}', 'call(a,  b, c)')
    expectEditInNewLayout('point.ts', base, reformatted, edited, expected)
  })
})
