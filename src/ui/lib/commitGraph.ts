/** A commit as the graph needs it: children come before parents in the input order. */
export interface GraphCommit {
  id: string
  parents: string[]
}

/** How one row of the graph is drawn; lanes are columns, numbered from 0. */
export interface GraphRow {
  /** The commit's lane. */
  lane: number
  /** Lanes that pass this row untouched (a line from top to bottom). */
  through: number[]
  /** Lanes that end in this commit from above (its children's lines, the own lane included). */
  incoming: number[]
  /** Lanes this commit's parents continue in below (the first parent's lane first). */
  outgoing: number[]
  /** How many lanes the row spans, for its width. */
  width: number
}

/**
 * Lays out a commit graph in lanes, as `git log --graph` does: each lane waits for one commit; a
 * commit takes the lane waiting for it (others waiting for it merge into it), its first parent
 * continues that lane, and other parents take the lane already waiting for them or a free one.
 */
export function layoutGraph(commits: GraphCommit[]): GraphRow[] {
  const lanes: (string | null)[] = []
  const rows: GraphRow[] = []
  for (const commit of commits) {
    const waiting = lanes.flatMap((id, lane) => (id === commit.id ? [lane] : []))
    let lane = waiting[0]
    if (lane === undefined) {
      lane = freeLane(lanes)
      lanes[lane] = commit.id
    }
    const through = lanes.flatMap((id, l) => (id !== null && id !== commit.id ? [l] : []))
    for (const l of waiting) lanes[l] = null
    const outgoing: number[] = []
    commit.parents.forEach((parent, i) => {
      const existing = lanes.indexOf(parent)
      if (existing >= 0) {
        outgoing.push(existing)
        return
      }
      const target = i === 0 ? lane : freeLane(lanes)
      lanes[target] = parent
      outgoing.push(target)
    })
    while (lanes.length > 0 && lanes[lanes.length - 1] === null) lanes.pop()
    const width = Math.max(lane, ...through, ...outgoing, ...waiting) + 1
    rows.push({ lane, through, incoming: waiting, outgoing, width })
  }
  return rows
}

function freeLane(lanes: (string | null)[]): number {
  const free = lanes.indexOf(null)
  return free >= 0 ? free : lanes.length
}
