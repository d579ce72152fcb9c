import '@automerge/automerge-repo'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { replCommand } from '../../src/cli/commands/repl.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import type { Executor } from '../../src/repl/Executor.ts'
import { NodeWorkerExecutor } from '../../src/repl/nodeExecutor.ts'
import { RealmRuntime } from '../../src/repl/RealmRuntime.ts'
import { newRealmKey } from '../../src/repl/realmKey.ts'
import { Profile } from '../../src/cli/Profile.ts'
import { scalar } from '../../src/model/scalar.ts'
import type { JobEntry } from '../../src/repl/types.ts'
import { ReplSession } from '../../src/repl/ReplSession.ts'
import { LIMITS } from '../../src/repl/types.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { shareLink } from '../../src/sync/links.ts'
import { tempDir } from './helpers.ts'
import { weft as weftIn } from './cliHarness.ts'

/** The CLI with its error lines as one text, as these tests read them. */
const weft = async (home: string, args: string[], stdin = '') => {
  const result = await weftIn(home, args, stdin)
  return { ...result, errors: result.errors.join('\n') }
}

/** A peer syncing through the relay, as the app's repository worker does. */
async function peer(relayUrl: string) {
  const storage = new NodeFSStorageAdapter(tempDir())
  const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
  const relays = new Relays(repo, storage)
  await relays.start([relayUrl])
  const synced = () => vi.waitFor(() => expect(relays.statuses()[0]?.pending).toBe(0), { timeout: 10_000 })
  return { repo, relays, storage, synced }
}

