#!/usr/bin/env node
// git's remote helper for `weft::LINK` URLs: git runs `git-remote-weft REMOTE URL` with $GIT_DIR set
// and speaks the remote-helper protocol on stdin/stdout (src/cli/commands/gitRemote.ts). It runs the
// Node build of the CLI (dist-node/, made by `npm run build`), as bin/weft.js does.
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'

const built = new URL('../dist-node/', import.meta.url)
if (!existsSync(built)) {
  console.error('git-remote-weft: Weft is not built yet; run `npm run build` in the Weft folder first.')
  process.exit(2)
}
const { run } = await import(new URL('src/cli/main.js', built).href)
process.exitCode = await run(['remote-helper', ...process.argv.slice(2)], {
  out: (text) => process.stdout.write(text),
  err: (line) => console.error(line),
  stdin: async () => new Uint8Array(),
  lines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
})
