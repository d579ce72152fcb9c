/** The branch's files one at a time: `weft ls`, `cat`, `write`, `rm`, `mv`. */
import { decodeText } from '../../model/content.ts'
import { WeftError } from '../../model/errors.ts'
import type { Command } from '../io.ts'
import { withRepository } from '../session.ts'

export const ls: Command = (argv, io) =>
  withRepository('ls', argv, io, { readsOnly: true }, async ({ ws, branch, print }) => {
    const files = ws.entries(branch)
    print(files, () => files.map((e) => (e.type === 'dir' ? `${e.path}/` : e.path)).join('\n'))
    return 0
  })

export const cat: Command = (argv, io) =>
  withRepository(
    'cat',
    argv,
    io,
    { readsOnly: true },
    async ({ ws, branch, args, opts, need, entry, print }) => {
      need(1)
      const bytes = await ws.readBytes(branch, entry(args[0]).id)
      if (opts.json) print({ path: args[0], text: decodeText(bytes), bytes: bytes.length }, () => '')
      else io.out(new TextDecoder().decode(bytes))
      return 0
    },
  )

export const write: Command = (argv, io) =>
  withRepository('write', argv, io, {}, async ({ ws, branch, args, need }) => {
    need(1)
    const report = await ws.importFiles(branch, [{ path: args[0], bytes: await io.stdin() }])
    if (report.refused.length) throw new WeftError('bad-path', report.refused[0].reason)
    return 0
  })

export const rm: Command = (argv, io) =>
  withRepository('rm', argv, io, {}, async ({ ws, branch, args, need }) => {
    need(1)
    await ws.remove(branch, args[0])
    return 0
  })

export const mv: Command = (argv, io) =>
  withRepository('mv', argv, io, {}, async ({ ws, branch, args, need }) => {
    need(2)
    await ws.move(branch, args[0], args[1])
    return 0
  })
