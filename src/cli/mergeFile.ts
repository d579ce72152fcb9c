import { readFileSync } from 'node:fs'
import { mergeLines } from '../merge/lineMerge.ts'

/**
 * `weft merge-file BASE LEFT RIGHT`: prints the merged file. Exit 0 when clean, 1 when conflict
 * regions remain (diff3 markers), 2 on bad input.
 */
export function mergeFile(args: string[], out: (text: string) => void, err: (line: string) => void): number {
  if (args.length !== 3) {
    err('Usage: weft merge-file BASE LEFT RIGHT')
    return 2
  }
  let texts: string[]
  try {
    texts = args.map((path) => readFileSync(path, 'utf8'))
  } catch (error) {
    err(`weft merge-file: ${(error as Error).message}`)
    return 2
  }
  const [base, left, right] = texts
  const result = mergeLines(base, left, right)
  out(result.text)
  return result.clean ? 0 : 1
}
