import { next as A } from '@automerge/automerge'
import { ChangeSet, Text } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { CONTENT, patchesToChanges, spliceChanges } from '../../src/ui/lib/liveText.ts'

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
}

/** Moves a position off the middle of a surrogate pair: the editor never splits a character. */
function clampToCharacter(text: string, pos: number): number {
  const code = text.charCodeAt(pos)
  return code >= 0xdc00 && code <= 0xdfff ? pos + 1 : pos
}

/** A change set of 1–4 random edits (insertions, deletions, replacements, emoji) over `text`. */
function randomChanges(text: string, rand: () => number): ChangeSet {
  const specs: { from: number; to: number; insert: string }[] = []
  let at = 0
  for (let i = 0; i < 1 + Math.floor(rand() * 4) && at <= text.length; i++) {
    const from = clampToCharacter(text, at + Math.floor(rand() * (text.length - at + 1)))
    const to = clampToCharacter(text, Math.min(text.length, from + Math.floor(rand() * 4)))
    const insert = ['', 'x', 'héllo\n', '🙂', 'ab'][Math.floor(rand() * 5)]
    specs.push({ from, to, insert })
    at = to + 1
  }
  return ChangeSet.of(specs, text.length)
}

describe('editor ⇄ Automerge text', () => {
  it('applies editor change sets to Automerge text exactly', () => {
    const rand = random(7)
    let doc = A.from({ content: 'The quick brown fox\njumps over 🙂 the dog\n' })
    for (let round = 0; round < 300; round++) {
      const before = doc.content
      const changes = randomChanges(before, rand)
      doc = A.change(doc, (d) => spliceChanges(d, CONTENT, changes))
      expect(doc.content).toBe(changes.apply(Text.of(before.split('\n'))).toString())
    }
  })

  it('turns Automerge patches into one change set that reproduces the new text', () => {
    const rand = random(11)
    let doc = A.from({ content: 'function f() {\n  return 1\n}\n' })
    for (let round = 0; round < 200; round++) {
      const before = A.getHeads(doc)
      const beforeText = doc.content
      // Several changes between two syncs, as a remote peer's batch would arrive.
      for (let k = 0; k < 3; k++) {
        const changes = randomChanges(doc.content, rand)
        doc = A.change(doc, (d) => spliceChanges(d, CONTENT, changes))
      }
      const patches = A.diff(doc, before, A.getHeads(doc))
      const changes = patchesToChanges(patches, CONTENT, beforeText.length)
      expect(changes.apply(Text.of(beforeText.split('\n'))).toString()).toBe(doc.content)
    }
  })

  it('ignores patches to other fields and handles a wholesale replacement', () => {
    let doc = A.from({ content: 'abc', other: 'x' })
    const before = A.getHeads(doc)
    doc = A.change(doc, (d) => { d.other = 'y'; d.content = 'new text' })
    const changes = patchesToChanges(A.diff(doc, before, A.getHeads(doc)), CONTENT, 3)
    expect(changes.apply(Text.of(['abc'])).toString()).toBe('new text')
  })
})
