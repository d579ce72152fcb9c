import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { tempDir } from './helpers.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Resolves with the first match of `pattern` in the child's stdout. */
const waitFor = (child: ChildProcess, pattern: RegExp) =>
  new Promise<RegExpMatchArray>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const match = pattern.exec(out)
      if (match) resolve(match)
    })
    child.once('exit', () => reject(new Error(`exited before printing ${pattern}: ${out}`)))
  })

it('a client whose relay went away ends by itself once shut down (no reconnect timer left behind)', async () => {
  const relay = spawn(
    process.execPath,
    ['bin/weft.js', 'relay', '--port', '0', '--data', tempDir('weft-reconnect-')],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const [, url] = await waitFor(relay, /Weft relay on (http:\/\/\S+)/)
  const client = spawn(
    process.execPath,
    ['--import', 'tsx', 'tests/unit/fixtures/reconnectThenExit.ts', `${url.replace('http', 'ws')}/sync`],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const connected = waitFor(client, /connected/)
  const shutDown = waitFor(client, /shut down/)
  await connected
  relay.kill('SIGKILL')
  await shutDown
  const ended = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000)
    client.on('exit', () => {
      clearTimeout(timer)
      resolve(true)
    })
  })
  if (!ended) client.kill('SIGKILL')
  expect(ended).toBe(true)
}, 40_000)
