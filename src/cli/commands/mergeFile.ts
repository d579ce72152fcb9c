import { readFileSync, writeFileSync } from 'node:fs'
import type { MergeResult } from '../../merge/engine.ts'
import { loadMergeEngine } from '../../merge/nodeEngine.ts'
import { decodeText } from '../../model/content.ts'
import { quotePath } from '../../model/paths.ts'

type Out = (text: string) => void
type Err = (line: string) => void

function readAll(command: string, paths: string[], err: Err): string[] | undefined {
  try {
    return paths.map((path) => readFileSync(path, 'utf8'))
  } catch (error) {
    err(`weft ${command}: ${(error as Error).message}`)
    return undefined
  }
}

/** Merges with the engine; what a clean merge may still have broken goes to stderr as warnings. */
async function mergeTexts(
  command: string,
  [base, left, right]: string[],
  path: string,
  err: Err,
): Promise<MergeResult> {
  const engine = await loadMergeEngine()
  const result = await engine.mergeAsync({ base, left, right, path })
  for (const warning of result.warnings) err(`weft ${command}: warning: ${warning.message}`)
  return result
}

/**
 * `weft merge-file BASE LEFT RIGHT`: prints the merged file; the language comes from LEFT's
 * extension. Exit 0 when clean, 1 when conflict regions remain (diff3 markers), 2 on bad input.
 */
export async function mergeFile(args: string[], out: Out, err: Err): Promise<number> {
  if (args.length !== 3) {
    err('Usage: weft merge-file BASE LEFT RIGHT')
    return 2
  }
  const texts = readAll('merge-file', args, err)
  if (!texts) return 2
  const result = await mergeTexts('merge-file', texts, args[1], err)
  out(result.text)
  return result.clean ? 0 : 1
}

/**
 * `weft merge-driver %O %A %B %P`, for git's `merge.<driver>.driver`: merges into %A (ours) in
 * place; %P, the path in the repository, picks the language. Exit 0 clean, 1 conflicts, 2 error.
 * When any version is binary (NUL in its first 8 KiB or not UTF-8, as git and Weft judge), ours
 * is left byte for byte and the merge reported as a conflict, as git's own binary merge does.
 */
export async function mergeDriver(args: string[], err: Err): Promise<number> {
  if (args.length !== 4) {
    err('Usage: weft merge-driver BASE OURS THEIRS PATH')
    return 2
  }
  let versions: Uint8Array[]
  try {
    versions = args.slice(0, 3).map((path) => new Uint8Array(readFileSync(path)))
  } catch (error) {
    err(`weft merge-driver: ${(error as Error).message}`)
    return 2
  }
  const texts = versions.map(decodeText)
  if (texts.some((text) => text === null)) {
    err(
      `weft merge-driver: ${quotePath(args[3])} is binary; ours was kept unchanged (cannot merge binary files).`,
    )
    return 1
  }
  const result = await mergeTexts('merge-driver', texts as string[], args[3], err)
  try {
    writeFileSync(args[1], result.text)
  } catch (error) {
    err(`weft merge-driver: ${(error as Error).message}`)
    return 2
  }
  return result.clean ? 0 : 1
}
