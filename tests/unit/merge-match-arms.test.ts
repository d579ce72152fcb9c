import { describe, expect, it } from 'vitest'
import { merge, useMergeEngine } from './mergeHarness.ts'

useMergeEngine()

/** `base` with `insert` placed before the first occurrence of `before`. */
const insertBefore = (base: string, before: string, insert: string): string => {
  expect(base).toContain(before)
  return base.replace(before, insert + before)
}

describe('merge: cases both sides insert at one place of a match or switch', () => {
  const shapes = [
    'pub enum Shape {',
    '    Circle(f64),',
    '    Square(f64),',
    '}',
    '',
    'pub fn area(shape: &Shape) -> f64 {',
    '    match shape {',
    '        Shape::Circle(r) => 3.14 * r * r,',
    '        Shape::Square(s) => s * s,',
    '    }',
    '}',
    '',
  ].join('\n')

  it('keeps both Rust arms when each side adds a variant and its arm', () => {
    const left = insertBefore(
      insertBefore(shapes, '}\n\npub fn', '    Triangle(f64, f64),\n'),
      '    }\n}',
      '        Shape::Triangle(b, h) => 0.5 * b * h,\n',
    )
    const right = insertBefore(
      insertBefore(shapes, '}\n\npub fn', '    Rect { w: f64, h: f64 },\n'),
      '    }\n}',
      '        Shape::Rect { w, h } => w * h,\n',
    )
    const result = merge('shape.rs', shapes, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      insertBefore(
        insertBefore(shapes, '}\n\npub fn', '    Triangle(f64, f64),\n    Rect { w: f64, h: f64 },\n'),
        '    }\n}',
        '        Shape::Triangle(b, h) => 0.5 * b * h,\n        Shape::Rect { w, h } => w * h,\n',
      ),
    )
  })

  const ops = [
    'enum Op { Add, Sub }',
    '',
    "fn name(op: Op) -> &'static str {",
    '    match op {',
    '        Op::Add => "add",',
    '        _ => "other",',
    '    }',
    '}',
    '',
  ].join('\n')

  it('keeps both Rust unit-variant arms before the catch-all, which stays last', () => {
    const left = insertBefore(
      ops.replace('Add, Sub', 'Add, Sub, Mul'),
      '        _ =>',
      '        Op::Mul => "mul",\n',
    )
    const right = insertBefore(
      ops.replace('Add, Sub', 'Add, Sub, Div'),
      '        _ =>',
      '        Op::Div => "div",\n',
    )
    const result = merge('op.rs', ops, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      insertBefore(
        ops.replace('Add, Sub', 'Add, Sub, Mul, Div'),
        '        _ =>',
        '        Op::Mul => "mul",\n        Op::Div => "div",\n',
      ),
    )
  })

  it('conflicts when the two arms can match the same value (one variant, different guards)', () => {
    const left = insertBefore(ops, '        _ =>', '        Op::Sub if fast() => "quick",\n')
    const right = insertBefore(ops, '        _ =>', '        Op::Sub => "sub",\n')
    expect(merge('op.rs', ops, left, right).clean).toBe(false)
  })

  it('conflicts when one side inserts a binding or wildcard arm', () => {
    const left = insertBefore(ops, '        _ =>', '        Op::Sub => "sub",\n')
    const right = insertBefore(ops, '        _ =>', '        other => "unknown",\n')
    expect(merge('op.rs', ops, left, right).clean).toBe(false)
  })

  const java = [
    'class Names {',
    '  String name(int op) {',
    '    switch (op) {',
    '      case 1:',
    '        return "add";',
    '      default:',
    '        return "other";',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n')

  it('keeps both Java cases with distinct labels that end in a jump', () => {
    const left = insertBefore(java, '      default:', '      case 2:\n        return "sub";\n')
    const right = insertBefore(java, '      default:', '      case 3:\n        return "mul";\n')
    const result = merge('Names.java', java, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      insertBefore(
        java,
        '      default:',
        '      case 2:\n        return "sub";\n      case 3:\n        return "mul";\n',
      ),
    )
  })

  it('conflicts on a Java case that falls through into the next', () => {
    const left = insertBefore(java, '      default:', '      case 2:\n        log();\n')
    const right = insertBefore(java, '      default:', '      case 3:\n        return "mul";\n')
    expect(merge('Names.java', java, left, right).clean).toBe(false)
  })

  const ts = [
    'export function label(kind: string): string {',
    '  switch (kind) {',
    "    case 'a':",
    "      return 'A'",
    '    default:',
    "      return '?'",
    '  }',
    '}',
    '',
  ].join('\n')

  it('keeps both TypeScript cases with distinct string labels', () => {
    const left = insertBefore(ts, '    default:', "    case 'b':\n      return 'B'\n")
    const right = insertBefore(ts, '    default:', '    case "c":\n      return \'C\'\n')
    const result = merge('label.ts', ts, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      insertBefore(
        ts,
        '    default:',
        "    case 'b':\n      return 'B'\n    case \"c\":\n      return 'C'\n",
      ),
    )
  })

  it('conflicts on TypeScript labels of one value in two spellings, or names whose values are unknown', () => {
    const left = insertBefore(ts, '    default:', "    case 'b':\n      return 'B'\n")
    const sameValue = insertBefore(ts, '    default:', '    case "b":\n      return \'b\'\n')
    expect(merge('label.ts', ts, left, sameValue).clean).toBe(false)
    const named = insertBefore(ts, '    default:', "    case Kind.C:\n      return 'C'\n")
    expect(merge('label.ts', ts, left, named).clean).toBe(false)
  })

  const python = [
    'def label(kind):',
    '    match kind:',
    '        case "a":',
    '            return "A"',
    '        case _:',
    '            return "?"',
    '',
  ].join('\n')

  it('keeps both Python cases with distinct string patterns before the wildcard', () => {
    const left = insertBefore(python, '        case _:', '        case "b":\n            return "B"\n')
    const right = insertBefore(python, '        case _:', '        case "c" | "d":\n            return "C"\n')
    const result = merge('label.py', python, left, right)
    expect(result.clean).toBe(true)
    expect(result.text).toBe(
      insertBefore(
        python,
        '        case _:',
        '        case "b":\n            return "B"\n        case "c" | "d":\n            return "C"\n',
      ),
    )
  })

  it('conflicts on Python patterns that may be equal (numbers: `True == 1`)', () => {
    const left = insertBefore(python, '        case _:', '        case 1:\n            return "one"\n')
    const right = insertBefore(python, '        case _:', '        case True:\n            return "true"\n')
    expect(merge('label.py', python, left, right).clean).toBe(false)
  })
})
