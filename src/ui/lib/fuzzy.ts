/**
 * Scores `path` for a fuzzy `query` as quick-open pickers do: every query character must appear
 * in order; consecutive matches, matches at the start of a name or word, and matches in the file
 * name score higher. Returns null when it does not match, else the score and matched positions.
 */
export function fuzzyMatch(query: string, path: string): { score: number; positions: number[] } | null {
  const q = query.toLowerCase().replace(/\s+/g, '')
  if (!q) return { score: 0, positions: [] }
  const p = path.toLowerCase()
  const nameStart = path.lastIndexOf('/') + 1
  const positions: number[] = []
  let score = 0
  let from = 0
  for (const ch of q) {
    const at = p.indexOf(ch, from)
    if (at < 0) return null
    const previous = positions.at(-1)
    if (previous !== undefined && at === previous + 1) score += 5
    if (at === 0 || '/-_. '.includes(path[at - 1]) || (path[at] >= 'A' && path[at] <= 'Z')) score += 3
    if (at >= nameStart) score += 2
    // Gaps between matched characters cost; where the first one starts does not.
    if (previous !== undefined) score -= Math.min(at - from, 10) * 0.1
    positions.push(at)
    from = at + 1
  }
  // Shorter paths win ties.
  return { score: score - path.length * 0.01, positions }
}

/** The paths matching `query`, best first, at most `limit`. */
export function fuzzyFilter(
  query: string,
  paths: readonly string[],
  limit = 50,
): { path: string; positions: number[] }[] {
  const scored: { path: string; positions: number[]; score: number }[] = []
  for (const path of paths) {
    const match = fuzzyMatch(query, path)
    if (match) scored.push({ path, ...match })
  }
  return scored.sort((a, b) => b.score - a.score || a.path.localeCompare(b.path)).slice(0, limit)
}
