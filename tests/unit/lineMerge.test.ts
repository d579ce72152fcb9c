import { describe, expect, it } from 'vitest'
import { mergeLines } from '../../src/merge/line/lineMerge.ts'

describe('mergeLines', () => {
  it('takes changes from both sides at different places', () => {
    const base = 'a\nb\nc\nd\n'
    expect(mergeLines(base, 'A\nb\nc\nd\n', 'a\nb\nc\nD\n')).toEqual({
      text: 'A\nb\nc\nD\n',
      clean: true,
      conflicts: 0,
    })
  })

  it('takes the same change made on both sides once', () => {
    expect(mergeLines('x\n', 'y\n', 'y\n')).toEqual({ text: 'y\n', clean: true, conflicts: 0 })
  })

  it('renders overlapping changes as a diff3 conflict region', () => {
    const result = mergeLines('a\nb\nc\n', 'a\nleft\nc\n', 'a\nright\nc\n')
    expect(result).toEqual({
      text: 'a\n<<<<<<< LEFT\nleft\n||||||| BASE\nb\n=======\nright\n>>>>>>> RIGHT\nc\n',
      clean: false,
      conflicts: 1,
    })
  })

  it('lets a deletion ending in a blank line keep the blank line the other side inserts after', () => {
    // Left deletes the Y block and its trailing blank line; right inserts after that blank line.
    // Which of two equal blank lines a side deleted is a choice of the diff: git slides the
    // deletion up against the neighbouring change, so both sides keep the same blank line and
    // the edits do not touch.
    const base = 'a\nX1\nX2\n\nY1\nY2\n\nsend(\n  p,\n)\nz\n'
    const left = 'a\nZ1\nZ2\n\nsend(\n  p,\n)\nz\nmore\n'
    const right = 'a\nX1\nX2\n\nY1\nY2\n\nreq = p\n\nsend(\n  req,\n)\nz\n'
    expect(mergeLines(base, left, right)).toEqual({
      text: 'a\nZ1\nZ2\n\nreq = p\n\nsend(\n  req,\n)\nz\nmore\n',
      clean: true,
      conflicts: 0,
    })
  })

  it('keeps a missing final newline and CRLF line endings', () => {
    expect(mergeLines('a\r\nx\r\nb', 'A\r\nx\r\nb', 'a\r\nx\r\nB').text).toBe('A\r\nx\r\nB')
    expect(mergeLines('', 'only left', '').text).toBe('only left')
  })

  it("takes once the same block both sides insert where each side's diff places it differently", () => {
    // The block ends with the lines before it: it may sit before or after them. The right side
    // also edits the first line, which makes its diff place the block two lines up.
    const base = ['use std::io;', '/// ```', '/// let line = read();', '/// ```', 'fn read() {}', '']
    const block = ['///', '/// In a loop:', '/// ```', '/// for line in lines() {}', '/// ```']
    const withBlock = (lines: string[]) => [...lines.slice(0, 4), ...block, ...lines.slice(4)].join('\n')
    const left = withBlock(base)
    const right = withBlock(['use std::io::{self, Read};', ...base.slice(1)])
    for (const [one, other] of [
      [left, right],
      [right, left],
    ]) {
      expect(mergeLines(base.join('\n'), one, other)).toEqual({ text: right, clean: true, conflicts: 0 })
    }
  })
})
