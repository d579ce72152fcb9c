import { mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, resolve, sep } from 'node:path'
import { pathProblem } from '../src/model/paths.ts'
import type { RunFile } from '../src/run/Runner.ts'

/** A run's files or folder cannot be laid out; the message names the path and why. */
export class RunFilesError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RunFilesError'
  }
}

/** `path` inside `root`, refusing anything that could land outside it (`..`, absolute, NUL, `\`). */
function inside(root: string, path: string): string {
  const problem = pathProblem(path)
  if (problem) throw new RunFilesError(`Refused file path ${JSON.stringify(path).slice(0, 120)}: ${problem}`)
  const target = resolve(root, path)
  if (!target.startsWith(root + sep))
    throw new RunFilesError(
      `Refused file path ${JSON.stringify(path).slice(0, 120)}: it points outside the run folder.`,
    )
  return target
}

/**
 * Writes `files` into the fresh, empty folder `root`. Every path is checked before anything is
 * written. Only folders and regular files are created (never links), and `wx` refuses to write
 * through anything already there, so nothing can escape `root`. The repository model keeps no file
 * modes, so files starting with `#!` are made executable: `./script.sh` then works as it would after a clone.
 */
export async function materialise(root: string, files: readonly RunFile[]): Promise<void> {
  const targets = files.map((file) => inside(root, file.path))
  for (const [i, file] of files.entries()) {
    const executable = file.bytes[0] === 0x23 && file.bytes[1] === 0x21
    try {
      await mkdir(dirname(targets[i]), { recursive: true })
      await writeFile(targets[i], file.bytes, { flag: 'wx', mode: executable ? 0o755 : 0o644 })
    } catch (error) {
      throw new RunFilesError(
        `Could not write ${JSON.stringify(file.path).slice(0, 120)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (a file and a folder with the same path?)`,
      )
    }
  }
}

/** The folder a run starts in: `cwd` from the spec, which must be a folder among the files. */
export async function runFolder(root: string, cwd: string | undefined): Promise<string> {
  if (cwd === undefined || cwd === '' || cwd === '.') return root
  const folder = inside(root, cwd.replace(/\/+$/, ''))
  const found = await stat(folder).catch(() => null)
  if (!found?.isDirectory())
    throw new RunFilesError(
      `The working folder ${JSON.stringify(cwd).slice(0, 120)} is not a folder of the branch.`,
    )
  return folder
}
