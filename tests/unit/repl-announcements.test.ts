import '@automerge/automerge-repo'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Repo, type DocHandle } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import {
  jobAnnouncement,
  outcomeAnnouncement,
  readJobAnnouncement,
  readOutcomeAnnouncement,
} from '../../src/repl/announcements.ts'
import type { Executor } from '../../src/repl/Executor.ts'
import { RealmRuntime } from '../../src/repl/RealmRuntime.ts'
import { newRealmKey, signJob } from '../../src/repl/realmKey.ts'
import { ReplSession } from '../../src/repl/ReplSession.ts'
import type { ReplSessionDoc } from '../../src/repl/types.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { tempDir } from './helpers.ts'

/** A peer syncing through the relay, as the app's repository worker and the CLI do. */
async function peer(relayUrl: string) {
  const storage = new NodeFSStorageAdapter(tempDir())
  const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
  const relays = new Relays(repo, storage)
  await relays.start([relayUrl])
  const synced = () => vi.waitFor(() => expect(relays.statuses()[0]?.pending).toBe(0), { timeout: 10_000 })
  return { repo, relays, storage, synced }
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
      return { ok: true, text: `ran ${code}` }
    },
    listen: () => () => {},
  }
  return { executor, ran, release: () => release() }
}

/** Resolves once `handle` hears the sentinel that `send` broadcasts (what was sent before it came first). */
function heard(handle: DocHandle<unknown>, send: () => void): Promise<void> {
  return new Promise((resolve) => {
    const hear = ({ message }: { message: unknown }) => {
      if ((message as { type?: unknown })?.type !== 'sentinel') return
      handle.off('ephemeral-message', hear)
      resolve()
    }
    handle.on('ephemeral-message', hear)
    send()
  })
}

describe('REPL announcements through a relay', () => {
  let relay: Relay
  let host: Awaited<ReturnType<typeof peer>>
  let requester: Awaited<ReturnType<typeof peer>>
  let attacker: Awaited<ReturnType<typeof peer>>
  let realm: RealmRuntime
  let mine: ReplSession
  let theirs: DocHandle<ReplSessionDoc>
  let hostHandle: DocHandle<ReplSessionDoc>
  const key = newRealmKey()
  const { executor, ran, release } = recorder()

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 64 << 20,
      messagesPerSecond: 1000,
      log: () => {},
    })
    host = await peer(relay.url)
    const created = await createRepoService(host.repo, host.storage, host.relays).createRepository('shared')
    const ws = await Workspace.open(host.repo, created.url)
    const hostSession = await ReplSession.ensure(host.repo, ws.handle)
    hostHandle = hostSession.handle
    realm = RealmRuntime.start({
      session: hostSession,
      executor,
      key,
      kind: 'worker',
      label: 'realm',
      owner: host.repo.peerId,
    })
    await host.synced()
    requester = await peer(relay.url)
    mine = new ReplSession(await requester.repo.find<ReplSessionDoc>(hostSession.url))
    attacker = await peer(relay.url)
    theirs = await attacker.repo.find<ReplSessionDoc>(hostSession.url)
    await vi.waitFor(() => expect(mine.realm(realm.realm)?.status).toBe('alive'), { timeout: 10_000 })
    await vi.waitFor(() => expect(theirs.doc().realms[realm.realm]).toBeDefined(), { timeout: 10_000 })
  })

  afterAll(async () => {
    realm.stop()
    for (const p of [requester, attacker, host]) await shutdownRepo(p.repo)
    await relay.close()
  })

  it('runs an announced job once, answers with its outcome, and records it in the session', async () => {
    const job = await mine.request({ realm: realm.realm, code: 'first', requester: 'agent', key })
    const { job: done } = await mine.reply(realm.realm, job, key)
    expect(done).toMatchObject({ state: 'finished', result: { text: 'ran first' } })
    await vi.waitFor(() => expect(mine.job(realm.realm, job.id)?.state).toBe('finished'), { timeout: 10_000 })
    expect(ran.filter((code) => code === 'first')).toEqual(['first'])
  })

  it('refuses a job announced under a wrong key: nothing runs and the session records the refusal', async () => {
    const job = await mine.request({
      realm: realm.realm,
      code: 'forged',
      requester: 'agent',
      key: newRealmKey(),
    })
    const { job: done } = await mine.reply(realm.realm, job, key)
    expect(done).toMatchObject({ state: 'failed', error: { name: 'NotAuthorized' } })
    expect(ran).not.toContain('forged')
  })

  it("ignores a hostile peer's announcements: malformed, forged, replayed or for another instance", async () => {
    const target = theirs.doc().realms[realm.realm]
    const instance = String(target.instance)
    const signed = async (id: string, code: string, signingKey = key, to = instance) =>
      jobAnnouncement({
        realm: realm.realm,
        to,
        id,
        language: 'javascript',
        code,
        timeoutMs: 30_000,
        mac: await signJob(signingKey, {
          realm: realm.realm,
          instance: to,
          id,
          language: 'javascript',
          code,
          timeoutMs: 30_000,
        }),
      })
    const hostile: unknown[] = [
      'not an object',
      null,
      [1, 2, 3],
      { type: 'weft-repl-job' },
      { ...(await signed('bad-types', 'x')), timeoutMs: 'soon' },
      { ...(await signed('huge', 'x')), code: 'x'.repeat(70 * 1024) },
      await signed('wrong-key', 'hostile wrong key', newRealmKey()),
      await signed('other-instance', 'hostile other instance', key, crypto.randomUUID()),
      { ...(await signed('tampered', 'honest')), code: 'hostile tampered' },
      // A replay of a job that already ran (same id, same MAC).
      ...(await (async () => {
        const job = await mine.request({ realm: realm.realm, code: 'once', requester: 'agent', key })
        await mine.reply(realm.realm, job, key)
        return [await signed(job.id, 'once')]
      })()),
    ]
    for (const message of hostile) theirs.broadcast(message)
    await heard(hostHandle, () => theirs.broadcast({ type: 'sentinel' }))
    // Then an honest job: the realm still serves, and ran none of the above.
    const job = await mine.request({ realm: realm.realm, code: 'after', requester: 'agent', key })
    expect((await mine.reply(realm.realm, job, key)).job).toMatchObject({ state: 'finished' })
    expect(ran.filter((code) => code !== 'first' && code !== 'after')).toEqual(['once'])
  })

  it('believes only an outcome its realm signed: a forged outcome is ignored', async () => {
    const job = await mine.request({ realm: realm.realm, code: 'wait', requester: 'agent', key })
    const replied = mine.reply(realm.realm, job, key)
    await vi.waitFor(() => expect(ran).toContain('wait'), { timeout: 10_000 })
    const report = {
      realm: realm.realm,
      instance: job.to,
      id: job.id,
      outcome: { ok: true as const, text: 'forged result' },
      console: [{ kind: 'log' as const, text: 'forged print', time: Date.now() }],
      started: Date.now(),
      ended: Date.now(),
    }
    theirs.broadcast(await outcomeAnnouncement(newRealmKey(), report))
    theirs.broadcast({ type: 'weft-repl-outcome', payload: JSON.stringify(report), mac: '0'.repeat(64) })
    // Signed with the right key but for another job: not this job's outcome.
    theirs.broadcast(await outcomeAnnouncement(key, { ...report, id: 'another-job' }))
    // The forgeries reach the requester before the real outcome is even made.
    await heard(mine.handle, () => theirs.broadcast({ type: 'sentinel' }))
    release()
    const { job: done, console } = await replied
    expect(done).toMatchObject({ state: 'finished', result: { text: 'ran wait' } })
    expect(console).toEqual([])
  })
})

