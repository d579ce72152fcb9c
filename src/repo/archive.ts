import { unzipSync, zipSync, type Zippable } from 'fflate'
import { oversize } from './content.ts'
import { WeftError } from './errors.ts'
import type { ImportReport, IncomingFile } from './Workspace.ts'

/**
 * Reads a .zip into files. Entries over the file size limit are refused by their declared size
 * before they are inflated, so a zip bomb costs nothing; folders are implied by file paths.
 */
export function readZip(bytes: Uint8Array): { files: IncomingFile[]; refused: ImportReport['refused'] } {
  const refused: ImportReport['refused'] = []
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        if (file.name.endsWith('/')) return false
        const tooBig = oversize(file.originalSize)
        if (tooBig) {
          refused.push({ path: file.name, reason: tooBig })
          return false
        }
        return true
      },
    })
  } catch (error) {
    throw new WeftError('bad-archive', `This .zip cannot be read (${(error as Error).message}); nothing was imported.`)
  }
  return { files: Object.entries(entries).map(([path, data]) => ({ path, bytes: data })), refused }
}

/** Writes files into a .zip, paths as given. */
export function writeZip(files: IncomingFile[]): Uint8Array {
  const tree: Zippable = {}
  for (const file of files) tree[file.path] = [file.bytes, { level: 6 }]
  return zipSync(tree)
}
