import '@automerge/automerge-repo'
import { afterEach, describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { MessageChannelNetworkAdapter } from '@automerge/automerge-repo-network-messagechannel'
import { Workspace } from '../../src/repo/Workspace.ts'
import { captureConsole, scriptExecutor, type Executor } from '../../src/repl/Executor.ts'
import { NodeWorkerExecutor } from '../../src/repl/nodeExecutor.ts'
import { exposeExecutor, remoteExecutor } from '../../src/repl/remoteExecutor.ts'
import { RealmRuntime } from '../../src/repl/RealmRuntime.ts'
import { newRealmKey } from '../../src/repl/realmKey.ts'
import { ReplSession } from '../../src/repl/ReplSession.ts'
import { scalar } from '../../src/model/scalar.ts'
import { LIMITS, type JobEntry, type JobView } from '../../src/repl/types.ts'

const cleanups: (() => Promise<unknown> | void)[] = []
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await clean()
})

async function newSession(repo = new Repo({ network: [] })) {
  const ws = Workspace.create(repo, 'repl')
  return { repo, ws, session: await ReplSession.ensure(repo, ws.handle) }
}

/** The realms' owner's key, which these requesters were given. */
const KEY = newRealmKey()

function start(
  session: ReplSession,
  executor: Executor,
  extra: { realm?: string; heartbeatMs?: number; takeOver?: boolean } = {},
) {
  const runtime = RealmRuntime.start({
    session,
    executor,
    key: KEY,
    kind: 'worker',
    label: 'test realm',
    owner: 'peer-test',
    ...extra,
  })
  cleanups.push(() => runtime.stop())
  return runtime
}

/** An executor that records what it ran; code `wait` runs until `release()`. */
function recorder() {
  const ran: string[] = []
  let release = () => {}
  const executor: Executor = {
    languages: ['javascript'],
    async run(code) {
      ran.push(code)
      if (code === 'wait')
        await new Promise<void>((resolve) => {
          release = resolve
        })
      return { ok: true, text: code }
    },
    listen: () => () => {},
  }
  return { executor, ran, release: () => release() }
}

const evalExecutor = () => scriptExecutor((code) => (0, eval)(code), [])

