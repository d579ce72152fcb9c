/**
 * Line diff and diff3 regions, linear in the file for the usual few edits: a Myers diff over
 * interned lines after trimming the common head and tail (node-diff3's LCS takes seconds on a
 * few thousand repeated lines, such as blank lines and closing braces).
 */

/** A stretch all versions agree on, or one where both sides changed the base differently. */
export type Diff3Region = { ok: string[] } | { conflict: { left: string[]; base: string[]; right: string[] } }

/** Edit distance beyond which a stretch is taken as replaced wholesale rather than diffed further. */
const MAX_EDITS = 2_000

/**
 * The last few diffs: one merge diffs the same pairs of versions several times (the line merge,
 * then the incremental parses of the sides and of the merged text), each time from fresh line
 * arrays. Comparing lines is far cheaper than interning and diffing them again.
 */
const recentMatches: { a: string[]; b: string[]; match: Int32Array }[] = []
const RECENT_MATCHES = 6

/** For each line of `a`, the index of the line of `b` it is kept as, or -1 (a longest common subsequence). */
export function matchLines(a: string[], b: string[]): Int32Array {
  const recent = recentMatches.find((entry) => same(entry.a, a) && same(entry.b, b))
  // A copy: callers may adjust their match.
  if (recent) return recent.match.slice()
  const match = diffLines(a, b)
  recentMatches.unshift({ a: a.slice(), b: b.slice(), match: match.slice() })
  recentMatches.length = Math.min(recentMatches.length, RECENT_MATCHES)
  return match
}

function diffLines(a: string[], b: string[]): Int32Array {
  const ids = new Map<string, number>()
  const intern = (lines: string[]) =>
    Int32Array.from(lines, (line) => {
      let id = ids.get(line)
      if (id === undefined) ids.set(line, (id = ids.size))
      return id
    })
  const [x, y] = [intern(a), intern(b)]
  const match = new Int32Array(a.length).fill(-1)
  let head = 0
  while (head < x.length && head < y.length && x[head] === y[head]) match[head] = head++
  let tail = 0
  while (
    tail < x.length - head &&
    tail < y.length - head &&
    x[x.length - 1 - tail] === y[y.length - 1 - tail]
  ) {
    match[x.length - 1 - tail] = y.length - 1 - tail
    tail++
  }
  myers(x, y, head, x.length - tail, head, y.length - tail, match)
  return match
}

/**
 * Myers' O(ND) greedy diff of x[xFrom..xTo) against y[yFrom..yTo), recording the snakes in `match`.
 * Only the diagonals that meet the edit grid are walked and kept for the backtrack (a few lines
 * against a thousand walk a few diagonals, not two thousand); the path is the one walking every
 * diagonal finds.
 */
function myers(
  x: Int32Array,
  y: Int32Array,
  xFrom: number,
  xTo: number,
  yFrom: number,
  yTo: number,
  match: Int32Array,
): void {
  const n = xTo - xFrom
  const m = yTo - yFrom
  if (n === 0 || m === 0) return
  const max = Math.min(n + m, MAX_EDITS)
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // Per step d, v before the step over diagonals lows[d] .. (its width), from trace[starts[d]].
  const trace: Trace = {
    values: new Int32Array(4 * (n + m) + 64),
    starts: new Int32Array(max + 1),
    lows: new Int32Array(max + 1),
  }
  let used = 0
  for (let d = 0; d <= max; d++) {
    // k = i - j with 0 <= i <= n and 0 <= j <= m, of d's parity.
    const lo = d <= m ? -d : -m + ((d - m) & 1)
    const hi = d <= n ? d : n - ((d - n) & 1)
    const width = hi - lo + 3
    if (used + width > trace.values.length) {
      const grown = new Int32Array(Math.max(trace.values.length * 2, used + width))
      grown.set(trace.values.subarray(0, used))
      trace.values = grown
    }
    trace.values.set(v.subarray(offset + lo - 1, offset + lo - 1 + width), used)
    trace.starts[d] = used
    trace.lows[d] = lo - 1
    used += width
    for (let k = lo; k <= hi; k += 2) {
      const at = offset + k
      let i = k === -d || (k !== d && v[at - 1] < v[at + 1]) ? v[at + 1] : v[at - 1] + 1
      let j = i - k
      while (i < n && j < m && x[xFrom + i] === y[yFrom + j]) {
        i++
        j++
      }
      v[at] = i
      if (i >= n && j >= m) return backtrack(trace, d, n, m, xFrom, yFrom, x, y, match)
    }
  }
  // Too different to diff cheaply: the stretch counts as replaced.
}

