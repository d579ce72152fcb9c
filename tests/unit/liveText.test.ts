import { next as A } from '@automerge/automerge'
import { Text } from '@codemirror/state'
import { describe, expect, it } from 'vitest'
import { CONTENT, patchesToChanges, spliceChanges } from '../../src/live/liveText.ts'
import { random, randomChanges } from './randomEdits.ts'

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
    doc = A.change(doc, (d) => {
      d.other = 'y'
      d.content = 'new text'
    })
    const changes = patchesToChanges(A.diff(doc, before, A.getHeads(doc)), CONTENT, 3)
    expect(changes.apply(Text.of(['abc'])).toString()).toBe('new text')
  })
})
