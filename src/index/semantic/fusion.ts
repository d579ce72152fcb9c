/**
 * Reciprocal rank fusion (Cormack, Clarke, Büttcher 2009): each ranked list gives an item
 * 1 / (K + rank), and the sums decide. It needs no score calibration, so bm25 (unbounded, lower is
 * better) and cosine similarity (−1…1) combine without tuning, and an item both lists agree on
 * beats one that tops a single list.
 */

/** The constant of the original paper: damps the difference between the first few ranks. */
export const RRF_K = 60

/** Items of `lists` (each best first) by fused score, best first; ties keep first-seen order. */
export function reciprocalRankFusion<T>(lists: T[][], k = RRF_K, weights?: number[]): T[] {
  const scores = new Map<T, number>()
  lists.forEach((list, which) => {
    const weight = weights?.[which] ?? 1
    list.forEach((item, rank) => scores.set(item, (scores.get(item) ?? 0) + weight / (k + rank + 1)))
  })
  return [...scores.entries()].sort((a, b) => b[1] - a[1]).map(([item]) => item)
}