describe('REPL session and realm runtime', () => {
  it('links one session document from the repository, created on first use', async () => {
    const { repo, ws, session } = await newSession()
    expect(String(ws.handle.doc().repl)).toBe(session.url)
    expect((await ReplSession.ensure(repo, ws.handle)).url).toBe(session.url)
    expect(await ReplSession.find(repo, Workspace.create(repo, 'other').handle)).toBeNull()
  })

  it('evaluates 1+1 in a realm, moving the job through its states', async () => {
    const { session } = await newSession()
    const runtime = start(session, evalExecutor())
    const states: string[] = []
    session.handle.on('change', () => {
      const s = session.log(runtime.realm).find((e) => e.type === 'job')?.state
      if (s && states.at(-1) !== s) states.push(s)
    })
    const job = await session.request({ realm: runtime.realm, code: '1+1', requester: 'agent', key: KEY })
    const done = await session.outcome(runtime.realm, job.id)
    expect(done).toMatchObject({
      state: 'finished',
      result: { text: '2', json: '2' },
      claim: runtime.instance,
      to: runtime.instance,
    })
    // A quick job is claimed and finished in one change (a claim written first held the result
    // back by automerge-repo's 100 ms between sends); the record still says who ran it and when.
    expect(states).toEqual(['requested', 'finished'])
    expect(done.started).toBeLessThanOrEqual(done.ended!)
    expect(done.dispatched).toBe(done.started)
    expect(session.realms()).toEqual([
      expect.objectContaining({ id: runtime.realm, kind: 'worker', status: 'alive', owner: 'peer-test' }),
    ])
  })

  it('awaits promises and reports thrown errors with their stack', async () => {
    const { session } = await newSession()
    const { realm } = start(session, evalExecutor())
    const ask = async (code: string) =>
      session.outcome(realm, (await session.request({ realm, code, requester: 'agent', key: KEY })).id)
    expect((await ask('Promise.resolve([1, {a: 2}])')).result).toEqual({
      text: '[ 1, { a: 2 } ]',
      json: '[1,{"a":2}]',
    })
    const failed = await ask('null.x')
    expect(failed).toMatchObject({
      state: 'failed',
      error: { name: 'TypeError', message: expect.stringContaining('null') },
    })
    expect(failed.error?.stack).toContain('TypeError')
    expect(await ask('Promise.reject(new RangeError("nope"))')).toMatchObject({
      state: 'failed',
      error: { name: 'RangeError', message: 'nope' },
    })
  })

  it('writes console output and an unhandled rejection of a Node realm to its log', async () => {
    const { session } = await newSession()
    const executor = new NodeWorkerExecutor()
    cleanups.push(() => executor.terminate())
    const { realm } = start(session, executor)
    const job = await session.request({
      realm,
      code: 'console.log("hello", {n: 1}); setTimeout(() => Promise.reject(new Error("late failure"))); 7',
      requester: 'agent',
      key: KEY,
    })
    expect((await session.outcome(realm, job.id)).result?.text).toBe('7')
    await expect
      .poll(() =>
        session
          .log(realm)
          .filter((e) => e.type === 'event')
          .map((e) => `${e.kind}: ${e.text}`),
      )
      .toEqual(['log: hello { n: 1 }', 'unhandled-rejection: Error: late failure'])
    expect(
      session.log(realm).find((e) => e.type === 'event' && e.kind === 'unhandled-rejection'),
    ).toMatchObject({ stack: expect.stringContaining('late failure') })
    const awaited = await session.request({
      realm,
      code: 'await new Promise((resolve) => setTimeout(() => resolve(9), 1))',
      requester: 'agent',
      key: KEY,
    })
    expect((await session.outcome(realm, awaited.id)).result).toEqual({ text: '9', json: '9' })
  })

  it('runs a tab realm whose runtime sits with the document and whose code runs across a port', async () => {
    const { session } = await newSession()
    const channel = new MessageChannel()
    cleanups.push(() => {
      channel.port1.close()
      channel.port2.close()
    })
    // The tab's side: code and console are the tab's own (a stand-in console here).
    const tabConsole = { log: () => {}, info: () => {}, warn: () => {}, error: () => {}, debug: () => {} }
    const tabGlobals = { title: 'Weft' }
    exposeExecutor(
      scriptExecutor(
        (code) => new Function('console', 'page', `return (${code})`)(tabConsole, tabGlobals),
        [captureConsole(tabConsole)],
      ),
      channel.port1,
    )
    // The repository worker's side.
    const runtime = start(session, await remoteExecutor(channel.port2))
    const job = await session.request({
      realm: runtime.realm,
      code: 'console.log("in the tab") ?? page.title',
      requester: 'agent',
      key: KEY,
    })
    expect((await session.outcome(runtime.realm, job.id)).result).toEqual({ text: "'Weft'", json: '"Weft"' })
    await expect
      .poll(() => session.log(runtime.realm).map((e) => (e.type === 'event' ? e.text : e.state)))
      .toEqual(['finished', 'in the tab'])
    runtime.stop()
    expect(session.realm(runtime.realm)?.status).toBe('closed')
  })

  it('bounds what an executor returns', async () => {
    const { session } = await newSession()
    const huge: Executor = {
      languages: ['javascript'],
      run: async () => ({ ok: true, text: 'x'.repeat(100_000), json: 'y'.repeat(100_000) }),
      listen: () => () => {},
    }
    const { realm } = start(session, huge)
    const done = await session.outcome(
      realm,
      (await session.request({ realm, code: 'big', requester: 'agent', key: KEY })).id,
    )
    expect(done.result?.text).toMatch(
      new RegExp(`^x{${LIMITS.resultChars}}… \\(${100_000 - LIMITS.resultChars} more characters\\)$`),
    )
    expect(done.result?.json).toBeUndefined()
  })

  it('times out a pending job with the reason when its realm stops heartbeating', async () => {
    const { session } = await newSession()
    // A realm that registered and then died without closing: no runtime heartbeats for it.
    session.register('dead', {
      kind: 'tab',
      label: 'crashed tab',
      owner: 'peer-x',
      instance: 'i-dead',
      heartbeatMs: 40,
    })
    const job = await session.request({ realm: 'dead', code: '1+1', requester: 'agent', key: KEY })
    const done = await session.outcome('dead', job.id, 20)
    expect(done).toMatchObject({
      state: 'timed-out',
      reason: expect.stringMatching(/realm dead stopped heartbeating .*it is gone/),
    })
    expect(session.realm('dead')?.status).toBe('gone')
    await expect(session.request({ realm: 'dead', code: '1', requester: 'agent', key: KEY })).rejects.toThrow(
      /Realm "dead" is gone/,
    )
  })

  it('times out a job that outlives its deadline, and one left when its realm closed', async () => {
    const { session } = await newSession()
    const { executor, release } = recorder()
    const runtime = start(session, executor)
    const slow = await session.request({
      realm: runtime.realm,
      code: 'wait',
      requester: 'agent',
      key: KEY,
      timeoutMs: 50,
    })
    expect(await session.outcome(runtime.realm, slow.id, 20)).toMatchObject({
      state: 'timed-out',
      reason: 'no result within 50 ms',
    })
    release()
    runtime.stop()
    session.register('closing', {
      kind: 'tab',
      label: 'closing',
      owner: 'p',
      instance: 'i-closing',
      heartbeatMs: 60_000,
    })
    const left = await session.request({ realm: 'closing', code: '1', requester: 'agent', key: KEY })
    session.close('closing', 'i-closing')
    expect(await session.outcome('closing', left.id)).toMatchObject({
      state: 'timed-out',
      reason: 'realm closing was closed before the job finished',
    })
  })

  it('refuses malformed requests with a clear error', async () => {
    const { session } = await newSession()
    const { realm } = start(session, recorder().executor)
    const request = (code: unknown, extra = {}) =>
      expect(session.request({ realm, code, requester: 'agent', key: KEY, ...extra })).rejects
    await request(42).toThrow('A request needs code: a non-empty string.')
    await request('  \n').toThrow('A request needs code')
    await request('x'.repeat(LIMITS.codeBytes + 1)).toThrow(
      `Code is ${LIMITS.codeBytes + 1} bytes; the limit is ${LIMITS.codeBytes}.`,
    )
    await request('1', { language: 'java script' }).toThrow('"java script" is not a language name.')
    await request('1', { timeoutMs: -5 }).toThrow('A timeout must be a positive number')
    await expect(
      session.request({ realm: 'nowhere', code: '1', requester: 'agent', key: KEY }),
    ).rejects.toThrow('No realm "nowhere" in this repository')
    const python = await session.request({
      realm,
      code: 'print(1)',
      language: 'python',
      requester: 'agent',
      key: KEY,
    })
    expect(await session.outcome(realm, python.id)).toMatchObject({
      state: 'failed',
      error: { name: 'UnsupportedLanguage', message: `Realm ${realm} runs javascript, not python.` },
    })
    expect(session.log(realm)).toHaveLength(1)
  })
})

