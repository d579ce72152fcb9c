#!/usr/bin/env node
// The `weft` command: runs the Node build of the CLI and the relay (dist-node/, made by `npm run build`).
// It imports nothing a command does not need: each command's chunk loads what it uses (Automerge only
// for the commands that open repositories), so `weft merge-file` stays fast as a git merge driver;
// the merge commands run from one script compiled with V8's code cache (bin/mergeCommand.js).
import { existsSync } from 'node:fs'
import { setFlagsFromString } from 'node:v8'

const built = new URL('../dist-node/', import.meta.url)
if (!existsSync(built)) {
  console.error('weft: not built yet; run `npm run build` in the Weft folder first.')
  process.exit(2)
}
const [command, ...args] = process.argv.slice(2)
// One file per process as git's merge driver: V8's optimising tier for the grammars' wasm would
// compile in the background, and the process would wait for it at exit (about 50 ms of a 150 ms
// merge) for code it never runs. The baseline compiler alone is faster end to end.
// The same holds for a one-shot `weft repl` command and Automerge's wasm: the optimising tier's
// background compiles doubled its CPU time and, on a busy machine, its wall time.
// A long-lived `weft repl serve` keeps the optimising tier for its many jobs.
const oneShotRepl = command === 'repl' && !args.includes('serve')
if (command === 'merge-file' || command === 'merge-driver' || oneShotRepl)
  setFlagsFromString('--liftoff-only')
// `weft relay list|add|remove` manage the profile's relays; any other `weft relay` runs one.
if (command === 'merge-file' || command === 'merge-driver') {
  const { runMergeCommand } = await import('./mergeCommand.js')
  process.exitCode = await runMergeCommand(new URL('merge/mergeFile.cjs', built), command, args)
} else if (command === 'relay' && !['list', 'add', 'remove'].includes(args[0])) {
  const { main } = await import(new URL('relay/main.js', built).href)
  await main(args)
} else {
  const { run } = await import(new URL('src/cli/main.js', built).href)
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
