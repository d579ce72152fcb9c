/** The isolated realm's program as one classic script (built by `build/realmProgram.ts`). */
declare module 'virtual:weft-realm-program' {
  const program: string
  export default program
}
