import type { FileSystemTree, WebContainer } from '@webcontainer/api'
import { FrameLog } from './FrameLog.ts'
import { parseRunSpec, runFolderOf, type RunSpec } from './frames.ts'
import { RunnerUnavailable, type Run, type RunFile, type Runner } from './Runner.ts'

/** `boot()` loads a hosted runtime; offline it never settles, so it gets this long. */
export const BOOT_TIMEOUT_MS = 20_000

/** The branch's files as the nested tree `WebContainer.mount` takes. */
export function toFileTree(files: readonly RunFile[]): FileSystemTree {
  const root: FileSystemTree = {}
  for (const { path, bytes } of files) {
    const parts = path.split('/')
    let folder = root
    for (const part of parts.slice(0, -1)) {
      const node = (folder[part] ??= { directory: {} })
      if (!('directory' in node))
        throw new Error(`"${path}" needs "${part}" to be a folder, but it is a file.`)
      folder = node.directory
    }
    folder[parts.at(-1)!] = { file: { contents: bytes } }
  }
  return root
}

/** The folder a branch is mounted in: stable per repository and branch, so installed packages stay between runs. */
export function branchFolder(repo: string, branch: string): string {
  return `${repo}-${branch}`.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 120)
}

/** One WebContainer per page, booted on first use; a failed or timed-out boot is remembered for the page's life. */
let booting: Promise<WebContainer> | null = null

/** Resolves once a WebContainer is up on this page, or rejects with why it cannot be (RunnerUnavailable). */
export function bootWebContainer(): Promise<WebContainer> {
  booting ??= (async () => {
    const { WebContainer } = await import('@webcontainer/api')
    let timer: ReturnType<typeof setTimeout> | undefined
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new RunnerUnavailable(
              'webcontainer',
              `its runtime did not load within ${BOOT_TIMEOUT_MS / 1000} s (it is fetched from StackBlitz and needs the network).`,
            ),
          ),
        BOOT_TIMEOUT_MS,
      )
    })
    try {
      return await Promise.race([WebContainer.boot({ coep: 'require-corp', workdirName: 'weft' }), timedOut])
    } catch (error) {
      throw error instanceof RunnerUnavailable
        ? error
        : new RunnerUnavailable('webcontainer', (error as Error).message)
    } finally {
      clearTimeout(timer)
    }
  })()
  return booting
}

/**
 * Runs commands in a StackBlitz WebContainer (Node.js in the browser, with npm): the branch is
 * mounted into its folder and the command spawned with `jsh -c`. WebContainers give one merged
 * terminal stream, so all output arrives as `stdout`. `start` rejects with RunnerUnavailable when
 * the WebContainer cannot boot (offline, or the page is not cross-origin isolated).
 */
export class WebContainerRunner implements Runner {
  readonly backend = 'webcontainer' as const

  async start(given: RunSpec, files: readonly RunFile[]): Promise<Run> {
    // The spec (its folder above all) may come from a document: checked as the relay checks it.
    const spec = parseRunSpec(given)
    const container = await bootWebContainer()
    const folder = branchFolder(spec.repo, spec.branch)
    await container.fs.mkdir(folder, { recursive: true })
    await container.mount(toFileTree(files), { mountPoint: folder })
    const cwd = runFolderOf(spec.cwd) ? `${folder}/${runFolderOf(spec.cwd)}` : folder
    const process = await container.spawn('jsh', ['-c', spec.command], { cwd, env: spec.env })
    const log = new FrameLog(crypto.randomUUID(), 'webcontainer')
    let reason: 'exited' | 'killed' | 'timeout' = 'exited'
    const timeout = spec.timeoutMs ? setTimeout(() => stop('timeout'), spec.timeoutMs) : undefined
    const stop = (why: 'killed' | 'timeout') => {
      if (log.exit) return
      reason = why
      clearTimeout(timeout)
      process.kill()
      // A killed process's exit promise may never settle: end the run now.
      log.finish(null, null, why)
    }
    void process.output
      .pipeTo(new WritableStream({ write: (chunk) => log.output('stdout', chunk) }))
      .catch(() => {})
    void process.exit.then((code) => {
      clearTimeout(timeout)
      log.finish(code, null, reason)
    })
    const input = process.input.getWriter()
    return {
      id: log.start.id,
      frames: () => log.frames(),
      stdin: (data) => {
        if (!log.exit) void input.write(data).catch(() => {})
      },
      kill: () => stop('killed'),
    }
  }
}
