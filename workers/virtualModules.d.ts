/** Pyodide's runtime folder in the build, and its files (written by `build/pyodideAssets.ts`). */
declare module 'virtual:weft-pyodide' {
  export const pyodideFolder: string
  export const pyodideFiles: readonly string[]
}
