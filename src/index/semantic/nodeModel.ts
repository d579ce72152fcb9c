/**
 * The shipped word-vector model (models/weft-words.bin) read from disk in Node: found by walking
 * up from this module, which sits in src/index/semantic/ when run from source and in
 * dist-node/chunks/ when bundled.
 */
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const MODEL_FILE = 'models/weft-words.bin'

/** The model file's bytes; throws naming where it looked when the file is missing. */
export async function readNodeModel(): Promise<Uint8Array> {
  const start = dirname(fileURLToPath(import.meta.url))
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, MODEL_FILE)
    if (existsSync(candidate)) return readFileSync(candidate)
    if (dirname(dir) === dir) throw new Error(`${MODEL_FILE} not found above ${start}`)
  }
}
