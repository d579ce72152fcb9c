#!/usr/bin/env node
// The `weft` command: TypeScript sources run through tsx so Node 20 needs no build step.
import { register } from 'tsx/esm/api'

register()
const [command, ...args] = process.argv.slice(2)
if (command === 'relay') {
  const { main } = await import('../relay/main.ts')
  await main(args)
} else {
  console.error(command ? `weft: unknown command "${command}"` : 'Usage: weft relay [options]   (weft relay --help)')
  process.exit(2)
}