describe('weft repl against a relay', () => {
  let relay: Relay
  let app: Awaited<ReturnType<typeof peer>>
  let session: ReplSession
  let realm: RealmRuntime
  let executor: NodeWorkerExecutor
  let link: string
  const home = tempDir('weft-repl-cli-')
  /** The app realm's key, as its owner handed it to this agent. */
  const key = newRealmKey()
  const keyFile = join(tempDir(), 'realm-key')
  writeFileSync(keyFile, `${key}\n`)
  /** `weft repl eval|append` with the key. */
  const signed = (args: string[]) => [...args, '--key-file', keyFile]

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
    app = await peer(relay.url)
    const service = createRepoService(app.repo, app.storage, app.relays)
    const created = await service.createRepository('shared')
    const info = await service.openRepository(created.id)
    const ws = await Workspace.open(app.repo, created.url)
    session = await ReplSession.ensure(app.repo, ws.handle)
    executor = new NodeWorkerExecutor()
    realm = RealmRuntime.start({
      session,
      executor,
      key,
      kind: 'worker',
      label: 'node realm',
      owner: app.repo.peerId,
      heartbeatMs: 1_000,
    })
    await app.synced()
    link = shareLink(`${relay.url}/`, created.url, info.defaultBranch, app.relays.statuses()[0].url)
    expect(await weft(home, ['clone', link, '--add-relay'])).toMatchObject({ code: 0 })
  })

  afterAll(async () => {
    realm.stop()
    await executor.terminate()
    await shutdownRepo(app.repo)
    await relay.close()
  })

  it('lists realms and evaluates 1+1 in one, by id prefix', async () => {
    const listed = await weft(home, ['repl', 'list'])
    expect(listed).toMatchObject({ code: 0, errors: '' })
    expect(listed.out).toContain(`**node realm** \`${realm.realm}\` (worker) idle`)
    expect(JSON.parse((await weft(home, ['repl', 'list', '--json'])).out)).toEqual([
      expect.objectContaining({ id: realm.realm, status: 'alive' }),
    ])
    expect(
      await weft(home, signed(['repl', 'eval', '--realm', realm.realm.slice(0, 8), '1+1'])),
    ).toMatchObject({ code: 0, out: '2\n', errors: '' })
    // The key from the environment instead of a file.
    process.env.WEFT_REPL_KEY = key
    try {
      expect(await weft(home, ['repl', 'eval', '--realm', realm.realm, '2+2'])).toMatchObject({
        code: 0,
        out: '4\n',
        errors: '',
      })
    } finally {
      delete process.env.WEFT_REPL_KEY
    }
    expect(await weft(home, ['repl', 'eval', '--realm', realm.realm, '3+3'])).toMatchObject({
      code: 1,
      errors: expect.stringContaining('not authorized'),
    })
  })

  it('shows console output and an unhandled rejection in the realm log; a thrown error exits 1', async () => {
    const code =
      'console.log("from the cli"); setTimeout(() => Promise.reject(new Error("late failure"))); "done"'
    // What the job printed comes first, marked; the rejection comes after it ended, so only the log has it.
    expect(await weft(home, signed(['repl', 'eval', '--realm', realm.realm, code]))).toMatchObject({
      code: 0,
      out: "[console.log] from the cli\n'done'\n",
    })
    await vi.waitFor(
      () => expect(session.log(realm.realm).filter((e) => e.type === 'event')).toHaveLength(2),
      { timeout: 10_000 },
    )
    await app.synced()
    const log = await weft(home, ['repl', 'log', realm.realm])
    expect(log.code).toBe(0)
    expect(log.out).toContain('```Text console.log\nfrom the cli\n```')
    expect(log.out).toMatch(/```Error unhandled-rejection\nError: late failure\n/)
    const failed = await weft(home, signed(['repl', 'eval', '--realm', realm.realm, 'notDefined + 1']))
    expect(failed).toMatchObject({
      code: 1,
      out: '',
      errors: expect.stringContaining('ReferenceError: notDefined is not defined'),
    })
  })

  it('runs the fenced blocks appended to a log', async () => {
    const log = (await weft(home, ['repl', 'log', realm.realm])).out
    const appended = await weft(
      home,
      signed(['repl', 'append', realm.realm]),
      `${log}\n\`\`\`js\n[1, 2].map((n) => n * 10)\n\`\`\`\n`,
    )
    expect(appended).toMatchObject({ code: 0, out: '[ 10, 20 ]\n' })
  })

  it('refuses malformed requests with a clear error and exit code 2', async () => {
    expect(await weft(home, ['repl', 'eval', '--realm', 'nope', '1'])).toMatchObject({
      code: 2,
      errors: 'weft repl eval: No realm "nope" in this repository; see `weft repl list`.',
    })
    expect(await weft(home, signed(['repl', 'eval', '--realm', realm.realm, '-']), '   ')).toMatchObject({
      code: 2,
      errors: 'weft repl eval: A request needs code: a non-empty string.',
    })
    expect(
      await weft(
        home,
        signed(['repl', 'eval', '--realm', realm.realm, '-']),
        'x'.repeat(LIMITS.codeBytes + 1),
      ),
    ).toMatchObject({
      code: 2,
      errors: `weft repl eval: Code is ${LIMITS.codeBytes + 1} bytes; the limit is ${LIMITS.codeBytes}.`,
    })
    expect(await weft(home, ['repl', 'eval', '1'])).toMatchObject({
      code: 2,
      errors: expect.stringContaining('Say which realm'),
    })
    expect(await weft(home, ['repl', 'frobnicate'])).toMatchObject({
      code: 2,
      errors: expect.stringContaining('unknown command "frobnicate"'),
    })
    const junk = join(tempDir(), 'not-a-key')
    writeFileSync(junk, 'password123\n')
    expect(await weft(home, ['repl', 'eval', '--realm', realm.realm, '--key-file', junk, '1'])).toMatchObject(
      {
        code: 2,
        errors: `weft repl eval: ${junk}: A realm key is 64 hexadecimal digits (see \`weft repl key\`).`,
      },
    )
    expect(await weft(home, ['repl', 'serve', '--key-file', join(tempDir(), 'missing')])).toMatchObject({
      code: 2,
      errors: expect.stringMatching(/^weft repl serve: .*missing: .*no such file/i),
    })
  })

  it('serves a Node realm from another terminal until interrupted', async () => {
    const serverHome = tempDir('weft-repl-serve-')
    expect((await weft(serverHome, ['clone', link, '--add-relay'])).code).toBe(0)
    const created = await weft(serverHome, ['repl', 'key'])
    expect(created).toMatchObject({ code: 0, out: expect.stringMatching(/^[0-9a-f]{64}\n$/) })
    expect(await weft(serverHome, ['repl', 'key'])).toMatchObject({ code: 0, out: created.out })
    const serverKey = join(tempDir(), 'served-key')
    writeFileSync(serverKey, created.out)
    let out = ''
    let interrupt = () => {}
    const serving = replCommand(['serve', '--label', 'served', '--home', serverHome], {
      out: (text) => {
        out += text
      },
      err: () => {},
      stdin: async () => new Uint8Array(),
      onInterrupt: (stop) => {
        interrupt = stop
        return () => {}
      },
    })
    await vi.waitFor(() => expect(out).toMatch(/^Serving realm \S+ \(Ctrl-C to stop\)\n$/), {
      timeout: 10_000,
    })
    const served = out.split(' ')[2]
    await vi.waitFor(
      async () => expect((await weft(home, ['repl', 'list'])).out).toContain(`**served** \`${served}\``),
      { timeout: 10_000 },
    )
    expect(
      await weft(home, [
        'repl',
        'eval',
        '--realm',
        served,
        '--key-file',
        serverKey,
        'globalThis.count = 41; count + 1',
      ]),
    ).toMatchObject({ code: 0, out: '42\n' })
    // The Node realm's console output comes back with the job, marked, before the result.
    expect(
      await weft(home, [
        'repl',
        'eval',
        '--realm',
        served,
        '--key-file',
        serverKey,
        "console.log('only-log'); console.error('oops\\nsecond line')",
      ]),
    ).toMatchObject({
      code: 0,
      out: '[console.log] only-log\nundefined\n',
      errors: '[console.error] oops\n[console.error] second line',
    })
    interrupt()
    expect(await serving).toBe(0)
    await vi.waitFor(() => expect(session.realm(served)?.status).toBe('closed'), { timeout: 10_000 })
  })

  it('times out a pending job with the reason when its realm goes away', async () => {
    // A second peer hosts a realm whose job hangs, then loses its relay connection for good (a crashed tab).
    const host = await peer(relay.url)
    let release = () => {}
    const hanging: Executor = {
      languages: ['javascript'],
      run: () =>
        new Promise((resolve) => {
          release = () => resolve({ ok: true, text: 'late' })
        }),
      listen: () => () => {},
    }
    const hostSession = new ReplSession(await host.repo.find(session.url))
    const doomed = RealmRuntime.start({
      session: hostSession,
      executor: hanging,
      key,
      kind: 'tab',
      label: 'doomed tab',
      owner: host.repo.peerId,
      heartbeatMs: 300,
    })
    await host.synced()
    const pending = weft(home, signed(['repl', 'eval', '--realm', doomed.realm, 'while (true) {}']))
    await vi.waitFor(
      () => expect(hostSession.log(doomed.realm)).toEqual([expect.objectContaining({ state: 'executing' })]),
      { timeout: 10_000 },
    )
    await host.relays.remove(host.relays.statuses()[0].url)
    const result = await pending
    expect(result).toMatchObject({
      code: 1,
      errors: expect.stringMatching(
        new RegExp(`timed out: realm ${doomed.realm} stopped heartbeating .*it is gone`),
      ),
    })
    release()
    doomed.stop()
    await shutdownRepo(host.repo)
  })
})

