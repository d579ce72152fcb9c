import { existsSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'

interface Script {
  text: string
  map: SourceMap
  mapDir: string
}

/**
 * Turns a built script's URL and character offset (what the Long Animation Frames API reports)
 * into the original source position, with the build's source maps.
 */
export class SourceLocator {
  readonly #appDir: string
  readonly #root: string
  readonly #scripts = new Map<string, Script | null>()

  constructor(appDir: string, root: string) {
    this.#appDir = appDir
    this.#root = root
  }

  /** `src/ui/lib/tree.ts:42 buildTree`, or null when the script or its map is unknown. */
  locate(url: string, charPosition: number): string | null {
    if (!url || charPosition < 0) return null
    const script = this.#script(new URL(url).pathname)
    if (!script) return null
    const before = script.text.slice(0, charPosition)
    const line = before.split('\n').length - 1
    const column = charPosition - (before.lastIndexOf('\n') + 1)
    const entry = script.map.findEntry(line, column)
    if (!('originalSource' in entry)) return null
    const source = relative(this.#root, resolve(script.mapDir, entry.originalSource))
    // Node 20's types lack the mapping's name, which it does return.
    const name = (entry as { name?: string }).name
    return `${source}:${entry.originalLine + 1}${name ? ` ${name}` : ''}`
  }

  #script(pathname: string): Script | null {
    if (!this.#scripts.has(pathname)) this.#scripts.set(pathname, this.#load(join(this.#appDir, pathname)))
    return this.#scripts.get(pathname)!
  }

  #load(file: string): Script | null {
    if (!existsSync(file) || !existsSync(`${file}.map`)) return null
    return {
      text: readFileSync(file, 'utf8'),
      map: new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))),
      mapDir: dirname(file),
    }
  }
}