describe('announcements are read at one boundary', () => {
  const key = newRealmKey()
  const expected = { realm: 'r1', instance: 'i1', id: 'j1' }
  const report = {
    ...expected,
    outcome: { ok: true as const, text: '2' },
    console: [{ kind: 'log' as const, text: 'hi', time: 1 }],
    started: 1,
    ended: 2,
  }

  it('reads a well-formed, signed outcome of the expected job, and nothing else', async () => {
    expect(await readOutcomeAnnouncement(key, await outcomeAnnouncement(key, report), expected)).toEqual(
      report,
    )
    const resigned = async (changed: unknown) => {
      const payload = JSON.stringify(changed)
      const { macOf } = await import('../../src/repl/realmKey.ts')
      return { type: 'weft-repl-outcome', payload, mac: await macOf(key, 'weft-repl-outcome', payload) }
    }
    for (const bad of [
      { ...report, outcome: { ok: 'yes', text: 2 } },
      { ...report, console: [{ kind: 'shout', text: 'x', time: 1 }] },
      { ...report, started: -1 },
      { ...report, outcome: { ok: true, text: 'x'.repeat(20_000) } },
      { ...report, id: 'j2' },
    ])
      expect(await readOutcomeAnnouncement(key, await resigned(bad), expected)).toBeNull()
    const signedPayloadNotJson = await resigned('x')
    expect(
      await readOutcomeAnnouncement(
        key,
        { ...signedPayloadNotJson, payload: '{', mac: signedPayloadNotJson.mac },
        expected,
      ),
    ).toBeNull()
  })

  it('reads a job announcement only with every field well formed', () => {
    const good = jobAnnouncement({
      realm: 'r1',
      to: 'i1',
      id: 'j1',
      language: 'javascript',
      code: '1+1',
      timeoutMs: 1000,
      mac: 'a'.repeat(64),
    })
    const { type, ...fields } = good
    expect(type).toBe('weft-repl-job')
    expect(readJobAnnouncement(good)).toEqual(fields)
    for (const bad of [
      { ...good, type: 'other' },
      { ...good, realm: 'has spaces' },
      { ...good, language: '<script>' },
      { ...good, timeoutMs: -1 },
      { ...good, timeoutMs: Infinity },
      { ...good, mac: 'not hex' },
      { ...good, code: 42 },
    ])
      expect(readJobAnnouncement(bad)).toBeNull()
  })
})
