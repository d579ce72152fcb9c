import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/cli/commandTable.ts'
import { run, USAGE } from '../../src/cli/main.ts'
import { weft } from './cliHarness.ts'
import { tempDir } from './helpers.ts'

describe('the command table', () => {
  it('weft help lists every command of the table, each synopsis on a line of its own', async () => {
    const { code, out } = await weft(tempDir(), ['help'])
    expect(code).toBe(0)
    const lines = out.split('\n').map((line) => line.trim())
    for (const { help } of COMMANDS)
      for (const synopsis of Object.keys(help))
        expect(lines.some((line) => line.startsWith(`${synopsis} `) || line === synopsis)).toBe(true)
  })

  it('refuses an unknown command with exit 2 before the profile is opened', async () => {
    const home = join(tempDir(), 'profile')
    const { code, errors } = await weft(home, ['frobnicate', '--no-such-flag'])
    expect(code).toBe(2)
    expect(errors[0]).toMatch(/^weft: unknown command "frobnicate"\nUsage: weft COMMAND/)
    expect(existsSync(home)).toBe(false)
  })

  it('gives the usage on stderr with exit 2 when no command is given', async () => {
    let out = ''
    const errors: string[] = []
    const code = await run([], {
      out: (text) => (out += text),
      err: (line) => errors.push(line),
      stdin: async () => new Uint8Array(),
    })
    expect({ code, out }).toEqual({ code: 2, out: '' })
    expect(errors).toEqual([USAGE])
  })
})
