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
import { Script } from 'node:vm'

/** Runs `weft merge-file|merge-driver ARGS` from the merge script at `scriptUrl`; returns the exit code. */
export async function runMergeCommand(scriptUrl, command, args) {
  const path = fileURLToPath(scriptUrl)
  const source = readFileSync(path, 'utf8')
  const { size, mtimeMs } = statSync(path)
  const cachePath = `${path}.${size}-${Math.round(mtimeMs)}-${process.version}.v8cache`
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
