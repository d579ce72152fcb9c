import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'
import { startRelay, type Relay } from '../../relay/server.ts'
import { shutdownRepo } from '../../src/repo/flush.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { NodeWorkerExecutor } from '../../src/repl/nodeExecutor.ts'
import { RealmRuntime } from '../../src/repl/RealmRuntime.ts'
import { newRealmKey } from '../../src/repl/realmKey.ts'
import { ReplSession } from '../../src/repl/ReplSession.ts'
import { createRepoService } from '../../src/services/RepoService.ts'
import { Relays } from '../../src/sync/Relays.ts'
import { shareLink } from '../../src/sync/links.ts'
import { weft } from './cliHarness.ts'
import { tempDir } from './helpers.ts'

interface ToolAnswer {
  isError?: boolean
  content: { type: string; text: string }[]
}

/** `weft mcp ARGS` as a coding agent runs it: a child process, spoken to with the SDK's own client. */
function mcpSession(args: string[]) {
  const session = {
    client: new Client({ name: 'weft-test', version: '1.0.0' }),
    stderr: '',
    /** A stray line on stdout reaches the client as a message it cannot parse. */
    protocolErrors: [] as Error[],
    transport: null as StdioClientTransport | null,
    async start() {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: ['bin/weft.js', 'mcp', ...args],
        env: { ...(process.env as Record<string, string>), WEFT_AUTHOR: '', WEFT_RUNS_TOKEN: '' },
        stderr: 'pipe',
      })
      transport.stderr?.on('data', (chunk: Buffer) => {
        session.stderr += chunk.toString()
      })
      session.client.onerror = (error) => session.protocolErrors.push(error)
      session.transport = transport
      await session.client.connect(transport)
    },
    call: async (name: string, args: Record<string, unknown> = {}) =>
      (await session.client.callTool({ name, arguments: args })) as ToolAnswer,
    /** A call that must succeed; its data. */
    async data<T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<T> {
      const answer = await session.call(name, args)
      expect(answer.isError, `${name}: ${answer.content[0]?.text}\n${session.stderr}`).toBeFalsy()
      return JSON.parse(answer.content[0].text) as T
    },
    /** A call that must fail as a tool error; its message. */
    async refusal(name: string, args: Record<string, unknown>): Promise<string> {
      const answer = await session.call(name, args)
      expect(answer.isError, `${name} should have failed`).toBe(true)
      return answer.content[0].text
    },
  }
  return session
}

