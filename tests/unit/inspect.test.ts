import { inspect as nodeInspect } from 'node:util'
import { describe, expect, it } from 'vitest'
import { formatArgs, inspect, quote } from '../../src/model/inspect.ts'

class Point {
  constructor(
    readonly x = 1,
    readonly y = 2,
  ) {}
}

describe('the one value inspector', () => {
  it("writes what Node's util.inspect writes, so browser and Node realms print alike", () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = { back: cyclic }
    // One value at a time: Node lays arrays of more than six items out in columns, which this does not.
    const values: unknown[] = [
      ...[1, -0, NaN, Infinity, 10n, Symbol('s'), null, undefined, true],
      ...["it's", 'say "hi"', `both ' and "`, 'line\nbreak\ttab', '\u0001'],
      ...[[], {}, [[]], { x: {} }, Object.create(null), { 'b-c': true, $ok: 1 }, [1, 'a', [2]]],
      { a: [1, 'x', null], nested: { deeper: 1 } },
      ...[new Map([['k', new Set([1])]]), new Set(), new Map(), new Uint8Array([1, 2]), new Float64Array(0)],
      ...[new Point(), new WeakMap(), new WeakSet(), new Date(0), new Date(NaN), /x\/y/gi],
      ...[
        function named() {},
        () => 1,
        async function work() {},
        function* gen() {},
        class Widget {},
        class {},
      ],
      cyclic,
      new RangeError('out of range'),
      { long: 'y'.repeat(90) },
    ]
    for (const value of values) expect(inspect(value, { depth: 4 })).toBe(nodeInspect(value, { depth: 4 }))
    expect(inspect({ a: { b: { c: 1 } } }, { depth: 0 })).toBe(
      nodeInspect({ a: { b: { c: 1 } } }, { depth: 0 }),
    )
    const deep = { a: { b: { c: {} } }, list: [[[1]]] }
    expect(inspect(deep, { depth: 1 })).toBe(nodeInspect(deep, { depth: 1 }))
    expect(inspect('x'.repeat(20), { maxStringLength: 5 })).toBe(
      nodeInspect('x'.repeat(20), { maxStringLength: 5 }),
    )
    expect(inspect([1, 2, 3], { maxItems: 2 })).toBe(nodeInspect([1, 2, 3], { maxArrayLength: 2 }))
  })

  it('quotes as Node does, escaping control characters', () => {
    expect(quote('plain')).toBe("'plain'")
    expect(quote("it's")).toBe(`"it's"`)
    expect(quote(`'"`)).toBe('`\'"`')
    expect(quote('\'"`')).toBe("'\\'\"`'")
    expect(quote('a\\b\x1b')).toBe("'a\\\\b\\x1B'")
  })

  it('formats console arguments as util.format does', () => {
    const args = ['%s and %d%% of %o', 'text', 42, { a: [1] }, 'rest', { b: 2 }]
    expect(formatArgs(args)).toBe('text and 42% of { a: [ 1 ] } rest { b: 2 }')
  })
})
