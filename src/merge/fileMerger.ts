import type { FileMerge, FileMerger } from '../model/fileMerge.ts'
import type { MergeInput, MergeResult } from './engine.ts'
import { mergeLines } from './line/lineMerge.ts'

/** The line merge as a per-file merger (conflict regions are not named). */
export const lineFileMerger: FileMerger = (base, left, right) => {
  const { text, clean } = mergeLines(base, left, right)
  return { text, clean }
}

/** What a tree merge needs of a merge result: the text, and where its conflicts are. */
const toFileMerge = ({ text, clean, conflicts }: MergeResult): FileMerge => ({
  text,
  clean,
  conflicts: conflicts.map(({ kind, path }) => ({ kind, path })),
})

/**
 * A per-file merger over a merge engine that may run elsewhere (a worker): each file gets at most
 * `timeoutMs`, after which the line merge is used for it, so a stuck or crashed worker cannot hold
 * a branch merge forever; `signal` stops waiting at once.
 */
export function engineFileMerger(
  merge: (input: MergeInput) => MergeResult | Promise<MergeResult>,
  { timeoutMs = 10_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
): FileMerger {
  return async (base, left, right, path) => {
    let timer: ReturnType<typeof setTimeout> | undefined
    let onAbort = () => {}
    const byLine = () => lineFileMerger(base, left, right, path) as FileMerge
    const late = new Promise<FileMerge>((resolve, reject) => {
      timer = setTimeout(() => resolve(byLine()), timeoutMs)
      onAbort = () => reject(signal!.reason)
      signal?.addEventListener('abort', onAbort)
    })
    const merged = Promise.resolve(merge({ base, left, right, path })).then(toFileMerge, byLine)
    try {
      signal?.throwIfAborted()
      return await Promise.race([merged, late])
    } finally {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
  }
}