describe('exactly once', () => {
  it('runs a job once although every change re-scans the log while it runs', async () => {
    const { session } = await newSession()
    const { executor, ran, release } = recorder()
    // Heartbeats often enough to change the document while the job runs, not so often that a busy
    // machine misses three of them before the request (5 ms made the realm look gone under load).
    const runtime = start(session, executor, { heartbeatMs: 50 })
    const job = await session.request({ realm: runtime.realm, code: 'wait', requester: 'agent', key: KEY })
    await expect.poll(() => session.job(runtime.realm, job.id)?.state).toBe('executing')
    // Many changes (heartbeats, other jobs' entries) arrive while it runs.
    for (let i = 0; i < 20; i++)
      session.appendEvents(runtime.instance, [{ kind: 'log', text: `noise ${i}`, time: Date.now() }])
    const beat = session.realm(runtime.realm)!.heartbeat
    await expect.poll(() => session.realm(runtime.realm)!.heartbeat).toBeGreaterThan(beat)
    release()
    expect((await session.outcome(runtime.realm, job.id)).state).toBe('finished')
    expect(ran).toEqual(['wait'])
  })

  it('gives a second runtime restoring a live realm id (a duplicated tab) a fresh id, and runs each job once', async () => {
    const { session } = await newSession()
    const first = recorder()
    const second = recorder()
    const a = start(session, first.executor)
    const b = start(session, second.executor, { realm: a.realm })
    expect(b.realm).not.toBe(a.realm)
    expect(b.instance).not.toBe(a.instance)
    const jobs: JobView[] = []
    for (const code of ['1', '2', '3'])
      jobs.push(await session.request({ realm: a.realm, code, requester: 'agent', key: KEY }))
    for (const job of jobs) expect((await session.outcome(a.realm, job.id)).state).toBe('finished')
    expect(first.ran).toEqual(['1', '2', '3'])
    expect(second.ran).toEqual([])
    // A reload that knows the old page is gone takes the id over; the old instance moves on.
    const third = recorder()
    const c = start(session, third.executor, { realm: a.realm, takeOver: true })
    expect(c.realm).toBe(jobs[0].realm)
    expect(a.realm).not.toBe(c.realm)
    const after = await session.request({ realm: c.realm, code: '4', requester: 'agent', key: KEY })
    expect((await session.outcome(c.realm, after.id)).state).toBe('finished')
    expect([first.ran, third.ran]).toEqual([['1', '2', '3'], ['4']])
  })

  it('does not rerun finished or claimed jobs when a realm restarts under the same id', async () => {
    const { session } = await newSession()
    const before = recorder()
    const a = start(session, before.executor)
    const done = await session.request({ realm: a.realm, code: 'done', requester: 'agent', key: KEY })
    await session.outcome(a.realm, done.id)
    a.stop()
    const after = recorder()
    const restarted = start(session, after.executor, { realm: a.realm })
    expect(restarted.realm).toBe(a.realm)
    const next = await session.request({ realm: a.realm, code: 'next', requester: 'agent', key: KEY })
    expect((await session.outcome(a.realm, next.id)).state).toBe('finished')
    expect([before.ran, after.ran]).toEqual([['done'], ['next']])
  })

  it('runs every job at most once when two replicas restore one realm id concurrently', async () => {
    const channel = new MessageChannel()
    const repoA = new Repo({
      network: [new MessageChannelNetworkAdapter(channel.port1)],
      sharePolicy: async () => true,
    })
    const repoB = new Repo({
      network: [new MessageChannelNetworkAdapter(channel.port2)],
      sharePolicy: async () => true,
    })
    cleanups.push(() => {
      channel.port1.close()
      channel.port2.close()
    })
    const { session: sessionA } = await newSession(repoA)
    const sessionB = new ReplSession(await repoB.find(sessionA.url))
    const ran = new Map<string, string[]>()
    const counting = (who: string): Executor => ({
      languages: ['javascript'],
      async run(code) {
        ran.set(code, [...(ran.get(code) ?? []), who])
        return { ok: true, text: who }
      },
      listen: () => () => {},
    })
    // Both replicas restore realm "shared" before either hears of the other: concurrent registrations.
    const a = start(sessionA, counting('a'), { realm: 'shared' })
    const b = start(sessionB, counting('b'), { realm: 'shared' })
    // Each side sends jobs to "shared" as it sees it, in the window before and after the merge.
    const sent: { session: ReplSession; job: JobView }[] = []
    for (let i = 0; i < 10; i++) {
      for (const session of [sessionA, sessionB])
        if (session.realm('shared')?.status === 'alive')
          sent.push({
            session,
            job: await session.request({
              realm: 'shared',
              code: `job ${sent.length}`,
              requester: 'agent',
              key: KEY,
            }),
          })
      await new Promise((resolve) => setTimeout(resolve, 30))
    }
    // One holder everywhere; the other instance moved to a fresh id.
    await expect
      .poll(() => [sessionA.realm('shared')?.instance, sessionB.realm('shared')?.instance])
      .toEqual([expect.any(String), sessionA.realm('shared')?.instance])
    expect(new Set([a.realm, b.realm]).size).toBe(2)
    const outcomes = await Promise.all(sent.map(({ session, job }) => session.outcome('shared', job.id)))
    for (const [i, outcome] of outcomes.entries()) {
      const runs = ran.get(`job ${i}`) ?? []
      expect(runs.length).toBeLessThanOrEqual(1)
      if (outcome.state === 'finished') expect(runs).toEqual([outcome.result?.text])
      else
        expect(outcome).toMatchObject({
          state: 'timed-out',
          reason: expect.stringContaining('restarted before running the job'),
        })
    }
    expect(outcomes.filter((o) => o.state === 'finished').length).toBeGreaterThan(0)
  })
})

