import { beforeAll } from 'vitest'
import { STRUCTURED_GRAMMARS, type MergeEngine, type MergeResult } from '../../src/merge/engine.ts'
import { loadMergeEngine } from '../../src/merge/nodeEngine.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'

/** The engine over node_modules' grammars, every one loaded, once `useMergeEngine` has run. */
export let engine: MergeEngine

/** Loads the engine and every grammar it merges by syntax tree before the file's tests run. */
export function useMergeEngine(): void {
  beforeAll(async () => {
    engine = await loadMergeEngine()
    const grammars = await nodeGrammars()
    await Promise.all(STRUCTURED_GRAMMARS.map((id) => grammars.parser(id)))
    // Compiling some 50 MB of grammars takes seconds on a busy 2-core machine.
  }, 60_000)
}

/** One file's merge, the file named by `path` (its language). */
export const merge = (path: string, base: string, left: string, right: string): MergeResult =>
  engine.merge({ base, left, right, path })
