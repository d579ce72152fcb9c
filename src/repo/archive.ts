import { unzipSync, zipSync, type Zippable } from 'fflate'
import { formatBytes, MAX_FILE_BYTES } from './content.ts'
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
        if (file.originalSize > MAX_FILE_BYTES) {
          refused.push({ path: file.name, reason: `${formatBytes(file.originalSize)} is over the ${formatBytes(MAX_FILE_BYTES)} file size limit.` })
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
