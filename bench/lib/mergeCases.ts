import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { STRUCTURED_GRAMMARS, type MergeEngine } from '../../src/merge/engine.ts'
import { loadMergeEngine } from '../../src/merge/nodeEngine.ts'
import { nodeGrammars } from '../../src/syntax/nodeGrammars.ts'

/** One three-way merge case of the shared set: `path` carries its extension, which picks the language. */
export interface MergeCase {
  id: string
  path: string
  base: string
  left: string
  right: string
}

/** Every case folder (one holding `base*`, `left*` and `right*` files) under `root`. */
export function findMergeCases(root: string): MergeCase[] {
  const found: MergeCase[] = []
  const walk = (dir: string) => {
    const names = readdirSync(dir)
    const base = names.find((name) => /^base(\.|$)/.test(name))
    if (base) {
      const suffix = base.slice(4)
      const read = (name: string) => readFileSync(join(dir, name + suffix), 'utf8')
      if (names.includes('left' + suffix) && names.includes('right' + suffix)) {
        found.push({
          id: dir.slice(root.length + 1),
          path: 'left' + suffix,
          base: read('base'),
          left: read('left'),
          right: read('right'),
        })
      }
      return
    }
    for (const name of names) if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name))
  }
  walk(root)
  return found
}

/** The engine with every first-wave grammar loaded, so timings leave out grammar loading. */
export async function preparedMergeEngine(): Promise<MergeEngine> {
  const engine = await loadMergeEngine()
  const grammars = await nodeGrammars()
  await Promise.all(STRUCTURED_GRAMMARS.map((id) => grammars.parser(id)))
  return engine
}
