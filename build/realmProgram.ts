import { fileURLToPath } from 'node:url'
import { build, type Plugin, type Rollup } from 'vite'

const VIRTUAL = 'virtual:weft-realm-program'
const ENTRY = fileURLToPath(new URL('../src/repl/browser/realmProgram.ts', import.meta.url))

/**
 * `import program from 'virtual:weft-realm-program'`: the isolated realm's program
 * (`src/repl/browser/realmProgram.ts`) bundled into one classic script, as a string. A sandboxed frame or
 * a `data:` worker has an opaque origin, so it cannot load the app's modules; it is handed this
 * text instead (in development too, where the app's own modules are not bundled).
 */
export function realmProgram(): Plugin {
  return {
    name: 'weft-realm-program',
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : null),
    async load(id) {
      if (id !== `\0${VIRTUAL}`) return null
      const result = (await build({
        configFile: false,
        logLevel: 'silent',
        build: {
          write: false,
          target: 'es2022',
          minify: true,
          lib: { entry: ENTRY, formats: ['iife'], name: 'weftRealm' },
        },
      })) as Rollup.RollupOutput | Rollup.RollupOutput[]
      const chunk = (Array.isArray(result) ? result[0] : result).output[0]
      for (const file of chunk.moduleIds) if (!file.startsWith('\0')) this.addWatchFile(file)
      return `export default ${JSON.stringify(chunk.code)}`
    },
  }
}
