import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { layoutGraph } from '../../src/ui/lib/commitGraph.ts'
import { graphLog } from '../../src/repo/history.ts'
import type { RepositoryDoc } from '../../src/model/types.ts'

/** A commit table from `id: parents` lines, with times as given (older is smaller). */
function commitsOf(spec: Record<string, [number, string[]]>): RepositoryDoc['commits'] {
  return Object.fromEntries(
    Object.entries(spec).map(([id, [time, parents]]) => [
      id,
      { parents, message: id, author: 'a', time, depth: 0 },
    ]),
  ) as unknown as RepositoryDoc['commits']
}

describe('graph of branches', () => {
  // a ← b ← c (main);  a ← x ← y (feature);  m = merge(c, y);  z on feature after the merge, its clock behind.
  const commits = commitsOf({
    a: [1, []],
    b: [2, ['a']],
    x: [3, ['a']],
    c: [4, ['b']],
    y: [5, ['x']],
    m: [6, ['c', 'y']],
    z: [0, ['y']],
  })

  it("orders every branch's commits children first, even when a clock is behind", () => {
    const order = graphLog(commits, ['m', 'z']).map((e) => e.id)
    expect(order).toHaveLength(7)
    for (const [id, [, parents]] of Object.entries({
      m: [0, ['c', 'y']],
      z: [0, ['y']],
      c: [0, ['b']],
      y: [0, ['x']],
      b: [0, ['a']],
      x: [0, ['a']],
    }) as [string, [number, string[]]][])
      for (const parent of parents)
        expect(order.indexOf(id), `${id} before ${parent}`).toBeLessThan(order.indexOf(parent))
    expect(order[0]).toBe('m')
    expect(graphLog(commits, ['m', 'z'], 3)).toHaveLength(3)
  })

  it('lays a merge out in two lanes that join again', () => {
    const rows = layoutGraph(graphLog(commits, ['m']))
    const ids = graphLog(commits, ['m']).map((e) => e.id)
    const row = (id: string) => rows[ids.indexOf(id)]
    expect(row('m')).toMatchObject({ lane: 0, outgoing: [0, 1], incoming: [] })
    // The merged branch runs in lane 1 beside main (which passes it) until they meet.
    expect(row('y').lane).toBe(1)
    expect(row('x').lane).toBe(1)
    expect(row('y').through).toEqual([0])
    expect(row('c')).toMatchObject({ lane: 0, through: [1] })
    // Main's line joins the feature's lane at their common ancestor, the root.
    expect(row('b').outgoing).toEqual([row('a').lane])
    expect(row('a')).toMatchObject({ outgoing: [], through: [] })
    expect(Math.max(...rows.map((r) => r.width))).toBe(2)
  })

  it('keeps a straight history in one lane', () => {
    const line = Array.from({ length: 5 }, (_, i) => ({ id: `c${i}`, parents: i < 4 ? [`c${i + 1}`] : [] }))
    expect(layoutGraph(line).every((r) => r.lane === 0 && r.width === 1 && r.through.length === 0)).toBe(true)
  })
})
