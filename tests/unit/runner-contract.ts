import { expect, it } from 'vitest'
import type { RunFrame, RunSpec } from '../../src/run/frames.ts'
import { runFrameProblem } from '../../src/run/frames.ts'
import type { RunFile, Runner } from '../../src/run/Runner.ts'

/** Commands in the backend's own language that behave as the contract needs. */
export interface ContractCommands {
  /** Prints `one` to stdout, then `two` to stderr, then `three` to stdout (pausing between), then exits with code 3. */
  ordered: string
  /** Prints `ready` to stdout, then runs until stopped. */
  forever: string
  /** Prints the content of the file `data/hello.txt` (from the files handed over). */
  readsFile: string
}

export interface ContractSetup {
  runner: Runner
  commands: ContractCommands
  /** Files the backend's commands need (scripts), handed over with `data/hello.txt`. */
  files?: RunFile[]
}

const spec = (command: string, extra: Partial<RunSpec> = {}): RunSpec => ({
  command,
  repo: 'contract',
  branch: 'main',
  ...extra,
})
const hello: RunFile = { path: 'data/hello.txt', bytes: new TextEncoder().encode('hello from the branch\n') }

/** Collects every frame of a run, checking each against the schema. */
export async function collect(
  frames: AsyncIterable<RunFrame>,
  onFrame: (frame: RunFrame) => void = () => {},
): Promise<RunFrame[]> {
  const seen: RunFrame[] = []
  for await (const frame of frames) {
    expect(runFrameProblem(frame)).toBeNull()
    seen.push(frame)
    onFrame(frame)
  }
  return seen
}

const text = (frames: RunFrame[], type: 'stdout' | 'stderr') =>
  frames
    .filter((f) => f.type === type)
    .map((f) => (f as { data: string }).data)
    .join('')

/** The frame-schema contract every runner backend passes; call it inside the backend's `describe`. */
export function runnerContract(contract: () => ContractSetup): void {
  const setup = () => {
    const chosen = contract()
    return { ...chosen, files: [hello, ...(chosen.files ?? [])] }
  }
  it('opens with a start frame, keeps stdout/stderr order, and ends with one exit frame carrying the code', async () => {
    const { runner, commands, files } = setup()
    const run = await runner.start(spec(commands.ordered), files)
    const frames = await collect(run.frames())
    expect(frames[0]).toEqual({ type: 'start', id: run.id, backend: runner.backend, t: 0 })
    const last = frames.at(-1)!
    expect(last).toMatchObject({ type: 'exit', code: 3, reason: 'exited' })
    expect(frames.filter((f) => f.type === 'exit')).toHaveLength(1)
    const output = frames
      .filter((f) => f.type === 'stdout' || f.type === 'stderr')
      .map((f) => `${f.type}:${(f as { data: string }).data.trim()}`)
      .filter((l) => !l.endsWith(':'))
    expect(output).toEqual(['stdout:one', 'stderr:two', 'stdout:three'])
    const times = frames.map((f) => f.t)
    expect([...times].sort((a, b) => a - b)).toEqual(times)
  })

  it('runs over the files it was given', async () => {
    const { runner, commands, files } = setup()
    const frames = await collect((await runner.start(spec(commands.readsFile), files)).frames())
    expect(text(frames, 'stdout')).toContain('hello from the branch')
    expect(frames.at(-1)).toMatchObject({ type: 'exit', code: 0, reason: 'exited' })
  })

  it('ends with reason killed when stopped', async () => {
    const { runner, commands, files } = setup()
    const run = await runner.start(spec(commands.forever), files)
    const frames = await collect(run.frames(), (frame) => {
      if (frame.type === 'stdout' && frame.data.includes('ready')) run.kill()
    })
    expect(frames.at(-1)).toMatchObject({ type: 'exit', reason: 'killed' })
  })

  it('ends with reason timeout when the time limit passes', async () => {
    const { runner, commands, files } = setup()
    const run = await runner.start(spec(commands.forever, { timeoutMs: 300 }), files)
    const frames = await collect(run.frames())
    expect(frames.at(-1)).toMatchObject({ type: 'exit', reason: 'timeout' })
    expect(frames.at(-1)!.t).toBeGreaterThanOrEqual(250)
  })
}
