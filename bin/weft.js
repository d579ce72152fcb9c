#!/usr/bin/env node
// The `weft` command: TypeScript sources run through tsx so Node 20 needs no build step.
import { register } from 'tsx/esm/api'

register()
const usage = `Usage:
  weft relay [options]               run a relay (weft relay --help)
  weft merge-file BASE LEFT RIGHT    three-way merge of one file to stdout (exit 0 clean, 1 conflicts)`
const [command, ...args] = process.argv.slice(2)
if (command === 'relay') {
  const { main } = await import('../relay/main.ts')
  await main(args)
} else if (command === 'merge-file') {
  const { mergeFile } = await import('../src/cli/mergeFile.ts')
  process.exitCode = mergeFile(args, (text) => process.stdout.write(text), (line) => console.error(line))
} else {
  console.error(command ? `weft: unknown command "${command}"\n${usage}` : usage)
  process.exit(2)
}
