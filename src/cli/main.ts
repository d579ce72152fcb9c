import { COMMANDS, USAGE } from './commandTable.ts'
import type { Io } from './io.ts'

export type { Io } from './io.ts'
export { USAGE } from './commandTable.ts'

const byName = new Map(COMMANDS.map((entry) => [entry.name, entry]))

/** Runs one CLI command; returns the exit code (0 ok, 1 merge conflicts, 2 usage or bad input). */
export async function run(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv
  if (!command) {
    io.err(USAGE)
    return 2
  }
  if (command === 'help' || command === '--help') {
    io.out(USAGE + '\n')
    return 0
  }
  const entry = byName.get(command)
  if (!entry) {
    io.err(`weft: unknown command "${command}"\n${USAGE}`)
    return 2
  }
  const runCommand = await entry.load()
  return runCommand(rest, io)
}