/** The furthest points of each step of a Myers diff, for walking its path back. */
interface Trace {
  values: Int32Array
  starts: Int32Array
  lows: Int32Array
}

function backtrack(
  trace: Trace,
  last: number,
  n: number,
  m: number,
  xFrom: number,
  yFrom: number,
  x: Int32Array,
  y: Int32Array,
  match: Int32Array,
): void {
  const { values, starts, lows } = trace
  let [i, j] = [n, m]
  for (let d = last; d > 0; d--) {
    // v before step d, on diagonal k, is values[at + k].
    const at = starts[d] - lows[d]
    const k = i - j
    const prevK = k === -d || (k !== d && values[at + k - 1] < values[at + k + 1]) ? k + 1 : k - 1
    const prevI = values[at + prevK]
    const prevJ = prevI - prevK
    while (i > prevI && j > prevJ) {
      i--
      j--
      match[xFrom + i] = yFrom + j
    }
    ;[i, j] = [prevI, prevJ]
  }
  while (i > 0 && j > 0) {
    i--
    j--
    if (x[xFrom + i] === y[yFrom + j]) match[xFrom + i] = yFrom + j
  }
}

/**
 * Moves each run of changed lines as git does: up while the line above equals the run's last
 * line, then down while the line below equals its first, joining any run it reaches. Which of
 * two equal lines (often blank) counts as kept is the diff's choice; git's keeps a side's change
 * next to its other changes, so a deletion ending in a blank line does not reach into the
 * other side's insertion after that blank line.
 */
function compact(lines: string[], changed: boolean[]): void {
  const n = lines.length
  let start = 0
  while (start < n) {
    if (!changed[start]) {
      start++
      continue
    }
    let end = start
    while (end < n && changed[end]) end++
    let length: number
    do {
      length = end - start
      while (start > 0 && !changed[start - 1] && lines[start - 1] === lines[end - 1]) {
        changed[--start] = true
        changed[--end] = false
        while (start > 0 && changed[start - 1]) start--
      }
      while (end < n && !changed[end] && lines[start] === lines[end]) {
        changed[start++] = false
        changed[end++] = true
        while (end < n && changed[end]) end++
      }
    } while (end - start !== length)
    start = end
  }
}

/**
 * `matchLines` with its runs of changed lines compacted on both sides, as git places them: the
 * same block inserted by both sides then sits at the same place in each side's diff and is taken
 * once, not twice.
 */
export function compactedMatch(a: string[], b: string[]): Int32Array {
  const match = matchLines(a, b)
  const changedA = Array.from(match, (to) => to < 0)
  const changedB = new Array<boolean>(b.length).fill(true)
  for (const to of match) if (to >= 0) changedB[to] = false
  compact(a, changedA)
  compact(b, changedB)
  // The kept lines of both sides are the same sequence before and after: pair them in order.
  let j = 0
  for (let i = 0; i < a.length; i++) {
    if (changedA[i]) {
      match[i] = -1
      continue
    }
    while (changedB[j]) j++
    match[i] = j++
  }
  return match
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((line, i) => line === b[i])

/**
 * Three-way merge of line lists: lines kept by both sides anchor the merge; between anchors a
 * stretch changed on one side is taken, the same change on both sides is taken once, and
 * different changes on both sides are a conflict.
 */
export function diff3(left: string[], base: string[], right: string[]): Diff3Region[] {
  const toLeft = compactedMatch(base, left)
  const toRight = compactedMatch(base, right)
  const regions: Diff3Region[] = []
  const ok = (lines: string[]) => {
    if (lines.length === 0) return
    const last = regions[regions.length - 1]
    if (last && 'ok' in last) last.ok.push(...lines)
    else regions.push({ ok: [...lines] })
  }
  let [b, l, r] = [0, 0, 0]
  for (let anchor = 0; anchor <= base.length; anchor++) {
    if (anchor < base.length && (toLeft[anchor] < 0 || toRight[anchor] < 0)) continue
    const [lEnd, rEnd] =
      anchor < base.length ? [toLeft[anchor], toRight[anchor]] : [left.length, right.length]
    const [bc, lc, rc] = [base.slice(b, anchor), left.slice(l, lEnd), right.slice(r, rEnd)]
    if (same(lc, bc)) ok(rc)
    else if (same(rc, bc) || same(lc, rc)) ok(lc)
    else regions.push({ conflict: { left: lc, base: bc, right: rc } })
    if (anchor < base.length) ok([base[anchor]])
    ;[b, l, r] = [anchor + 1, lEnd + 1, rEnd + 1]
  }
  return regions
}