describe('weft mcp', () => {
  const home = tempDir('weft-mcp-')
  const session = mcpSession(['--home', home, '--author', 'agent-mcp'])
  const { client, data, refusal, protocolErrors } = session

  beforeAll(() => session.start())
  afterAll(() => client.close())

  it('lists its tools, each with a description and a JSON schema', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'agent_start',
        'agent_status',
        'branch_create',
        'branch_switch',
        'branches_list',
        'commit',
        'conflicts',
        'diff',
        'file_delete',
        'file_move',
        'file_read',
        'file_write',
        'files_list',
        'land',
        'landings_list',
        'log',
        'merge',
        'repl_eval',
        'repl_realms',
        'repositories_list',
        'repository_clone',
        'repository_import',
        'repository_init',
        'repository_link',
        'resolve',
        'search',
        'status',
      ].sort(),
    )
    for (const tool of tools) {
      expect(tool.description, tool.name).toBeTruthy()
      expect(tool.inputSchema.type, tool.name).toBe('object')
    }
    const write = tools.find((t) => t.name === 'file_write')!
    expect(write.inputSchema.required).toEqual(['path', 'text'])
    expect(write.annotations?.readOnlyHint).toBe(false)
    expect(tools.find((t) => t.name === 'file_read')!.annotations?.readOnlyHint).toBe(true)
  })

  it('creates a repository, writes, commits and reads the log', async () => {
    const created = await data<{ name: string; branch: string; share: { link: null; hint: string } }>(
      'repository_init',
      { name: 'demo' },
    )
    expect(created).toMatchObject({ name: 'demo', branch: 'main', share: { link: null } })
    expect(await data('repositories_list')).toEqual([expect.objectContaining({ name: 'demo' })])

    await data('file_write', { path: 'src/a.ts', text: 'export const a = 1\n' })
    await data('file_write', { path: 'notes.md', text: '# Notes\n' })
    expect(await data('status')).toEqual([
      expect.objectContaining({ kind: 'added', path: 'notes.md', owner: 'yours' }),
      expect.objectContaining({ kind: 'added', path: 'src/a.ts', owner: 'yours' }),
    ])
    const { commit } = await data<{ commit: string }>('commit', { message: 'Start' })
    expect(await data('status')).toEqual([])
    expect(await data('log')).toEqual([
      expect.objectContaining({ id: commit, message: 'Start', author: 'agent-mcp' }),
    ])
    expect(await data('file_read', { path: 'src/a.ts' })).toEqual({
      path: 'src/a.ts',
      text: 'export const a = 1\n',
    })

    await data('file_move', { from: 'notes.md', to: 'docs/notes.md' })
    await data('file_delete', { path: 'docs/notes.md' })
    expect(await data('diff')).toEqual([expect.objectContaining({ kind: 'deleted', path: 'notes.md' })])
    await data('commit', { message: 'No notes' })
    expect(await data('files_list')).toEqual([{ path: 'src/a.ts', type: 'file' }])
  })

  it('returns a conflicting merge as data, and records it once the conflicts are settled', async () => {
    await data('branch_create', { name: 'feature' })
    expect(await data('branches_list')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'feature', current: true }),
        expect.objectContaining({ name: 'main', current: false }),
      ]),
    )
    await data('file_write', { path: 'src/a.ts', text: 'export const a = 2\n' })
    await data('commit', { message: 'Two' })
    await data('branch_switch', { name: 'main' })
    await data('file_write', { path: 'src/a.ts', text: 'export const a = 3\n' })
    await data('commit', { message: 'Three' })

    const outcome = await data<{
      kind: string
      heads: { ours: string; theirs: string }
      conflicts: { path: string; merged: string }[]
    }>('merge', { source: 'feature' })
    expect(outcome.kind).toBe('conflicts')
    expect(outcome.conflicts).toEqual([expect.objectContaining({ path: 'src/a.ts' })])
    expect(outcome.conflicts[0].merged).toContain('<<<<<<<')
    // Nothing was written: main is as it was.
    expect(await data('file_read', { path: 'src/a.ts' })).toMatchObject({ text: 'export const a = 3\n' })

    const merged = await data<{ kind: string; commit: string }>('merge', {
      source: 'feature',
      resolution: { heads: outcome.heads, files: { 'src/a.ts': { text: 'export const a = 23\n' } } },
    })
    expect(merged.kind).toBe('merged')
    expect(await data('file_read', { path: 'src/a.ts' })).toMatchObject({ text: 'export const a = 23\n' })
    const [head] = await data<{ id: string; parents: string[] }[]>('log', { limit: 1 })
    expect(head).toMatchObject({ id: merged.commit, parents: [expect.any(String), expect.any(String)] })
  })

  it('starts agents, shows what they would conflict on, and lands them verified', async () => {
    await data('branch_switch', { name: 'main' })
    for (const [name, file] of [
      ['ada', 'src/ada.ts'],
      ['bo', 'src/bo.ts'],
    ]) {
      expect(await data('agent_start', { name })).toMatchObject({ branch: `agent/${name}`, created: true })
      await data('file_write', { path: file, text: `export const ${name} = 1\n` })
      await data('file_write', { path: 'src/a.ts', text: `export const a = '${name}'\n` })
      await data('commit', { message: name })
    }
    const status = await data<{ agents: { name: string; conflicts: { branch: string }[] }[] }>('agent_status')
    expect(status.agents.map((a) => [a.name, a.conflicts.map((c) => c.branch)])).toEqual([
      ['ada', ['agent/bo']],
      ['bo', ['agent/ada']],
    ])
    const refused = await data<{ verdict: string; conflicts: { branch: string }[] }>('land', {
      branches: ['agent/bo', 'agent/ada'],
      check: 'test -f src/a.ts',
    })
    expect(refused).toMatchObject({ verdict: 'conflicts', conflicts: [{ branch: 'agent/bo' }] })
    const landed = await data<{ verdict: string; landed: string[] }>('land', {
      branches: ['agent/bo', 'agent/ada'],
      check: 'test -f src/ada.ts',
      partial: true,
    })
    expect(landed).toMatchObject({ verdict: 'partial', landed: ['agent/ada'] })
    expect((await data<{ verdict: string }[]>('landings_list')).map((a) => a.verdict)).toEqual([
      'partial',
      'conflicts',
    ])
    expect(await refusal('land', { branches: ['nowhere'], check: 'true' })).toMatch(/No branch "nowhere"/)
    await data('branch_switch', { name: 'main' })
  })

  it('keeps a conflicting merge, lists its conflicts, settles them and commits, all through tools', async () => {
    await data('branch_switch', { name: 'feature' })
    await data('file_write', { path: 'src/b.ts', text: 'one\ntwo\nthree\nfour\nfive\n' })
    await data('commit', { message: 'b' })
    await data('branch_switch', { name: 'main' })
    expect(await data('merge', { source: 'feature' })).toMatchObject({ kind: 'merged' })
    await data('branch_switch', { name: 'feature' })
    await data('file_write', { path: 'src/b.ts', text: 'one\nTWO feature\nthree\nfour\nFIVE feature\n' })
    await data('commit', { message: 'feature b' })
    await data('branch_switch', { name: 'main' })
    await data('file_write', { path: 'src/b.ts', text: 'one\nTWO main\nthree\nfour\nFIVE main\n' })
    await data('commit', { message: 'main b' })

    const kept = await data<{ kind: string; commit: string; conflicts: { path: string }[] }>('merge', {
      source: 'feature',
      keepConflicts: true,
    })
    expect(kept).toMatchObject({ kind: 'conflicted', conflicts: [{ path: 'src/b.ts' }] })
    const listed =
      await data<{ path: string; regions: { line: number; ours: string; theirs: string }[] }[]>('conflicts')
    expect(listed.map((c) => [c.path, c.regions.map((r) => [r.line, r.ours, r.theirs])])).toEqual([
      [
        'src/b.ts',
        [
          [2, 'TWO main\n', 'TWO feature\n'],
          [5, 'FIVE main\n', 'FIVE feature\n'],
        ],
      ],
    ])
    expect(await data('file_read', { path: 'src/b.ts' })).toMatchObject({
      text: 'one\nTWO main\nthree\nfour\nFIVE main\n',
    })
    expect(await refusal('commit', { message: 'early' })).toMatch(/Conflicts are not settled in src\/b\.ts/)
    expect(await refusal('resolve', { path: 'src/b.ts' })).toMatch(/exactly one of take or text/)
    expect(await refusal('resolve', { path: 'src/b.ts', take: 'ours', region: 3 })).toMatch(/has 2/)

    await data('resolve', { path: 'src/b.ts', take: 'theirs', region: 1 })
    const settled = await data<{ settled: string }>('resolve', {
      path: 'src/b.ts',
      text: 'FIVE both\n',
      region: 2,
    })
    expect(settled.settled).toBe('text')
    const { commit } = await data<{ commit: string }>('commit', { message: 'Settle b' })
    expect(await data('conflicts')).toEqual([])
    expect(await data('file_read', { path: 'src/b.ts' })).toMatchObject({
      text: 'one\nTWO feature\nthree\nfour\nFIVE both\n',
    })
    const [head, merge] = await data<{ id: string; parents: string[] }[]>('log', { limit: 2 })
    expect(head).toMatchObject({ id: commit, parents: [kept.commit] })
    expect(merge).toMatchObject({ id: kept.commit, parents: [expect.any(String), expect.any(String)] })
  })

  it('finds code with search', async () => {
    const hits = await data<{ path: string }[]>('search', { query: 'export' })
    expect(hits.map((h) => h.path)).toContain('src/a.ts')
    // Every branch in flight: who else is touching src/a.ts? (The agents landed ada's version on main.)
    const everywhere = await data<{ path: string; snippet: string; branches: string[] }[]>('search', {
      query: 'export',
      path: 'src/a.ts',
      allBranches: true,
    })
    expect(everywhere.map((h) => [h.snippet, h.branches]).sort()).toEqual([
      ["export const a = 'ada'", ['agent/ada', 'main']],
      ["export const a = 'bo'", ['agent/bo']],
      ['export const a = 2', ['feature']],
    ])
    const byMeaning = await data<{ path: string; branches: string[] }[]>('search', {
      // Its words are all stop words to the model: the hit comes from the word half of the hybrid.
      query: 'export',
      semantic: true,
      branches: ['feature'],
    })
    expect(byMeaning).toEqual([expect.objectContaining({ path: 'src/a.ts', branches: ['feature'] })])
    expect(await refusal('search', { query: 'x', branch: 'main', allBranches: true })).toMatch(
      /one of branch, branches or allBranches/,
    )
  })

  it('answers bad input with a tool error and keeps serving', async () => {
    // Arguments that fail the schema.
    expect(await refusal('file_read', {})).toMatch(/Input validation error/)
    expect(await refusal('log', { limit: -1 })).toMatch(/Input validation error/)
    // Arguments the repository refuses.
    expect(await refusal('file_read', { path: 'missing.ts' })).toBe(
      'file_read: No file "missing.ts" on this branch.',
    )
    expect(await refusal('file_write', { path: '../escape.ts', text: 'x' })).toMatch(
      /paths cannot point outside/,
    )
    expect(await refusal('files_list', { repo: 'nope' })).toMatch(/No repository "nope"/)
    expect(await refusal('merge', { source: 'nowhere' })).toMatch(/No branch "nowhere"/)
    expect(await refusal('commit', { message: 'nothing' })).toMatch(/Nothing to commit/)
    expect(await refusal('repository_init', { name: 'demo' })).toMatch(/already here/)
    expect(await refusal('no_such_tool', {})).toMatch(/not found/)
    // Still serving, and nothing but protocol messages came on stdout.
    expect(await data('files_list')).toEqual(expect.arrayContaining([{ path: 'src/a.ts', type: 'file' }]))
    expect(protocolErrors).toEqual([])
  })
})