describe("consent: a realm runs only jobs its owner's key signed", () => {
  /** Writes a job entry straight into the session, as any holder of the repository link can. */
  function forge(
    session: ReplSession,
    instance: string,
    fields: Omit<Partial<JobEntry>, 'code'> & { code: string },
  ): string {
    const id = fields.id ?? crypto.randomUUID()
    session.handle.change((d) => {
      d.logs[instance].push({
        type: 'job',
        requester: scalar('attacker'),
        language: scalar('javascript'),
        to: scalar(instance),
        requested: Date.now(),
        timeoutMs: 30_000,
        state: 'requested',
        ...fields,
        id,
        code: scalar(fields.code),
      } as JobEntry)
    })
    return id
  }

  it('refuses a job without a key proof, or signed with another key, and runs nothing', async () => {
    const { session } = await newSession()
    const { executor, ran } = recorder()
    const { realm } = start(session, executor)
    const unsigned = await session.request({ realm, code: 'steal()', requester: 'attacker' })
    expect(await session.outcome(realm, unsigned.id)).toMatchObject({
      state: 'failed',
      error: {
        name: 'NotAuthorized',
        message: expect.stringMatching(/^not authorized: the request carries no realm key proof/),
      },
    })
    const wrong = await session.request({ realm, code: 'steal()', requester: 'attacker', key: newRealmKey() })
    expect(await session.outcome(realm, wrong.id)).toMatchObject({
      state: 'failed',
      error: {
        name: 'NotAuthorized',
        message: expect.stringMatching(/^not authorized: .*does not match realm/),
      },
    })
    expect(session.log(realm).map((e) => (e.type === 'job' ? (e.started ?? null) : e.kind))).toEqual([
      null,
      null,
    ])
    expect(ran).toEqual([])
  })

  it('refuses a MAC copied onto a new job id or onto other code, and never runs an old job id twice', async () => {
    const { session } = await newSession()
    const { executor, ran } = recorder()
    const runtime = start(session, executor)
    const signed = await session.request({
      realm: runtime.realm,
      code: 'harmless()',
      requester: 'owner',
      key: KEY,
    })
    expect((await session.outcome(runtime.realm, signed.id)).state).toBe('finished')
    const mac = scalar(signed.mac!)
    // The attacker reads the signed job from the document and writes copies of its MAC.
    const newId = forge(session, runtime.instance, { code: 'harmless()', mac })
    expect(await session.outcome(runtime.realm, newId)).toMatchObject({
      state: 'failed',
      error: { message: expect.stringContaining('does not match') },
    })
    const otherCode = forge(session, runtime.instance, { code: 'steal()', mac })
    expect(await session.outcome(runtime.realm, otherCode)).toMatchObject({
      state: 'failed',
      error: { message: expect.stringContaining('does not match') },
    })
    const longer = forge(session, runtime.instance, {
      code: 'harmless()',
      mac,
      id: crypto.randomUUID(),
      timeoutMs: 3_600_000,
    })
    expect(await session.outcome(runtime.realm, longer)).toMatchObject({
      state: 'failed',
      error: { name: 'NotAuthorized' },
    })
    // The same job id again, as requested: a replay. Jobs run in order, so once a later job has
    // finished, the replay would have run before it.
    forge(session, runtime.instance, { code: 'harmless()', mac, id: signed.id })
    const later = await session.request({
      realm: runtime.realm,
      code: 'later()',
      requester: 'owner',
      key: KEY,
    })
    expect((await session.outcome(runtime.realm, later.id)).state).toBe('finished')
    expect(
      session.handle
        .doc()
        .logs[runtime.instance].filter((e) => e.type === 'job' && e.id === signed.id)
        .map((e) => (e as JobEntry).state),
    ).toEqual(['finished', 'requested'])
    expect(ran).toEqual(['harmless()', 'later()'])
  })

  it('refuses a signed job copied into a later registration of the same realm id', async () => {
    const { session } = await newSession()
    const first = recorder()
    const a = start(session, first.executor)
    const signed = await session.request({ realm: a.realm, code: 'once()', requester: 'owner', key: KEY })
    expect((await session.outcome(a.realm, signed.id)).state).toBe('finished')
    a.stop()
    const second = recorder()
    const b = start(session, second.executor, { realm: a.realm })
    expect(b.realm).toBe(a.realm)
    forge(session, b.instance, { code: 'once()', mac: scalar(signed.mac!), id: signed.id })
    await expect
      .poll(() => session.handle.doc().logs[b.instance].map((e) => (e as JobEntry).state))
      .toEqual(['failed'])
    expect([first.ran, second.ran]).toEqual([['once()'], []])
  })

  it('runs what was verified even if a peer rewrites the code after the claim', async () => {
    const { session } = await newSession()
    const ran: string[] = []
    let rewrite = () => {}
    const executor: Executor = {
      languages: ['javascript'],
      async run(code) {
        ran.push(code)
        return { ok: true, text: code }
      },
      listen: () => () => {},
    }
    const runtime = start(session, executor)
    // The attacker rewrites the job as soon as the realm claims it.
    session.handle.on('change', () => rewrite())
    const job = await session.request({
      realm: runtime.realm,
      code: 'signed()',
      requester: 'owner',
      key: KEY,
    })
    rewrite = () => {
      const entry = session.handle
        .doc()
        .logs[runtime.instance].find((e) => e.type === 'job' && e.id === job.id) as JobEntry
      if (entry.state === 'dispatched' && String(entry.code) === 'signed()') {
        rewrite = () => {}
        session.handle.change((d) => {
          ;(d.logs[runtime.instance][0] as JobEntry).code = scalar('steal()')
        })
      }
    }
    await session.outcome(runtime.realm, job.id)
    expect(ran).toEqual(['signed()'])
  })
})

