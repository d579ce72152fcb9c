import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

/**
 * Builds the app into `outDir` (not `dist/`, so a benchmark never races a build or test run that
 * uses it). Source maps let a long task's script position be traced back to a source line.
 */
export function buildApp(root: string, outDir: string): void {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js')
  const result = spawnSync(
    process.execPath,
    [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--sourcemap', '--logLevel', 'warn'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  if (result.status !== 0)
    throw new Error(`vite build failed (${result.status}):\n${result.stdout}\n${result.stderr}`)
}

export interface RunningRelay {
  url: string
  pid: number
  stop(): Promise<void>
}

export interface RelayOptions {
  /** More `weft relay` flags, e.g. `--max-messages-per-second 1000`. */
  args?: string[]
  /** Flags for Node itself, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS). */
  nodeArgs?: string[]
  /** Receives each line the relay prints; by default they are echoed to stderr. */
  onLine?: (line: string) => void
}

const READY = /Weft relay on (http:\/\/\S+)/

/** Starts `weft relay` on a free port (port 0: the OS picks it, so no race for a port number). */
export async function startRelay(
  root: string,
  staticDir: string,
  dataDir: string,
  options: RelayOptions = {},
): Promise<RunningRelay> {
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      'bin/weft.js',
      'relay',
      '--port',
      '0',
      '--data',
      dataDir,
      '--static',
      staticDir,
      ...(options.args ?? []),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  // The relay logs little besides trouble (refused or broken sync sockets): pass it all on.
  const lines: string[] = []
  const onLine = options.onLine ?? ((line: string) => process.stderr.write(`  relay: ${line}\n`))
  const echo = (chunk: Buffer) => {
    const fresh = chunk.toString().split('\n').filter(Boolean)
    for (const line of fresh) onLine(line)
    lines.push(...fresh)
    lines.splice(0, lines.length - 50)
  }
  child.stdout!.on('data', echo)
  child.stderr!.on('data', echo)
  const relay: RunningRelay = { url: '', pid: child.pid!, stop: () => stopChild(child) }
  try {
    relay.url = await readyUrl(child, lines)
  } catch (error) {
    await relay.stop()
    throw error
  }
  return relay
}

function readyUrl(child: ChildProcess, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('The relay did not start within 30 s.')), 30_000)
    const onData = () => {
      const match = lines.map((l) => READY.exec(l)).find(Boolean)
      if (match) {
        cleanup()
        resolve(match[1])
      }
    }
    const onExit = (code: number | null) =>
      fail(new Error(`The relay exited (${code}) before it was ready:\n${lines.join('\n')}`))
    const fail = (error: Error) => {
      cleanup()
      reject(error)
    }
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout!.off('data', onData)
      child.off('exit', onExit)
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}

/** SIGTERM by pid (the relay flushes and exits), SIGKILL if it has not gone within 5 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  process.kill(child.pid!, 'SIGTERM')
  const timer = setTimeout(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
  }, 5_000)
  await exited
  clearTimeout(timer)
}