/** `node bin/weft.js ARGS` as its own process (the victim's `repl serve` runs code in it). */
function weftProcess(home: string, args: string[]) {
  const child = spawn(process.execPath, ['bin/weft.js', ...args, '--home', home], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout.on('data', (d: Buffer) => {
    out += d
  })
  child.stderr.on('data', (d: Buffer) => {
    err += d
  })
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve))
  return { child, exited, out: () => out, err: () => err }
}

describe('weft repl serve runs code only from holders of its key (an attacker with the link gets nothing)', () => {
  let relay: Relay
  let link: string
  const victim = tempDir('weft-repl-victim-')
  const attacker = tempDir('weft-repl-attacker-')

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
    const app = await peer(relay.url)
    const service = createRepoService(app.repo, app.storage, app.relays)
    const created = await service.createRepository('victim')
    const info = await service.openRepository(created.id)
    await app.synced()
    link = shareLink(`${relay.url}/`, created.url, info.defaultBranch, app.relays.statuses()[0].url)
    await shutdownRepo(app.repo)
    expect((await weft(victim, ['clone', link, '--add-relay'])).code).toBe(0)
    expect((await weft(attacker, ['clone', link, '--add-relay'])).code).toBe(0)
  })

  afterAll(async () => {
    await relay.close()
  })

  it('refuses to serve without a key, saying why, with exit code 2', async () => {
    const serve = weftProcess(tempDir('weft-repl-keyless-'), ['repl', 'serve'])
    expect(await serve.exited).toBe(2)
    expect(serve.err()).toBe(
      'weft repl serve: refusing to run code without a realm key (anyone with the repository link could run code as you): create one with `weft repl key` and hand it only to agents you trust, or pass --key-file FILE.\n',
    )
  })

  it('fails an unsigned job "not authorized" without running it, runs it with the key, and refuses a MAC copied onto other code', async () => {
    const victimKey = (await weft(victim, ['repl', 'key'])).out
    const serve = weftProcess(victim, ['repl', 'serve', '--label', 'victim shell'])
    try {
      await vi.waitFor(() => expect(serve.out()).toMatch(/^Serving realm \S+/), { timeout: 30_000 })
      const realm = serve.out().split(' ')[2]
      await vi.waitFor(
        async () => expect((await weft(attacker, ['repl', 'list'])).out).toContain(`\`${realm}\``),
        { timeout: 20_000 },
      )

      // The attacker has the link but no key: the code would create a marker file.
      const marker = join(tempDir(), 'pwned')
      const payload = `process.getBuiltinModule('child_process').execSync('id > ${marker}').toString()`
      const refused = await weft(attacker, ['repl', 'eval', '--realm', realm, payload])
      expect(refused).toMatchObject({
        code: 1,
        out: '',
        errors: expect.stringContaining(
          'NotAuthorized: not authorized: the request carries no realm key proof',
        ),
      })
      expect(existsSync(marker)).toBe(false)
      const wrongKey = join(tempDir(), 'guess')
      writeFileSync(wrongKey, newRealmKey())
      expect(
        await weft(attacker, ['repl', 'eval', '--realm', realm, '--key-file', wrongKey, payload]),
      ).toMatchObject({ code: 1, errors: expect.stringContaining('does not match') })
      expect(existsSync(marker)).toBe(false)

      // An agent the owner gave the key to runs it.
      const given = join(tempDir(), 'given')
      writeFileSync(given, victimKey)
      expect(
        await weft(attacker, ['repl', 'eval', '--realm', realm, '--key-file', given, payload]),
      ).toMatchObject({ code: 0, out: "''\n" })
      expect(readFileSync(marker, 'utf8')).toMatch(/^uid=/)

      // The attacker copies that signed job's MAC onto its own code, writing the session document directly.
      const profile = await Profile.open(attacker)
      try {
        const { ws } = await profile.open(profile.pick())
        const session = (await ReplSession.find(profile.repo, ws.handle))!
        await vi.waitFor(
          () => expect(session.log(realm).some((e) => e.type === 'job' && e.state === 'finished')).toBe(true),
          { timeout: 10_000 },
        )
        const approved = session.log(realm).find((e) => e.type === 'job' && e.state === 'finished')!
        if (approved.type !== 'job') throw new Error('unreachable')
        const second = join(tempDir(), 'pwned-again')
        const instance = session.realm(realm)!.instance
        const id = crypto.randomUUID()
        session.handle.change((d) => {
          d.logs[instance].push({
            type: 'job',
            id,
            code: scalar(`process.getBuiltinModule('child_process').execSync('id > ${second}').toString()`),
            language: scalar('javascript'),
            requester: scalar('attacker'),
            to: scalar(instance),
            requested: Date.now(),
            timeoutMs: approved.timeoutMs,
            state: 'requested',
            mac: scalar(approved.mac!),
          } satisfies JobEntry)
        })
        expect(await session.outcome(realm, id)).toMatchObject({
          state: 'failed',
          error: { name: 'NotAuthorized', message: expect.stringContaining('does not match') },
        })
        expect(existsSync(second)).toBe(false)
      } finally {
        await profile.close()
      }
    } finally {
      serve.child.kill('SIGINT')
      await serve.exited
    }
  })
})
