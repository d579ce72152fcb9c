/** The branch's working files one at a time, as `weft ls`, `cat`, `write`, `mv`, `rm`. */
import { z } from 'zod'
import { decodeText, encodeText } from '../../model/content.ts'
import { WeftError } from '../../model/errors.ts'
import { TARGET, tool } from './tool.ts'

const PATH = z
  .string()
  .min(1)
  .describe('A path from the repository root, with "/" between folders: src/main.ts.')

export const fileTools = [
  tool({
    name: 'files_list',
    description: 'Every file and folder on the branch (working files: shared live, committed or not).',
    input: TARGET,
    readOnly: true,
    run: async (target, { repository }) => {
      const { ws, branch } = await repository(target)
      return ws.entries(branch).map((e) => ({ path: e.path, type: e.type }))
    },
  }),
  tool({
    name: 'file_read',
    description:
      "A file's text as it is now on the branch (live edits included). A binary file is reported by size only.",
    input: { ...TARGET, path: PATH },
    readOnly: true,
    run: async ({ path, ...target }, { repository }) => {
      const { ws, branch, entry } = await repository(target)
      const bytes = await ws.readBytes(branch, entry(path).id)
      const text = decodeText(bytes)
      return text === null ? { path, binary: true, bytes: bytes.length } : { path, text }
    },
  }),
  tool({
    name: 'file_write',
    description:
      'Write a text file on the branch, creating it (and its folders) or replacing it, as `weft write PATH`. Peers see it at once; commit to record it.',
    input: { ...TARGET, path: PATH, text: z.string().describe("The file's whole new content.") },
    run: async ({ path, text, ...target }, { repository }) => {
      const { ws, branch } = await repository(target)
      const report = await ws.importFiles(branch, [{ path, bytes: encodeText(text) }])
      if (report.refused.length) throw new WeftError('bad-path', report.refused[0].reason)
      return { path, written: true, created: report.added === 1 }
    },
  }),
  tool({
    name: 'file_move',
    description: 'Move or rename a file or folder on the branch, as `weft mv FROM TO`.',
    input: { ...TARGET, from: PATH, to: PATH },
    run: async ({ from, to, ...target }, { repository }) => {
      const { ws, branch } = await repository(target)
      await ws.move(branch, from, to)
      return { from, to, moved: true }
    },
  }),
  tool({
    name: 'file_delete',
    description: 'Delete a file or folder on the branch, as `weft rm PATH`.',
    input: { ...TARGET, path: PATH },
    run: async ({ path, ...target }, { repository }) => {
      const { ws, branch } = await repository(target)
      await ws.remove(branch, path)
      return { path, deleted: true }
    },
  }),
]
