import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder holding Weft's package.json (where `data/` and the built app `dist/` sit by default),
 * found by walking up from this module, so it is the same whether the relay runs from its sources
 * or from the Node build in `dist-node/`.
 */
export function packageRoot(): string {
  const start = dirname(fileURLToPath(import.meta.url))
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) throw new Error(`No package.json in ${start} or any folder above it.`)
  }
}
