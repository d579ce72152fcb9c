import { describe, expect, it } from 'vitest'
import { boundOutput, MAX_STORED_OUTPUT, recentCommands, type RunRecord } from '../../src/ui/lib/runHistory.ts'
import { chooseBackend, type BackendState } from '../../src/ui/lib/runBackends.ts'

const record = (output: RunRecord['output'], command = 'npm test'): RunRecord =>
  ({ id: 'r', command, backend: 'browser', started: 0, exit: null, durationMs: null, output, truncated: false })

describe('run history', () => {
  it('keeps the latest output when a run printed more than is stored, in order', () => {
    const big = 'x'.repeat(MAX_STORED_OUTPUT)
    const bounded = boundOutput(record([{ stream: 'stdout', data: 'first' }, { stream: 'stderr', data: big }, { stream: 'stdout', data: 'last' }]))
    const text = bounded.output.map((p) => p.data).join('')
    expect(text.length).toBe(MAX_STORED_OUTPUT)
    expect(text.endsWith('last')).toBe(true)
    expect(bounded.output[0].stream).toBe('stderr')
    expect(bounded.truncated).toBe(true)
    const small = record([{ stream: 'stdout', data: 'ok' }])
    expect(boundOutput(small)).toBe(small)
  })

  it('lists recent commands once each, most recent first', () => {
    expect(recentCommands([record([], 'b'), record([], 'a'), record([], 'b')])).toEqual(['b', 'a'])
  })
})

describe('choosing a backend', () => {
  const states = (webcontainer: BackendState, local: BackendState) => ({ webcontainer, local, browser: { state: 'available' } as BackendState })
  const up: BackendState = { state: 'available' }
  const down: BackendState = { state: 'unavailable', reason: 'offline' }
  it('prefers a WebContainer, then the local runner, then the browser; a choice by hand wins', () => {
    expect(chooseBackend('auto', states(up, up))).toBe('webcontainer')
    expect(chooseBackend('auto', states({ state: 'checking' }, up))).toBe('local')
    expect(chooseBackend('auto', states(down, down))).toBe('browser')
    expect(chooseBackend('local', states(up, down))).toBe('local')
  })
})
