/** `weft checkout DIR` and `weft sync DIR`: the branch as a plain folder on disk (see ../folder.ts). */
import { checkout as checkoutFolder, sync as syncFolder, type FolderContext } from '../folder.ts'
import type { Command } from '../io.ts'
import { withRepository, type RepositorySession } from '../session.ts'

const folderContext = (
  { ws, vc, branch, opts, print, io }: RepositorySession,
  command: string,
): FolderContext => ({
  ws,
  vc,
  branch,
  branchGiven: opts.branch !== undefined,
  print,
  warn: (line) => io.err(`weft ${command}: ${line}`),
})

export const checkout: Command = (argv, io) =>
  withRepository('checkout', argv, io, {}, async (session) => {
    session.need(1)
    return await checkoutFolder(session.args[0], folderContext(session, 'checkout'))
  })

export const sync: Command = (argv, io) =>
  withRepository('sync', argv, io, {}, async (session) => {
    session.need(1)
    return await syncFolder(session.args[0], folderContext(session, 'sync'))
  })
