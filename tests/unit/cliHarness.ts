import { run } from '../../src/cli/main.ts'

/** Runs `weft ARGS` in-process against a profile folder; stdin as given. */
export async function weft(home: string, args: string[], stdin = '') {
  let out = ''
  const errors: string[] = []
  const code = await run([...args, '--home', home], {
    out: (text) => {
      out += text
    },
    err: (line) => errors.push(line),
    stdin: async () => new TextEncoder().encode(stdin),
  })
  return { code, out, errors }
}
