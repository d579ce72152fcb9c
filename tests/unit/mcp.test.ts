import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from './helpers.ts'

interface ToolAnswer {
  isError?: boolean
  content: { type: string; text: string }[]
}

/** `weft mcp` as a coding agent runs it: a child process, spoken to with the SDK's own client. */
describe('weft mcp', () => {
  const home = tempDir('weft-mcp-')
  let client: Client
  let stderr = ''
  const protocolErrors: Error[] = []

  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['bin/weft.js', 'mcp', '--home', home, '--author', 'agent-mcp'],
      env: { ...(process.env as Record<string, string>), WEFT_AUTHOR: '' },
      stderr: 'pipe',
    })
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    client = new Client({ name: 'weft-test', version: '1.0.0' })
    // A stray line on stdout reaches the client as a message it cannot parse.
    client.onerror = (error) => protocolErrors.push(error)
    await client.connect(transport)
  })

  afterAll(async () => {
    await client.close()
  })

  const call = async (name: string, args: Record<string, unknown> = {}) =>
    (await client.callTool({ name, arguments: args })) as ToolAnswer

  /** A call that must succeed; its data. */
  const data = async <T = unknown>(name: string, args: Record<string, unknown> = {}): Promise<T> => {
    const answer = await call(name, args)
    expect(answer.isError, `${name}: ${answer.content[0]?.text}\n${stderr}`).toBeFalsy()
    return JSON.parse(answer.content[0].text) as T
  }

  /** A call that must fail as a tool error; its message. */
  const refusal = async (name: string, args: Record<string, unknown>): Promise<string> => {
    const answer = await call(name, args)
    expect(answer.isError, `${name} should have failed`).toBe(true)
    return answer.content[0].text
  }

  it('lists its tools, each with a description and a JSON schema', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(
      [
        'branch_create',
        'branch_switch',
        'branches_list',
        'commit',
        'diff',
        'file_delete',
        'file_move',
        'file_read',
        'file_write',
        'files_list',
        'log',
        'merge',
        'repositories_list',
        'repository_import',
        'repository_init',
        'repository_link',
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

  it('finds code with search', async () => {
    const hits = await data<{ path: string }[]>('search', { query: 'export' })
    expect(hits.map((h) => h.path)).toContain('src/a.ts')
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
