import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startRelay, type Relay } from '../../relay/server.ts'
import { LocalRunner, runSocketProtocols, type RunSocket } from '../../src/run/localRunner.ts'
import { parseRunFrame, type RunFrame, type RunSpec } from '../../src/run/frames.ts'
import { encodeRunRequest } from '../../src/run/wire.ts'
import { tempDir } from './helpers.ts'
import { collect, runnerContract } from './runner-contract.ts'

/** The sync token (peers') and the runner's own token. */
const SYNC_TOKEN = 'sync-s3cret'
const TOKEN = 'runner-s3cret-0123456789abcdef'
const logged: string[] = []
let relay: Relay

beforeAll(async () => {
  const dir = tempDir('weft-runs-')
  relay = await startRelay({
    host: '127.0.0.1',
    port: 0,
    dataDir: join(dir, 'data'),
    token: SYNC_TOKEN,
    maxMessageBytes: 1024 * 1024,
    messagesPerSecond: 500,
    log: (line) => logged.push(line),
    runs: { token: TOKEN, killGraceMs: 500, maxRequestBytes: 256 * 1024, claimMs: 2_000 },
  })
})
afterAll(async () => {
  await relay?.close()
})

const connect = (url: string, protocols: string[]) => new WebSocket(url, protocols) as unknown as RunSocket
const runner = () => new LocalRunner({ relay: relay.url, token: TOKEN, connect })
const spec = (command: string, extra: Partial<RunSpec> = {}): RunSpec => ({
  command,
  repo: 'r',
  branch: 'main',
  ...extra,
})
const file = (path: string, text: string) => ({ path, bytes: new TextEncoder().encode(text) })

function post(body: string, token: string | null = TOKEN) {
  return fetch(`${relay.url}/runs`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  })
}

interface Watching {
  socket: WebSocket
  frames: RunFrame[]
  closed: Promise<void>
}

/** Posts a run; its id and the owner's single-use socket ticket. */
async function postRun(
  command: string,
  extra: Partial<RunSpec> = {},
): Promise<{ id: string; ticket: string }> {
  const response = await post(encodeRunRequest(spec(command, extra), []))
  expect(response.status).toBe(201)
  return (await response.json()) as { id: string; ticket: string }
}

/** A viewer's ticket for run `id`. */
async function viewerTicket(id: string): Promise<string> {
  const response = await fetch(`${relay.url}/runs/${id}/ticket`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${TOKEN}` },
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { ticket: string }).ticket
}

/** Opens `/runs/{id}` as a raw socket with `ticket`, recording its frames, or rejects with the HTTP status of a refusal. */
function open(id: string, ticket: string): Promise<Watching> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${relay.url.replace('http', 'ws')}/runs/${id}`, runSocketProtocols(ticket))
    const frames: RunFrame[] = []
    // Listening before 'open' resolves: the first frames can arrive in the same tick.
    socket.on('message', (data) => frames.push(parseRunFrame(String(data))))
    const closed = new Promise<void>((done) => socket.once('close', () => done()))
    socket.once('open', () => resolve({ socket, frames, closed }))
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    socket.once('error', reject)
  })
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Starts a run whose shell writes its own pid and two background grandchildren's pids to stdout. */
async function familyRun(extra: Partial<RunSpec> = {}) {
  const command = 'sleep 300 & echo "pid $!"; sleep 300 & echo "pid $!"; echo "pid $$"; wait'
  const { id, ticket } = await postRun(command, extra)
  const { socket, frames, closed } = await open(id, ticket)
  await expect
    .poll(
      () =>
        frames
          .map((f) => (f.type === 'stdout' ? f.data : ''))
          .join('')
          .match(/pid \d+/g)?.length ?? 0,
    )
    .toBe(3)
  const pids = [
    ...frames
      .map((f) => (f.type === 'stdout' ? f.data : ''))
      .join('')
      .matchAll(/pid (\d+)/g),
  ].map((m) => Number(m[1]))
  expect(pids.every(alive)).toBe(true)
  return { socket, frames, closed, pids }
}

