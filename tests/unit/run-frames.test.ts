import { describe, expect, it } from 'vitest'
import { FrameLog } from '../../src/run/FrameLog.ts'
import {
  parseClientFrame,
  parseRunFrame,
  parseRunSpec,
  runFrameProblem,
  type RunFrame,
} from '../../src/run/frames.ts'
import { decodeRunRequest, encodeRunRequest } from '../../src/run/wire.ts'

describe('run frames', () => {
  it('accepts every frame of the schema', () => {
    for (const frame of [
      { type: 'start', id: 'r1', backend: 'local', t: 0 },
      { type: 'stdout', data: 'hi\n', t: 12 },
      { type: 'stderr', data: '', t: 13 },
      { type: 'exit', code: 0, signal: null, reason: 'exited', t: 40 },
      { type: 'exit', code: null, signal: 'SIGTERM', reason: 'killed', t: 41 },
    ])
      expect(parseRunFrame(JSON.stringify(frame))).toEqual(frame)
    expect(parseClientFrame('{"type":"stdin","data":"y\\n"}')).toEqual({ type: 'stdin', data: 'y\n' })
    expect(parseClientFrame({ type: 'kill' })).toEqual({ type: 'kill' })
  })

  it('rejects malformed frames with a message naming the fault', () => {
    expect(() => parseRunFrame('{"type":')).toThrow('Malformed run frame: not JSON.')
    expect(() => parseRunFrame('[]')).toThrow('Malformed run frame: a frame must be a JSON object.')
    expect(() => parseRunFrame({ type: 'stdout', data: 'x' })).toThrow(
      'Malformed run frame: stdout frame without a time "t" (milliseconds since start).',
    )
    expect(() => parseRunFrame({ type: 'stdout', data: 3, t: 1 })).toThrow('stdout frame without string data')
    expect(() => parseRunFrame({ type: 'start', id: 'x', backend: 'cloud', t: 0 })).toThrow(
      'start frame with unknown backend "cloud"',
    )
    expect(() => parseRunFrame({ type: 'exit', code: 1.5, signal: null, reason: 'exited', t: 1 })).toThrow(
      'exit frame code must be an integer or null',
    )
    expect(() => parseRunFrame({ type: 'exit', code: 0, signal: null, reason: 'crashed', t: 1 })).toThrow(
      'exit frame with unknown reason "crashed"',
    )
    expect(() => parseRunFrame({ type: 'progress', t: 1 })).toThrow('unknown frame type "progress"')
    expect(() => parseClientFrame({ type: 'resize' })).toThrow(
      'Malformed client frame: unknown client frame type "resize" (expected stdin or kill).',
    )
    expect(runFrameProblem({ type: 'stdout', data: 'x', t: -1 })).toMatch(/without a time/)
  })

  it('validates run specs', () => {
    const spec = { command: 'npm test', repo: 'automerge:x', branch: 'b1' }
    expect(parseRunSpec(spec)).toEqual(spec)
    expect(parseRunSpec({ ...spec, cwd: 'web', env: { CI: '1' }, timeoutMs: 5000 })).toMatchObject({
      cwd: 'web',
      timeoutMs: 5000,
    })
    expect(() => parseRunSpec({ ...spec, command: '  ' })).toThrow('the run spec needs a command')
    expect(() => parseRunSpec({ command: 'ls' })).toThrow(
      'the run spec needs the repo and branch its files come from',
    )
    expect(() => parseRunSpec({ ...spec, env: { 'BAD-NAME': 'x' } })).toThrow(
      'env name "BAD-NAME" is not a valid variable name',
    )
    expect(() => parseRunSpec({ ...spec, env: { A: 1 } })).toThrow('env A must be a string without NUL')
    expect(() => parseRunSpec({ ...spec, timeoutMs: 0 })).toThrow(/timeoutMs must be a whole number/)
    expect(() => parseRunSpec({ ...spec, command: 'a\0b' })).toThrow('NUL')
    // A run's folder comes from documents (suggestions, recent runs): it stays inside the run's files.
    for (const cwd of ['', '.', 'tools/fmt', 'tools/fmt/'])
      expect(parseRunSpec({ ...spec, cwd })).toMatchObject({ cwd })
    for (const cwd of ['..', 'tools/../..', '/etc', 'a\0b', 'a\\..\\b'])
      expect(() => parseRunSpec({ ...spec, cwd })).toThrow(/the working folder is refused/)
  })
})

