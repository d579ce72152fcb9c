import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { RunHistory } from '../../src/run/RunHistory.ts'
import {
  boundOutput,
  MAX_RUNS,
  MAX_STORED_OUTPUT,
  recentCommands,
  type RunRecord,
} from '../../src/run/runRecord.ts'
import { Workspace } from '../../src/repo/Workspace.ts'
import { chooseBackend, type BackendState } from '../../src/ui/lib/runBackends.ts'

const record = (output: RunRecord['output'], command = 'npm test', id = 'r', started = 0): RunRecord => ({
  id,
  command,
  backend: 'browser',
  by: 'ada',
  started,
  exit: null,
  durationMs: null,
  output,
  truncated: false,
})

describe('run history', () => {
  it('keeps the latest output when a run printed more than is stored, in order', () => {
    const big = 'x'.repeat(MAX_STORED_OUTPUT)
    const bounded = boundOutput(
      record([
        { stream: 'stdout', data: 'first' },
        { stream: 'stderr', data: big },
        { stream: 'stdout', data: 'last' },
      ]),
    )
    const text = bounded.output.map((p) => p.data).join('')
    expect(text.length).toBe(MAX_STORED_OUTPUT)
    expect(text.endsWith('last')).toBe(true)
    expect(bounded.output[0].stream).toBe('stderr')
    expect(bounded.truncated).toBe(true)
    const small = record([{ stream: 'stdout', data: 'ok' }])
    expect(boundOutput(small)).toBe(small)
  })

  it('lists recent commands once each, most recent first', () => {
    expect(
      recentCommands([
        record([], 'b'),
        record([], 'a'),
        record([], 'b'),
        { ...record([], 'b'), cwd: 'tools' },
      ]),
    ).toEqual([
      { command: 'b', cwd: '' },
      { command: 'a', cwd: '' },
      { command: 'b', cwd: 'tools' },
    ])
  })
})

describe("a repository's shared run history", () => {
  it('is found by every peer through the repository, newest first, bounded in runs and output', async () => {
    const repo = new Repo({ network: [] })
    const ws = Workspace.create(repo, 'runs')
    const history = await RunHistory.ensure(repo, ws.handle)
    for (let i = 0; i < MAX_RUNS + 5; i++)
      history.record(record([{ stream: 'stdout', data: `run ${i}\n` }], `cmd ${i}`, `id-${i}`, i))
    history.record({
      ...record([{ stream: 'stderr', data: 'x'.repeat(MAX_STORED_OUTPUT + 10) }], 'big', 'id-big', 1_000),
      cwd: 'tools/fmt',
      exit: { code: 3, signal: null, reason: 'exited' },
      durationMs: 12,
    })
    const again = await RunHistory.ensure(repo, ws.handle)
    expect(again.handle.url).toBe(history.handle.url)
    const runs = again.list()
    expect(runs).toHaveLength(MAX_RUNS)
    expect(runs[0]).toMatchObject({
      id: 'id-big',
      cwd: 'tools/fmt',
      exit: { code: 3, reason: 'exited' },
      durationMs: 12,
      truncated: true,
      by: 'ada',
    })
    expect(runs[0].output[0].data.length).toBe(MAX_STORED_OUTPUT)
    expect(runs.at(-1)!.command).toBe('cmd 6')
    // A run recorded again (its end) replaces itself.
    again.record({
      ...record([], 'cmd 24', 'id-24', 24),
      exit: { code: 0, signal: null, reason: 'exited' },
      durationMs: 5,
    })
    expect(again.list().filter((r) => r.id === 'id-24')).toEqual([
      expect.objectContaining({ exit: { code: 0, signal: null, reason: 'exited' } }),
    ])
  })
})

describe('choosing a backend', () => {
  const states = (webcontainer: BackendState, local: BackendState) => ({
    webcontainer,
    local,
    browser: { state: 'available' } as BackendState,
  })
  const up: BackendState = { state: 'available' }
  const down: BackendState = { state: 'unavailable', reason: 'offline' }
  it('prefers a WebContainer, then the local runner, then the browser; a choice by hand wins', () => {
    expect(chooseBackend('auto', states(up, up))).toBe('webcontainer')
    expect(chooseBackend('auto', states({ state: 'checking' }, up))).toBe('local')
    expect(chooseBackend('auto', states(down, down))).toBe('browser')
    expect(chooseBackend('local', states(up, down))).toBe('local')
  })
})
