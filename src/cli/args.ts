import { parseArgs, type ParseArgsConfig } from 'node:util'

type Options = NonNullable<ParseArgsConfig['options']>

/**
 * Parses a command's flags (positionals allowed); on bad flags says so in one line, followed by
 * `usage` when given, and returns null: the caller exits 2.
 */
export function commandArgs<T extends Options>(
  command: string,
  argv: string[],
  options: T,
  err: (line: string) => void,
  usage?: string,
) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options })
  } catch (error) {
    err(`weft ${command}: ${(error as Error).message}${usage ? `\n${usage}` : ''}`)
    return null
  }
}