describe('frame log', () => {
  it('starts with start, stamps times, ends once and drops output after exit', async () => {
    const log = new FrameLog('r1', 'browser')
    log.output('stdout', 'a')
    log.output('stderr', '')
    expect(log.finish(0, null, 'exited')).toBe(true)
    expect(log.finish(null, 'SIGKILL', 'killed')).toBe(false)
    log.output('stdout', 'late')
    const frames: RunFrame[] = []
    for await (const frame of log.frames()) frames.push(frame)
    expect(frames.map((f) => f.type)).toEqual(['start', 'stdout', 'exit'])
    expect(frames[2]).toMatchObject({ code: 0, reason: 'exited' })
    expect(await log.ended()).toBe(frames[2])
  })

  it('gives a late subscriber the start frame and the latest output within its bound, then live frames', async () => {
    const log = new FrameLog('r2', 'local', 10)
    for (const chunk of ['aaaa', 'bbbb', 'cccc']) log.output('stdout', chunk)
    const seen: string[] = []
    const iteration = (async () => {
      for await (const f of log.frames())
        seen.push(f.type === 'stdout' || f.type === 'stderr' ? f.data : f.type)
    })()
    log.output('stderr', 'dd')
    log.finish(1, null, 'exited')
    await iteration
    expect(seen).toEqual(['start', 'bbbb', 'cccc', 'dd', 'exit'])
  })

  it('keeps exactly the latest frames within its bound across many compactions', () => {
    const log = new FrameLog('r3', 'browser', 1_000)
    for (let i = 0; i < 20_000; i++) log.output('stdout', `${i}\n`)
    const kept: string[] = []
    log.subscribe((f) => {
      if (f.type === 'stdout') kept.push(f.data)
    })
    expect(kept.join('').length).toBeLessThanOrEqual(1_000)
    expect(kept.at(-1)).toBe('19999\n')
    // In order and contiguous: each frame follows the one before.
    kept.forEach((line, i) => {
      if (i) expect(Number(line)).toBe(Number(kept[i - 1]) + 1)
    })
    expect(kept.length).toBe(166)
  })
})

describe('run request wire format', () => {
  it('carries text as text and other bytes as base64, both ways', () => {
    const spec = { command: 'node x.js', repo: 'r', branch: 'b' }
    const binary = new Uint8Array([0, 255, 128, 10])
    const body = JSON.parse(
      encodeRunRequest(spec, [
        { path: 'x.js', bytes: new TextEncoder().encode('console.log("é")') },
        { path: 'img.bin', bytes: binary },
      ]),
    )
    expect(body.files).toEqual({ 'x.js': 'console.log("é")', 'img.bin': { base64: 'AP+ACg==' } })
    const decoded = decodeRunRequest(body)
    expect(decoded.spec).toEqual(spec)
    expect(decoded.files[1]).toEqual({ path: 'img.bin', bytes: binary })
    expect(new TextDecoder().decode(decoded.files[0].bytes)).toBe('console.log("é")')
  })

  it('rejects a malformed request with a message', () => {
    const spec = { command: 'true', repo: 'r', branch: 'b' }
    expect(() => decodeRunRequest({ spec, files: [] })).toThrow(
      'files must be an object of path → text or {base64}',
    )
    expect(() => decodeRunRequest({ spec, files: { a: 1 } })).toThrow('"a" must be text or {base64}')
    expect(() => decodeRunRequest({ spec, files: { a: { base64: '!!' } } })).toThrow(
      '"a" is not valid base64',
    )
    expect(() => decodeRunRequest({ files: {} })).toThrow(
      'Malformed run spec: a run spec must be a JSON object.',
    )
  })
})