describe('local runner (relay /runs)', () => {
  describe('frame contract', () => {
    runnerContract(() => ({
      runner: runner(),
      commands: {
        ordered: 'echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three; exit 3',
        forever: 'echo ready; while :; do sleep 1; done',
        readsFile: 'cat data/hello.txt',
      },
    }))
  })

  it('runs in the spec cwd with the spec env, and keeps the relay tokens out of it', async () => {
    process.env.WEFT_TOKEN = SYNC_TOKEN
    process.env.WEFT_RUNS_TOKEN = TOKEN
    try {
      const run = await runner().start(
        spec('pwd; echo "$GREETING"; echo "token=${WEFT_TOKEN:-none} ${WEFT_RUNS_TOKEN:-none}"', {
          cwd: 'sub',
          env: { GREETING: 'hi' },
        }),
        [file('sub/x.txt', 'x')],
      )
      const out = (await collect(run.frames())).map((f) => (f.type === 'stdout' ? f.data : '')).join('')
      expect(out).toMatch(/\/sub\nhi\ntoken=none none\n$/)
    } finally {
      delete process.env.WEFT_TOKEN
      delete process.env.WEFT_RUNS_TOKEN
    }
  })

  it('stop kills the whole process group, grandchildren included', async () => {
    const { socket, frames, closed, pids } = await familyRun()
    socket.send(JSON.stringify({ type: 'kill' }))
    await closed
    expect(frames.at(-1)).toMatchObject({ type: 'exit', reason: 'killed', signal: 'SIGTERM' })
    await expect.poll(() => pids.filter(alive)).toEqual([])
  })

  it('a disconnect of the owner kills the whole group', async () => {
    const { socket, pids } = await familyRun()
    socket.terminate()
    await expect.poll(() => pids.filter(alive)).toEqual([])
  })

  it('the time limit kills the whole group', async () => {
    const { frames, closed, pids } = await familyRun({ timeoutMs: 1_000 })
    await closed
    expect(frames.at(-1)).toMatchObject({ type: 'exit', reason: 'timeout' })
    await expect.poll(() => pids.filter(alive)).toEqual([])
  })

  it('stdin frames reach the command', async () => {
    const run = await runner().start(spec('read line; echo "got $line"'), [])
    const frames = collect(run.frames())
    run.stdin('typed\n')
    const out = (await frames).map((f) => (f.type === 'stdout' ? f.data : '')).join('')
    expect(out).toBe('got typed\n')
  })

  it('viewers who join late get the frames so far, then live ones; only the owner can stop the run', async () => {
    const { id, ticket } = await postRun('echo early; read x; echo late')
    const mine = await open(id, ticket)
    await expect.poll(() => mine.frames.length).toBe(2)
    const theirs = await open(id, await viewerTicket(id))
    await expect.poll(() => theirs.frames.length).toBe(2)
    theirs.socket.send(JSON.stringify({ type: 'kill' }))
    mine.socket.send(JSON.stringify({ type: 'stdin', data: 'go\n' }))
    await Promise.all([mine.closed, theirs.closed])
    expect(theirs.frames).toEqual(mine.frames)
    expect(theirs.frames.map((f) => f.type)).toEqual(['start', 'stdout', 'stdout', 'exit'])
    expect(theirs.frames.at(-1)).toMatchObject({ code: 0, reason: 'exited' })
  })

  it('refuses a file path that climbs out of the run folder, and writes nothing', async () => {
    for (const path of ['../escape.txt', '/etc/weft-escape', 'a/../../b', 'nul\0byte']) {
      const response = await post(JSON.stringify({ spec: spec('true'), files: { [path]: 'x' } }))
      expect(response.status).toBe(400)
      expect((await response.json()).error).toMatch(/^Refused file path/)
    }
  })

  it('refuses malformed requests and specs with a message', async () => {
    expect((await post('{not json')).status).toBe(400)
    const noCommand = await post(JSON.stringify({ spec: { repo: 'r', branch: 'b' }, files: {} }))
    expect(await noCommand.json()).toEqual({ error: 'Malformed run spec: the run spec needs a command.' })
    const badCwd = await post(encodeRunRequest(spec('true', { cwd: 'missing' }), []))
    expect((await badCwd.json()).error).toMatch(/not a folder of the branch/)
    const big = await post(encodeRunRequest(spec('true'), [file('big.txt', 'x'.repeat(300 * 1024))]))
    expect(big.status).toBe(413)
    expect((await big.json()).error).toBe("The run request is larger than the relay's limit of 256 KiB.")
  })

  it('refuses runs without the runner token, and run sockets without a fresh ticket for that run', async () => {
    expect((await post(encodeRunRequest(spec('true'), []), null)).status).toBe(401)
    expect((await post(encodeRunRequest(spec('true'), []), 'wrong')).status).toBe(401)
    const { id, ticket } = await postRun('read x')
    const other = await postRun('true')
    await expect(open(id, 'wrong')).rejects.toThrow('HTTP 401')
    await expect(open(id, other.ticket)).rejects.toThrow('HTTP 401') // a ticket opens only its own run
    await expect(open(id, TOKEN)).rejects.toThrow('HTTP 401') // the token itself is no ticket
    const owner = await open(id, ticket)
    await expect(open(id, ticket)).rejects.toThrow('HTTP 401') // single use
    await expect(open('no-such-run', ticket)).rejects.toThrow('HTTP 404')
    owner.socket.close()
    await owner.closed
  })

  it('relays and sync share the server: /sync still answers', async () => {
    const socket = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`${relay.url.replace('http', 'ws')}/sync?token=${SYNC_TOKEN}`)
      s.once('open', () => resolve(s))
      s.once('error', reject)
    })
    socket.close()
  })

  it('handles 50 concurrent runs', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const run = await runner().start(spec(`echo run-${i}`), [])
        return collect(run.frames())
      }),
    )
    results.forEach((frames, i) => {
      expect(frames.map((f) => (f.type === 'stdout' ? f.data : '')).join('')).toBe(`run-${i}\n`)
      expect(frames.at(-1)).toMatchObject({ type: 'exit', code: 0 })
    })
  })

  it('is off unless enabled, and its token cannot be the sync token', async () => {
    const dir = tempDir('weft-runs-off-')
    const plain = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dir, 'a'),
      token: SYNC_TOKEN,
      maxMessageBytes: 1024,
      messagesPerSecond: 10,
      log: () => {},
    })
    try {
      const response = await fetch(`${plain.url}/runs`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${TOKEN}` },
        body: '{}',
      })
      expect(response.status).toBe(404)
      await expect(
        new LocalRunner({ relay: plain.url, token: TOKEN, connect }).start(spec('true'), []),
      ).rejects.toThrow(/does not run commands/)
    } finally {
      await plain.close()
    }
    await expect(
      startRelay({
        host: '127.0.0.1',
        port: 0,
        dataDir: join(dir, 'b'),
        token: SYNC_TOKEN,
        maxMessageBytes: 1024,
        messagesPerSecond: 10,
        runs: { token: SYNC_TOKEN },
      }),
    ).rejects.toThrow(/must differ from the sync token/)
  })

  it('kills every running group when the relay closes', async () => {
    const dir = tempDir('weft-runs-close-')
    const own = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: join(dir, 'data'),
      maxMessageBytes: 1024 * 1024,
      messagesPerSecond: 500,
      log: () => {},
      runs: { token: TOKEN },
    })
    const run = await new LocalRunner({ relay: own.url, token: TOKEN, connect }).start(
      spec('sleep 300 & echo "pid $!"; wait'),
      [],
    )
    let pid = 0
    const frames = collect(run.frames(), (frame) => {
      if (frame.type === 'stdout') pid = Number(/pid (\d+)/.exec(frame.data)?.[1])
    })
    await expect.poll(() => pid).toBeGreaterThan(0)
    await own.close()
    expect((await frames).at(-1)).toMatchObject({ type: 'exit' })
    await expect.poll(() => alive(pid)).toBe(false)
  })

  it('removes the run folder when the run ends', async () => {
    const run = await runner().start(spec('pwd'), [file('f.txt', 'x')])
    const frames = await collect(run.frames())
    const folder = frames
      .map((f) => (f.type === 'stdout' ? f.data : ''))
      .join('')
      .trim()
    await expect
      .poll(() => {
        try {
          readFileSync(join(folder, 'f.txt'))
          return true
        } catch {
          return false
        }
      })
      .toBe(false)
  })
})
