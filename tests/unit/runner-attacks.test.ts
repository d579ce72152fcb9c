import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { request, type IncomingHttpHeaders } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeRunRequest } from '../../src/run/wire.ts'
import { tempDir } from './helpers.ts'

/**
 * The local runner attacked as a collaborator, a web page and a DNS-rebinding page would: a real
 * relay child process (`weft relay --runs`), raw HTTP so every header is the attacker's choice, and
 * a marker file that exists only if a command really ran.
 */

const SYNC_TOKEN = 'sync-token-in-every-share-link'
const EVIL_ORIGIN = 'http://evil.example'

interface Started {
  child: ChildProcess
  port: number
  output: () => string
  exited: Promise<number | null>
}

/** `weft relay ARGS` as a child process; resolves once it listens (or rejects with its output). */
function startRelay(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const child = spawn(process.execPath, ['bin/weft.js', 'relay', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WEFT_RUNS_TOKEN: '', ...env },
  })
  let out = ''
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = /Weft relay on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
      if (match) resolve({ child, port: Number(match[1]), output: () => out, exited })
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    void exited.then((code) => reject(new Error(`relay exited (${code}):\n${out}`)))
  })
}

async function stop(relay: Started | undefined): Promise<void> {
  if (!relay || relay.child.exitCode !== null) return
  relay.child.kill('SIGTERM')
  await relay.exited
}

interface Answer {
  status: number
  headers: IncomingHttpHeaders
  body: string
}

/** Request headers with Host defaulting to the relay's own; `Host: ''` sends none at all. */
function withHost(port: number, headers: Record<string, string>) {
  const all: Record<string, string> = { Host: `127.0.0.1:${port}`, ...headers }
  if (all.Host !== '') return { headers: all }
  delete all.Host
  return { headers: all, setHost: false }
}

/** One HTTP request to the relay with exactly these headers (Host and Origin included). */
function http(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, ...withHost(port, headers) }, (res) => {
      let text = ''
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** A WebSocket upgrade to `path` with these headers: 101 when the relay accepted it, else its refusal status. */
function upgrade(port: number, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path,
      ...withHost(port, {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('attackerattacker').toString('base64'),
        ...headers,
      }),
    })
    req.on('upgrade', (_res, socket) => {
      // Hold the socket open briefly so an accepted run gets to start, as a real attacker would.
      setTimeout(() => {
        socket.destroy()
        resolve(101)
      }, 500)
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode!)
    })
    req.on('error', reject)
    req.end()
  })
}

/** A run request whose command leaves `marker` behind if it ever runs. */
const touching = (marker: string) =>
  encodeRunRequest({ command: `touch ${marker}`, repo: 'r', branch: 'main' }, [])

/**
 * The whole attack: POST a run with these headers; if the relay takes it, open its socket with the
 * same headers, the ticket it got and (as an attacker tries everything) the token it used in the
 * URL. Returns the POST's status and the upgrade's, and whether the command ran.
 */
async function attack(
  port: number,
  headers: Record<string, string>,
  query = '',
  tokenInSocketUrl = true,
): Promise<{ post: number; socket: number | null; ran: boolean }> {
  const marker = join(tempDir('weft-attack-'), 'ran')
  const post = await http(
    port,
    'POST',
    `/runs${query}`,
    { 'Content-Type': 'application/json', ...headers },
    touching(marker),
  )
  let socket: number | null = null
  if (post.status === 201) {
    const { id, ticket } = JSON.parse(post.body) as { id: string; ticket?: string }
    const { Authorization: authorization, ...rest } = headers
    const used = query || (authorization ? `?token=${authorization.replace('Bearer ', '')}` : '')
    socket = await upgrade(port, `/runs/${id}${tokenInSocketUrl ? used : ''}`, {
      ...rest,
      ...(ticket ? { 'Sec-WebSocket-Protocol': `weft-run, weft-ticket.${ticket}` } : {}),
    })
    if (socket === 101) await expect.poll(() => existsSync(marker), { timeout: 3_000 }).toBe(true)
  }
  return { post: post.status, socket, ran: existsSync(marker) }
}

