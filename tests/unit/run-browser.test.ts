import { Worker as ThreadWorker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { BrowserRunner } from '../../src/run/browser/browserRunner.ts'
import { planBrowserRun, UnsupportedCommand, words, type PlanInput } from '../../src/run/entry.ts'
import type { RunFile } from '../../src/run/Runner.ts'
import { formatArgs } from '../../src/model/inspect.ts'
import { createStdinBuffer, StdinReader, StdinWriter } from '../../src/run/stdinChannel.ts'
import { branchFolder, toFileTree } from '../../src/run/webcontainerRunner.ts'
import { collect, runnerContract } from './runner-contract.ts'

const ROOT = new URL('../../', import.meta.url).href

/**
 * The run worker's core in a Node worker thread, standing in for the browser's module Worker: the
 * same `runWorker` with Node's esbuild-wasm and Pyodide, the program imported from a data: URL.
 */
const THREAD_SOURCE = `
const { parentPort } = require('node:worker_threads')
const realProcess = process
;(async () => {
  const { register } = await import(${JSON.stringify(`${ROOT}node_modules/tsx/dist/esm/api/index.mjs`)})
  register()
  const { runWorker } = await import(${JSON.stringify(`${ROOT}src/run/runWorkerCore.ts`)})
  const esbuild = await import('esbuild-wasm')
  const handle = runWorker({
    post: (message) => parentPort.postMessage(message),
    scope: globalThis,
    bundler: async () => esbuild,
    python: async () => (await import(${JSON.stringify(`${ROOT}node_modules/pyodide/pyodide.mjs`)})).loadPyodide({ indexURL: ${JSON.stringify(new URL(`${ROOT}node_modules/pyodide/`).pathname)} }),
    importModule: (code) => import('data:text/javascript;base64,' + Buffer.from(code).toString('base64')),
    onUncaught(listener) {
      realProcess.on('uncaughtException', listener)
      realProcess.on('unhandledRejection', listener)
    },
  })
  parentPort.on('message', handle)
})()
`

/** A worker thread dressed as a DOM Worker, as BrowserRunner drives one. */
function threadWorker(): Worker {
  const thread = new ThreadWorker(THREAD_SOURCE, {
    eval: true,
    cwd: new URL(ROOT).pathname,
  } as ConstructorParameters<typeof ThreadWorker>[1])
  const worker = {
    onmessage: null as ((event: { data: unknown }) => void) | null,
    onerror: null as ((event: { message: string }) => void) | null,
    postMessage: (message: unknown) => thread.postMessage(message),
    terminate: () => void thread.terminate(),
  }
  thread.on('message', (data) => worker.onmessage?.({ data }))
  thread.on('error', (error) => worker.onerror?.({ message: error.message }))
  return worker as unknown as Worker
}

const runner = () => new BrowserRunner({ createWorker: threadWorker })
const file = (path: string, text: string): RunFile => ({ path, bytes: new TextEncoder().encode(text) })
const spec = (command: string) => ({ command, repo: 'r', branch: 'main' })
const stdout = (frames: Awaited<ReturnType<typeof collect>>) =>
  frames.map((f) => (f.type === 'stdout' ? f.data : '')).join('')
const stderr = (frames: Awaited<ReturnType<typeof collect>>) =>
  frames.map((f) => (f.type === 'stderr' ? f.data : '')).join('')

describe('browser runner (worker core in a Node thread)', () => {
  describe('JavaScript frame contract', () => {
    runnerContract(() => ({
      runner: runner(),
      commands: { ordered: 'node ordered.js', forever: 'tsx forever.ts', readsFile: 'node reads.js' },
      files: [
        file(
          'ordered.js',
          "console.log('one')\nsetTimeout(() => { console.error('two'); setTimeout(() => { console.log('three'); process.exit(3) }, 100) }, 100)\n",
        ),
        file('forever.ts', "const tick: number = 1000\nconsole.log('ready')\nsetInterval(() => {}, tick)\n"),
        file('reads.js', "import hello from './data/hello.txt'\nconsole.log(hello.trim())\n"),
      ],
    }))
  })

  describe('Python frame contract', () => {
    runnerContract(() => ({
      runner: runner(),
      commands: {
        ordered: 'python ordered.py',
        forever: 'python3 forever.py',
        readsFile: 'python -m reader',
      },
      files: [
        file(
          'ordered.py',
          "import sys, time\nprint('one', flush=True)\ntime.sleep(0.1)\nprint('two', file=sys.stderr, flush=True)\ntime.sleep(0.1)\nprint('three', flush=True)\nsys.exit(3)\n",
        ),
        file('forever.py', "print('ready', flush=True)\nwhile True:\n    pass\n"),
        file('reader.py', "print(open('data/hello.txt').read(), end='')\n"),
      ],
    }))
  }, 60_000)

  it('bundles TypeScript across files, with Node-like console output, argv, env and exit codes', async () => {
    const run = await runner().start({ ...spec('GREETING=hi npm test -- extra'), cwd: 'app' }, [
      file('app/package.json', JSON.stringify({ scripts: { test: 'tsx src/main.ts --flag' } })),
      file(
        'app/src/main.ts',
        "import { shape } from './shape.js'\nconsole.log('%s from %s', process.env.GREETING, 'ts', shape, [1, 'a'], new Map([['k', 1]]))\nconsole.log(process.argv.slice(2).join(' '))\nawait new Promise((r) => setTimeout(r, 20))\nprocess.exitCode = 4\n",
      ),
      file(
        'app/src/shape.ts',
        "export const shape: { kind: string; sides: number } = { kind: 'square', sides: 4 }\n",
      ),
    ])
    const frames = await collect(run.frames())
    expect(stdout(frames)).toBe(
      "hi from ts { kind: 'square', sides: 4 } [ 1, 'a' ] Map(1) { 'k' => 1 }\n--flag extra\n",
    )
    expect(frames.at(-1)).toMatchObject({ code: 4, reason: 'exited' })
  })

  it('reports an uncaught error with exit 1, and a missing import with its location', async () => {
    const thrown = await collect(
      (
        await runner().start(spec('node bad.js'), [
          file('bad.js', "setTimeout(() => { throw new TypeError('nope') }, 5)\n"),
        ])
      ).frames(),
    )
    expect(stderr(thrown)).toMatch(/^Uncaught TypeError: nope/)
    expect(thrown.at(-1)).toMatchObject({ code: 1, reason: 'exited' })
    const missing = await collect(
      (
        await runner().start(spec('node a.js'), [file('a.js', "import './gone.js'\nimport 'left-pad'\n")])
      ).frames(),
    )
    expect(stderr(missing)).toBe(
      'a.js:1:8: Cannot find "./gone.js" (imported from a.js) on this branch.\na.js:2:8: "left-pad" is a package, and the browser runner has only the branch\'s own files (no installed packages); use the local runner.\n',
    )
  })

  it('forwards stdin to process.stdin listeners', async () => {
    const run = await runner().start(spec('node echo.js'), [
      file(
        'echo.js',
        "process.stdin.on('data', (d) => { console.log('got ' + d.trim()); process.exit(0) })\n",
      ),
    ])
    const frames = collect(run.frames())
    setTimeout(() => run.stdin('typed\n'), 500)
    expect(stdout(await frames)).toBe('got typed\n')
  })

  it('feeds typed input to Python input() through shared memory', async () => {
    const run = await runner().start(spec('python ask.py'), [
      file(
        'ask.py',
        "print('name?', flush=True)\nname = input()\nprint('hi ' + name + ' ' + str(len(input())))\n",
      ),
    ])
    const frames = await collect(run.frames(), (frame) => {
      if (frame.type === 'stdout' && frame.data.includes('name?'))
        run.stdin('Ada\n' + 'é'.repeat(40_000) + '\n')
    })
    expect(stdout(frames)).toBe('name?\nhi Ada 40000\n')
    expect(frames.at(-1)).toMatchObject({ code: 0 })
  }, 30_000)

  it('shows a Python traceback from the user file and exits 1', async () => {
    const frames = await collect(
      (
        await runner().start(spec('python main.py'), [
          file('main.py', "def f():\n    raise ValueError('boom')\nf()\n"),
        ])
      ).frames(),
    )
    expect(stderr(frames)).toMatch(
      /^Traceback \(most recent call last\):\n {2}File "\/home\/pyodide\/project\/main.py", line 3/,
    )
    expect(stderr(frames)).toMatch(/ValueError: boom\n$/)
    expect(frames.at(-1)).toMatchObject({ code: 1 })
  }, 30_000)

  it('ends at once with reason error and the reason when the command cannot run in the browser', async () => {
    const frames = await collect((await runner().start(spec('cargo test'), [])).frames())
    expect(frames.map((f) => f.type)).toEqual(['start', 'stderr', 'exit'])
    expect(stderr(frames)).toBe(
      'The browser runner runs JavaScript, TypeScript and Python files, not "cargo"; use the local runner for it.\n',
    )
    expect(frames.at(-1)).toMatchObject({ code: null, reason: 'error' })
  })
})

describe('browser command plans', () => {
  const input = (command: string, files: Record<string, string> = {}, cwd?: string): PlanInput => ({
    command,
    cwd,
    paths: new Set(Object.keys(files)),
    read: (path) => files[path],
  })

  it('splits words like a shell and refuses shell syntax', () => {
    expect(words(`node "my file.js" 'a b' c\\ d`)).toEqual(['node', 'my file.js', 'a b', 'c d'])
    expect(() => words('npm test && npm run build')).toThrow(UnsupportedCommand)
    expect(() => words('cat x | grep y')).toThrow(/has no shell/)
    expect(() => words('echo "open')).toThrow('Unclosed " in "echo "open".')
  })

  it('resolves node/tsx/deno/bun entries, extensions and index files', () => {
    const files = { 'x.js': '', 'src/main.ts': '', 'lib/index.mjs': '' }
    expect(planBrowserRun(input('node x.js a b', files))).toEqual({
      language: 'javascript',
      entry: 'x.js',
      args: ['a', 'b'],
      env: {},
      cwd: '',
    })
    expect(planBrowserRun(input('npx tsx src/main', files))).toMatchObject({ entry: 'src/main.ts' })
    expect(planBrowserRun(input('deno run --allow-read src/main.ts', files))).toMatchObject({
      entry: 'src/main.ts',
    })
    expect(planBrowserRun(input('node --enable-source-maps ../lib', files, 'src'))).toMatchObject({
      entry: 'lib/index.mjs',
      cwd: 'src',
    })
    expect(() => planBrowserRun(input('node missing.js', files))).toThrow(
      'There is no file missing.js on this branch.',
    )
    expect(() => planBrowserRun(input('node', files))).toThrow(/is a REPL/)
  })

  it('follows package.json scripts through npm, yarn, pnpm and bun, with env prefixes', () => {
    const files = {
      'package.json': JSON.stringify({
        scripts: {
          test: 'NODE_ENV=test node test.js',
          start: 'npm run serve',
          serve: 'node server.js --port 3000',
          build: 'tsc -b',
        },
      }),
      'test.js': '',
      'server.js': '',
    }
    expect(planBrowserRun(input('npm test', files))).toEqual({
      language: 'javascript',
      entry: 'test.js',
      args: [],
      env: { NODE_ENV: 'test' },
      cwd: '',
    })
    expect(planBrowserRun(input('npm start', files))).toMatchObject({
      entry: 'server.js',
      args: ['--port', '3000'],
    })
    expect(planBrowserRun(input('yarn test', files))).toMatchObject({ entry: 'test.js' })
    expect(planBrowserRun(input('pnpm run serve -- --verbose', files))).toMatchObject({
      args: ['--port', '3000', '--verbose'],
    })
    expect(() => planBrowserRun(input('npm run build', files))).toThrow(
      'The browser runner runs JavaScript, TypeScript and Python files, not "tsc"; use the local runner for it.',
    )
    expect(() => planBrowserRun(input('npm run lint', files))).toThrow('package.json has no "lint" script.')
    expect(() => planBrowserRun(input('npm install', files))).toThrow(/installs or fetches packages/)
    expect(planBrowserRun(input('npm start', { 'server.js': '' }))).toMatchObject({ entry: 'server.js' })
    expect(() => planBrowserRun(input('npm test', { 'package.json': '{' }))).toThrow(
      'package.json is not valid JSON, so "npm test" cannot be resolved.',
    )
  })

  it('resolves python files, packages and modules', () => {
    const files = { 'main.py': '', 'tool/__main__.py': '', 'scripts/run.py': '' }
    expect(planBrowserRun(input('python3 -u main.py x', files))).toEqual({
      language: 'python',
      entry: 'main.py',
      module: null,
      args: ['x'],
      env: {},
      cwd: '',
    })
    expect(planBrowserRun(input('python tool', files))).toMatchObject({ entry: 'tool/__main__.py' })
    expect(planBrowserRun(input('python -m pytest -q', files))).toMatchObject({
      entry: null,
      module: 'pytest',
      args: ['-q'],
    })
    expect(planBrowserRun(input('python run.py', files, 'scripts'))).toMatchObject({
      entry: 'scripts/run.py',
      cwd: 'scripts',
    })
  })
})

describe('stdin channel', () => {
  it('hands over what was written, in order, and refuses what does not fit until read', () => {
    const buffer = createStdinBuffer(8)
    const writer = new StdinWriter(buffer)
    const reader = new StdinReader(buffer)
    const read = (size: number) => {
      const target = new Uint8Array(size)
      return new TextDecoder().decode(target.subarray(0, reader.readInto(target)))
    }
    expect(writer.write('abc')).toBe(true)
    expect(writer.write('déf')).toBe(true)
    expect(writer.write('xy')).toBe(false)
    expect(read(2)).toBe('ab')
    expect(read(100)).toBe('cdéf')
    expect(writer.write('12345678')).toBe(true)
    expect(read(8)).toBe('12345678')
  })
})

describe('console formatting', () => {
  it('formats like Node: printf tokens, inspected values, errors with stacks', () => {
    expect(formatArgs(['%s is %d years, %i%%', 'Ada', 36.6, 7.9])).toBe('Ada is 36.6 years, 7%')
    expect(formatArgs(['%j', { a: [1] }, 'extra'])).toBe('{"a":[1]} extra')
    expect(formatArgs([{ nested: { deeper: { deepest: { gone: 1 } } } }])).toBe(
      '{ nested: { deeper: { deepest: [Object] } } }',
    )
    expect(formatArgs([null, undefined, 10n, Symbol('s'), () => 1, class Shape {}])).toBe(
      'null undefined 10n Symbol(s) [Function (anonymous)] [class Shape]',
    )
    expect(formatArgs([new Set(['a']), { 'needs-quotes': true }, []])).toBe(
      "Set(1) { 'a' } { 'needs-quotes': true } []",
    )
    const circular: Record<string, unknown> = { name: 'loop' }
    circular.self = circular
    expect(formatArgs([circular])).toBe("<ref *1> { name: 'loop', self: [Circular *1] }")
    expect(formatArgs([new Error('bad')])).toMatch(/^Error: bad\n {4}at /)
    expect(formatArgs([Array.from({ length: 30 }, (_, i) => i)])).toBe(
      `[\n${Array.from({ length: 30 }, (_, i) => `  ${i}`).join(',\n')}\n]`,
    )
  })
})

describe('WebContainer mounting', () => {
  it('nests the branch files into a mount tree, and names a stable folder per branch', () => {
    const bytes = new Uint8Array([1])
    expect(
      toFileTree([
        { path: 'a/b/c.txt', bytes },
        { path: 'a/d.txt', bytes },
        { path: 'e', bytes },
      ]),
    ).toEqual({
      a: {
        directory: {
          b: { directory: { 'c.txt': { file: { contents: bytes } } } },
          'd.txt': { file: { contents: bytes } },
        },
      },
      e: { file: { contents: bytes } },
    })
    expect(() =>
      toFileTree([
        { path: 'a', bytes },
        { path: 'a/b', bytes },
      ]),
    ).toThrow('"a/b" needs "a" to be a folder, but it is a file.')
    expect(branchFolder('automerge:4Xy', 'b/../1')).toBe('automerge_4Xy-b_1')
  })
})
