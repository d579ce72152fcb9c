import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { GrammarId } from '../../src/syntax/languages.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'
import { walkTree, walksDirectly, type TreeWalker } from '../../src/syntax/treeWalker.ts'

/** Every node in document order with all a walker reports of it, and each move's outcome. */
function record(walker: TreeWalker): string[] {
  const seen: string[] = []
  const visit = (): void => {
    seen.push(
      [
        walker.nodeId(),
        walker.typeId(),
        walker.fieldId(),
        walker.startIndex(),
        walker.endIndex(),
        walker.isNamed(),
        walker.isMissing(),
      ].join(' '),
    )
    if (walker.gotoFirstChild()) {
      do visit()
      while (walker.gotoNextSibling())
      seen.push(`up ${walker.gotoParent()}`)
    }
  }
  visit()
  seen.push(`root has no sibling: ${!walker.gotoNextSibling()}, no parent: ${!walker.gotoParent()}`)
  return seen
}

const SOURCES: [GrammarId, string][] = [
  ['typescript', readFileSync(new URL('../../src/merge/engine.ts', import.meta.url), 'utf8')],
  // Non-ASCII text: indices count UTF-16 code units on both paths.
  ['python', 'def grüß(x: int) -> str:\n    return f"{x} → ✓"\n\nclass A:\n    y = [1, 2,\n'],
  ['yaml', 'jobs:\n  test:\n    runs-on: ubuntu\n    steps:\n      - uses: x\n      - run: "é"\n'],
  ['rust', 'fn main() { let x = ; match y { A => 1, } }\n'],
]

describe('walkTree', () => {
  it('reports what TreeCursor reports, node by node, when it calls the runtime directly', async () => {
    const grammars = await nodeGrammars()
    // A web-tree-sitter that renamed its exports would leave only the slow path: fail here.
    expect(walksDirectly()).toBe(true)
    for (const [grammar, source] of SOURCES) {
      const parser = await grammars.parser(grammar)
      const tree = parser.parse(source)!
      try {
        // One walk at a time: a direct walk owns the runtime's transfer buffer until deleted.
        const direct = walkTree(tree)
        const fast = record(direct)
        direct.delete()
        const viaCursor = walkTree(tree, true)
        const slow = record(viaCursor)
        viaCursor.delete()
        expect(fast.length).toBeGreaterThan(20)
        expect(fast).toEqual(slow)
        // The missing node of the broken Rust line is seen on both paths.
        if (grammar === 'rust') expect(tree.rootNode.hasError).toBe(true)
      } finally {
        tree.delete()
      }
    }
  })

  it('leaves the cursor usable through TreeCursor after a direct walk', async () => {
    const parser = await (await nodeGrammars()).parser('json')
    const tree = parser.parse('{"a": [1, 2], "b": {"c": null}}\n')!
    try {
      const walker = walkTree(tree)
      walker.gotoFirstChild()
      walker.gotoFirstChild()
      walker.gotoNextSibling()
      // After the walk hands its state back, a fresh cursor API call on another cursor works.
      walker.delete()
      const cursor = tree.walk()
      expect(cursor.gotoFirstChild()).toBe(true)
      expect(cursor.nodeType).toBe('object')
      cursor.delete()
    } finally {
      tree.delete()
    }
  })
})
