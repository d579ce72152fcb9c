import { unzipSync, zipSync, type Zippable } from 'fflate'
import { oversize } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'
import { checkTree, inGitFolder, pathProblem } from '../model/paths.ts'
import type { ImportReport, IncomingFile } from './Workspace.ts'

/**
 * Reads a .zip into files, a `.git` folder left out. Entries with a path the path rule refuses (`../x`, `/etc/x`, `.git/…`)
 * and entries over the file size limit are refused, the latter by their declared size before they
 * are inflated, so a zip bomb costs nothing; folders are implied by file paths.
 */
export function readZip(bytes: Uint8Array): { files: IncomingFile[]; refused: ImportReport['refused'] } {
  const refused: ImportReport['refused'] = []
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(bytes, {
      filter: (file) => {
        // Git's own folder (a zip of a checkout) holds no working files.
        if (file.name.endsWith('/') || inGitFolder(file.name)) return false
        const problem = pathProblem(file.name)
        if (problem) {
          refused.push({ path: file.name, reason: problem })
          return false
        }
        const tooBig = oversize(file.originalSize)
        if (tooBig) {
          refused.push({ path: file.name, reason: tooBig })
          return false
        }
        return true
      },
    })
  } catch (error) {
    throw new WeftError(
      'bad-archive',
      `This .zip cannot be read (${(error as Error).message}); nothing was imported.`,
    )
  }
  return { files: Object.entries(entries).map(([path, data]) => ({ path, bytes: data })), refused }
}

/**
 * Writes files into a .zip. Whoever unzips it writes these paths to disk, so the whole list is held
 * to the path rule first (no `../`, absolute or colliding names: no zip slip); a bad path throws a
 * `bad-path` WeftError naming it and no archive is made.
 */
export function writeZip(files: IncomingFile[]): Uint8Array {
  checkTree(
    files.map((file, i) => ({ id: `#${i + 1}`, type: 'file' as const, path: file.path })),
    'The export',
  )
  const tree: Zippable = {}
  for (const file of files) tree[file.path] = [file.bytes, { level: 6 }]
  return zipSync(tree)
}