/** With a relay: the local runner, a repository shared by the app whose tab runs a REPL realm. */
describe('weft mcp with a relay', () => {
  const TOKEN = 'mcp-runner-token-0123456789'
  const home = tempDir('weft-mcp-run-')
  const tokenFile = join(tempDir(), 'runs-token')
  /** The app realm's key, as its owner handed it to the agent. */
  const key = newRealmKey()
  const keyFile = join(tempDir(), 'realm-key')
  let relay: Relay
  let session: ReturnType<typeof mcpSession>
  let app: { repo: Repo; realm: RealmRuntime; executor: NodeWorkerExecutor; link: string }

  beforeAll(async () => {
    relay = await startRelay({
      host: '127.0.0.1',
      port: 0,
      dataDir: tempDir(),
      maxMessageBytes: 1 << 20,
      messagesPerSecond: 500,
      log: () => {},
      runs: { token: TOKEN, killGraceMs: 300 },
    })
    writeFileSync(tokenFile, `${TOKEN}\n`)
    writeFileSync(keyFile, `${key}\n`)
    // The app's side: a repository whose tab runs a realm, shared through the relay.
    const storage = new NodeFSStorageAdapter(tempDir())
    const repo = new Repo({ storage, network: [], sharePolicy: async () => true })
    const relays = new Relays(repo, storage)
    await relays.start([relay.url])
    const service = createRepoService(repo, storage, relays)
    const created = await service.createRepository('live')
    const info = await service.openRepository(created.id)
    const ws = await Workspace.open(repo, created.url)
    const executor = new NodeWorkerExecutor()
    const realm = RealmRuntime.start({
      session: await ReplSession.ensure(repo, ws.handle),
      executor,
      key,
      kind: 'worker',
      label: 'tab realm',
      owner: repo.peerId,
      heartbeatMs: 1_000,
    })
    await vi.waitFor(() => expect(relays.statuses()[0]?.pending).toBe(0), { timeout: 10_000 })
    const link = shareLink(`${relay.url}/`, created.url, info.defaultBranch, relays.statuses()[0].url)
    app = { repo, realm, executor, link }
    session = mcpSession([
      '--home',
      home,
      '--runs-token-file',
      tokenFile,
      '--runs-relay',
      relay.url,
      '--repl-key-file',
      keyFile,
    ])
    await session.start()
  })

  afterAll(async () => {
    await session.client.close()
    app.realm.stop()
    await app.executor.terminate()
    await shutdownRepo(app.repo)
    await relay.close()
  })

  it("clones the app's repository and evaluates code in its tab's realm", async () => {
    expect(await session.data('repository_clone', { link: app.link, addRelay: true })).toMatchObject({
      name: 'live',
    })
    expect(await session.data('repl_realms', { repo: 'live' })).toEqual([
      expect.objectContaining({ id: app.realm.realm, status: 'alive' }),
    ])
    expect(
      await session.data('repl_eval', {
        repo: 'live',
        realm: app.realm.realm.slice(0, 8),
        code: 'console.log("from the realm"); 6 * 7',
      }),
    ).toEqual({ state: 'finished', result: '42', console: [{ kind: 'log', text: 'from the realm' }] })
    expect(await session.refusal('repl_eval', { repo: 'live', realm: 'zzz', code: '1' })).toMatch(
      /No realm "zzz"/,
    )
    expect(await session.refusal('repository_clone', { link: 'not a link' })).toMatch(/expected a Share link/)
  })

  it("offers run only with the runner's token, and runs over the branch's files", async () => {
    expect((await session.client.listTools()).tools.map((t) => t.name)).toContain('run')
    await session.data('repository_init', { name: 'scripts' })
    await session.data('file_write', {
      repo: 'scripts',
      path: 'greet.sh',
      text: 'echo "hello $WHO"\necho "from stderr" >&2\nexit 7\n',
    })
    expect(
      await session.data('run', { repo: 'scripts', command: 'sh greet.sh', env: { WHO: 'agent' } }),
    ).toMatchObject({
      exitCode: 7,
      reason: 'exited',
      stdout: 'hello agent\n',
      stderr: 'from stderr\n',
    })
    expect(await session.refusal('run', { command: '' })).toMatch(/Input validation error/)
  })

  it('has what it answered as done in storage: a killed server loses none of it', async () => {
    await session.data('repository_init', { name: 'kept' })
    await session.data('file_write', { repo: 'kept', path: 'kept.txt', text: 'written before the kill\n' })
    const exited = new Promise((resolve) => (session.transport!.onclose = () => resolve(undefined)))
    process.kill(session.transport!.pid!, 'SIGKILL')
    await exited
    expect(await weft(home, ['cat', 'kept.txt', '--repo', 'kept'])).toMatchObject({
      code: 0,
      out: 'written before the kill\n',
    })
  })
})
