// `weft merge-file` and `weft merge-driver` as git runs them, once per file: the Node build's merge
// script (dist-node/merge/mergeFile.cjs, one CommonJS file with web-tree-sitter inside) compiled
// by node:vm with V8's code cache. ES modules on Node 20 are compiled afresh in every process;
// with the cache, the JavaScript a merge runs is neither parsed nor compiled again (about 20 ms of
// a 120 ms process on this 2-core machine). The first merge after a build, or after Node changed,
// writes the cache beside the script; a cache V8 rejects is only slower, never wrong, and is
// written again. The cache's name holds the script's size and modification time and Node's
// version, so a rebuilt script never meets a cache of another (V8 itself checks little more than
// the source's length). Not a hash of the script: node:crypto alone takes a few ms to load.
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { Script } from 'node:vm'

/**
 * Up to this many bytes in the three versions together, V8 runs the merge's JavaScript without its
 * optimising compiler: in a process that merges one file, TurboFan's background compiles cost more
 * CPU than they save (replay cases in one alternating run: CPU per file median 152 -> 131 ms, p95
 * 328 -> 285 ms, same results). A larger merge keeps it: its engine work is long enough to pay
 * back, and its structured merge has a time budget it must not run out of.
 */
const UNOPTIMISED_UP_TO_BYTES = 1 << 20

/** The three versions' size in bytes; Infinity when one cannot be read (the command then says why). */
function inputBytes(paths) {
  try {
    return paths.reduce((sum, path) => sum + statSync(path).size, 0)
  } catch {
    return Infinity
  }
}

/** Runs `weft merge-file|merge-driver ARGS` from the merge script at `scriptUrl`; returns the exit code. */
export async function runMergeCommand(scriptUrl, command, args) {
  const path = fileURLToPath(scriptUrl)
  let source
  try {
    source = readFileSync(path, 'utf8')
  } catch {
    // A build from before the merge script existed: exit 2, as git takes any error of a driver.
    console.error(`weft ${command}: ${path} is missing; run \`npm run build\` in the Weft folder.`)
    return 2
  }
  const { size, mtimeMs } = statSync(path)
  // V8 rejects a cache made under other flags: each tier has its own.
  const tier = inputBytes(args.slice(0, 3)) <= UNOPTIMISED_UP_TO_BYTES ? 'unoptimised' : 'optimised'
  if (tier === 'unoptimised') setFlagsFromString('--no-opt')
  const cachePath = `${path}.${size}-${Math.round(mtimeMs)}-${process.version}-${tier}.v8cache`
  let cachedData
  try {
    cachedData = readFileSync(cachePath)
  } catch {
    cachedData = undefined
  }
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __weftModuleUrl, __weftRequire) {${source}\n})`,
    { filename: path, cachedData },
  )
  const module = { exports: {} }
  const require = createRequire(path)
  script.runInThisContext()(module.exports, require, module, path, dirname(path), scriptUrl.href, require)
  const { mergeFile, mergeDriver } = module.exports
  const err = (line) => console.error(line)
  const code =
    command === 'merge-file'
      ? await mergeFile(args, (text) => process.stdout.write(text), err)
      : await mergeDriver(args, err)
  // After the merge, so the cache holds the functions it compiled, not only the top level.
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      const temporary = `${cachePath}.${process.pid}`
      writeFileSync(temporary, script.createCachedData())
      renameSync(temporary, cachePath)
    } catch {
      // A read-only install merges as fast as before the cache, no faster.
    }
  }
  return code
}
