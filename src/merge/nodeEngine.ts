import { nodeGrammars } from '../syntax/nodeGrammars.ts'
import { createMergeEngine, type MergeEngine } from './engine.ts'

let shared: Promise<MergeEngine> | undefined

/** The merge engine over node_modules' grammars, one per Node process (CLI, tests, benchmarks). */
export function loadMergeEngine(): Promise<MergeEngine> {
  shared ??= nodeGrammars().then(createMergeEngine)
  return shared
}
