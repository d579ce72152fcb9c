#!/usr/bin/env node
// The `weft` command: TypeScript sources run through tsx so Node 20 needs no build step.
import { register } from 'tsx/esm/api'

register()
const [command, ...args] = process.argv.slice(2)
// `weft relay list|add|remove` manage the profile's relays; any other `weft relay` runs one.
if (command === 'relay' && !['list', 'add', 'remove'].includes(args[0])) {
  const { main } = await import('../relay/main.ts')
  await main(args)
} else {
  await import('@automerge/automerge-repo') // initialises Automerge's wasm for Node
  const { run } = await import('../src/cli/main.ts')
  process.exitCode = await run(process.argv.slice(2), {
    out: (text) => process.stdout.write(text),
    err: (line) => console.error(line),
    stdin: async () => {
      const chunks = []
      for await (const chunk of process.stdin) chunks.push(chunk)
      return new Uint8Array(Buffer.concat(chunks))
    },
  })
}