describe('a realm across a port', () => {
  it('ignores malformed and hostile messages from the realm and fails a job whose result is malformed', async () => {
    const { session } = await newSession()
    const channel = new MessageChannel()
    cleanups.push(() => {
      channel.port1.close()
      channel.port2.close()
    })
    const realmSide = channel.port1
    realmSide.onmessage = (event: MessageEvent) => {
      const m = event.data as { type: string; id: number }
      if (m.type !== 'run') return
      // Hostile realm code: junk, an attempt to set properties in the runtime's global, bad events, then a bad result.
      for (const junk of [
        null,
        42,
        'x',
        { type: 'set', path: ['__proto__', 'polluted'], value: 'yes' },
        { type: 'result', id: 999, outcome: { ok: true, text: 'nope' } },
        { type: 'event', event: { kind: 'evil', text: 'x' } },
        { type: 'event', event: { kind: 'log', text: 'fine', time: 'now' } },
        { type: 'result', id: m.id, outcome: { ok: true, text: 5 } },
      ])
        realmSide.postMessage(junk)
    }
    realmSide.postMessage({ type: 'ready', languages: ['javascript'] })
    const runtime = start(session, await remoteExecutor(channel.port2))
    const job = await session.request({ realm: runtime.realm, code: '1', requester: 'owner', key: KEY })
    expect(await session.outcome(runtime.realm, job.id)).toMatchObject({
      state: 'failed',
      error: { name: 'RealmError', message: 'The realm sent a malformed result.' },
    })
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