describe('the local runner, attacked (a relay child process with --runs)', () => {
  let relay: Started
  let runnerToken: string
  let dataDir: string
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` })

  beforeAll(async () => {
    dataDir = tempDir('weft-attack-relay-')
    relay = await startRelay(['--data', dataDir, '--token', SYNC_TOKEN, '--runs'])
    runnerToken = readFileSync(join(dataDir, 'runs-token'), 'utf8').trim()
  })
  afterAll(() => stop(relay))

  it('keeps its own token in a file only its user can read, and prints where, never the token', async () => {
    expect(runnerToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(runnerToken).not.toBe(SYNC_TOKEN)
    expect(statSync(join(dataDir, 'runs-token')).mode & 0o777).toBe(0o600)
    await expect
      .poll(() => relay.output())
      .toContain(`Runner token written to ${join(dataDir, 'runs-token')} (mode 0600)`)
    expect(relay.output()).not.toContain(runnerToken)
  })

  it('the legitimate path works: the runner token in Authorization, the ticket on the socket', async () => {
    expect(await attack(relay.port, bearer(runnerToken), '', false)).toEqual({
      post: 201,
      socket: 101,
      ran: true,
    })
  })

  it('answers to every loopback name with its own port, as the page that name serves', async () => {
    for (const name of ['localhost', 'LocalHost', '[::1]', '127.0.0.1']) {
      const host = `${name}:${relay.port}`
      expect(
        await attack(relay.port, { ...bearer(runnerToken), Host: host, Origin: `http://${host}` }, '', false),
      ).toEqual({ post: 201, socket: 101, ran: true })
    }
    // No Host at all: Node's HTTP server itself answers 400.
    expect(await attack(relay.port, { ...bearer(runnerToken), Host: '' })).toMatchObject({
      post: 400,
      ran: false,
    })
    for (const host of [
      'localhost:',
      `localhost:${relay.port}:1`,
      `user@localhost:${relay.port}`,
      `127.0.0.1.attacker.example:${relay.port}`,
    ])
      expect(await attack(relay.port, { ...bearer(runnerToken), Host: host }), host).toMatchObject({
        post: 403,
        ran: false,
      })
  })

  it('(1) a collaborator with the sync token (what every Share link carries) cannot run commands', async () => {
    expect(await attack(relay.port, bearer(SYNC_TOKEN))).toMatchObject({ post: 401, ran: false })
    expect(await attack(relay.port, {}, `?token=${SYNC_TOKEN}`)).toMatchObject({ post: 401, ran: false })
  })

  it('(2) a page on another origin is refused even with the runner token, on POST and on the socket', async () => {
    const refused = await http(
      relay.port,
      'POST',
      '/runs',
      { ...bearer(runnerToken), Origin: EVIL_ORIGIN, 'Content-Type': 'application/json' },
      touching('/nonexistent/x'),
    )
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.body).error).toMatch(
      /refuses requests from other origins \("http:\/\/evil\.example"\)/,
    )
    expect(await attack(relay.port, { ...bearer(runnerToken), Origin: EVIL_ORIGIN })).toMatchObject({
      post: 403,
      ran: false,
    })
    expect(await attack(relay.port, { ...bearer(runnerToken), Origin: 'null' })).toMatchObject({
      post: 403,
      ran: false,
    })
    // A run posted properly, whose socket a foreign page then tries to open with the ticket.
    const marker = join(tempDir('weft-attack-'), 'ran')
    const posted = await http(
      relay.port,
      'POST',
      '/runs',
      { ...bearer(runnerToken), 'Content-Type': 'application/json' },
      touching(marker),
    )
    const { id, ticket } = JSON.parse(posted.body) as { id: string; ticket: string }
    expect(
      await upgrade(relay.port, `/runs/${id}?token=${runnerToken}`, {
        Origin: EVIL_ORIGIN,
        'Sec-WebSocket-Protocol': `weft-run, weft-ticket.${ticket}`,
      }),
    ).toBe(403)
    expect(existsSync(marker)).toBe(false)
  })

  it('(3) a DNS-rebound page (Host: attacker.example) is refused even with the right token and its own origin', async () => {
    const rebound = { ...bearer(runnerToken), Host: 'attacker.example', Origin: 'http://attacker.example' }
    const refused = await http(
      relay.port,
      'POST',
      '/runs',
      { ...rebound, 'Content-Type': 'application/json' },
      touching('/nonexistent/x'),
    )
    expect(refused.status).toBe(403)
    expect(JSON.parse(refused.body).error).toMatch(/refuses Host "attacker\.example"/)
    expect(await attack(relay.port, rebound)).toMatchObject({ post: 403, ran: false })
    expect(
      await attack(relay.port, { ...bearer(runnerToken), Host: `attacker.example:${relay.port}` }),
    ).toMatchObject({ post: 403, ran: false })
    // A loopback name on another port is another origin (another service's page).
    expect(await attack(relay.port, { ...bearer(runnerToken), Host: 'localhost:1' })).toMatchObject({
      post: 403,
      ran: false,
    })
    const marker = join(tempDir('weft-attack-'), 'ran')
    const posted = await http(
      relay.port,
      'POST',
      '/runs',
      { ...bearer(runnerToken), 'Content-Type': 'application/json' },
      touching(marker),
    )
    const { id, ticket } = JSON.parse(posted.body) as { id: string; ticket: string }
    expect(
      await upgrade(relay.port, `/runs/${id}?token=${runnerToken}`, {
        Host: 'attacker.example',
        'Sec-WebSocket-Protocol': `weft-run, weft-ticket.${ticket}`,
      }),
    ).toBe(403)
    expect(existsSync(marker)).toBe(false)
  })

  it('(4) answers no wildcard CORS anywhere: preflight, runs, refusals, health, the app', async () => {
    const answers = [
      await http(relay.port, 'OPTIONS', '/runs', {
        Origin: EVIL_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      }),
      await http(relay.port, 'OPTIONS', '/runs', {}),
      await http(
        relay.port,
        'POST',
        '/runs',
        { ...bearer(runnerToken), 'Content-Type': 'application/json' },
        touching('/nonexistent/x'),
      ),
      await http(relay.port, 'POST', '/runs', bearer(SYNC_TOKEN), '{}'),
      await http(relay.port, 'POST', '/runs', { ...bearer(runnerToken), Origin: EVIL_ORIGIN }, '{}'),
      await http(relay.port, 'GET', '/health', { Origin: EVIL_ORIGIN }),
      await http(relay.port, 'GET', '/', { Origin: EVIL_ORIGIN }),
    ]
    expect(answers[0].status).toBe(403)
    for (const answer of answers) expect(answer.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('(5) never takes the runner token from a URL: ?token= on POST or on the socket gets nothing', async () => {
    expect(await attack(relay.port, {}, `?token=${runnerToken}`)).toMatchObject({ post: 401, ran: false })
    const marker = join(tempDir('weft-attack-'), 'ran')
    const posted = await http(
      relay.port,
      'POST',
      '/runs',
      { ...bearer(runnerToken), 'Content-Type': 'application/json' },
      touching(marker),
    )
    const { id } = JSON.parse(posted.body) as { id: string }
    expect(await upgrade(relay.port, `/runs/${id}?token=${runnerToken}`, {})).toBe(401)
    expect(existsSync(marker)).toBe(false)
  })

  it('answers to a name the operator allows (--allow-host), and to none other', async () => {
    const other = await startRelay(
      ['--data', tempDir('weft-attack-relay-'), '--runs', '--allow-host', 'weft.internal'],
      { WEFT_RUNS_TOKEN: 'env-runner-token-0123456789abcdef' },
    )
    try {
      const token = bearer('env-runner-token-0123456789abcdef')
      expect(other.output()).not.toContain('env-runner-token')
      expect(
        await attack(
          other.port,
          { ...token, Host: 'weft.internal', Origin: 'https://weft.internal' },
          '',
          false,
        ),
      ).toMatchObject({ post: 201, socket: 101, ran: true })
      expect(await attack(other.port, { ...token, Host: 'weft.internal.attacker.example' })).toMatchObject({
        post: 403,
        ran: false,
      })
    } finally {
      await stop(other)
    }
  })

  it('refuses to start with a token file others can read, or with the sync token as the runner token', async () => {
    const dir = tempDir('weft-attack-relay-')
    writeFileSync(join(dir, 'runs-token'), 'an-old-token-someone-could-read-0123\n', { mode: 0o644 })
    const readable = spawn(
      process.execPath,
      ['bin/weft.js', 'relay', '--port', '0', '--data', dir, '--runs'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WEFT_RUNS_TOKEN: '' } },
    )
    let err = ''
    readable.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    expect(await new Promise((resolve) => readable.once('exit', resolve))).toBe(2)
    expect(err).toMatch(/can be read by others \(mode 644\); run `chmod 600/)
    await expect(
      startRelay(['--data', tempDir('weft-attack-relay-'), '--token', SYNC_TOKEN, '--runs'], {
        WEFT_RUNS_TOKEN: SYNC_TOKEN,
      }),
    ).rejects.toThrow(/exited \(2\):\nThe runner token must differ from the sync token/)
  })
})
