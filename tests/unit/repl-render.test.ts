import '@automerge/automerge-repo'
import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { Workspace } from '../../src/repo/Workspace.ts'
import { captureConsole, captureGlobalErrors, scriptExecutor } from '../../src/repl/Executor.ts'
import { inspectResult } from '../../src/repl/inspect.ts'
import {
  appendedRequests,
  fencedBlocks,
  LOG_FOOTER,
  renderIndex,
  renderLog,
} from '../../src/repl/markdown.ts'
import { ReplSession } from '../../src/repl/ReplSession.ts'
import type { RealmEvent } from '../../src/repl/types.ts'

describe('inspect', () => {
  const inspect = (value: unknown, maxChars = 16_000) => inspectResult(value, maxChars)

  it('renders plain data as Node does, with its JSON', () => {
    expect(inspect(2)).toEqual({ text: '2', json: '2' })
    expect(inspect({ a: [1, 'x', null], 'b-c': true })).toEqual({
      text: "{ a: [ 1, 'x', null ], 'b-c': true }",
      json: '{"a":[1,"x",null],"b-c":true}',
    })
  })

  it('renders cycles, functions, classes, DOM nodes and special objects as short text, without json', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' }
    cyclic.self = cyclic
    expect(inspect(cyclic)).toEqual({ text: "<ref *1> { name: 'loop', self: [Circular *1] }" })
    expect(inspect(function named() {}).text).toBe('[Function: named]')
    expect(inspect(class Widget {}).text).toBe('[class Widget]')
    const element = {
      nodeType: 1,
      nodeName: 'DIV',
      id: 'app',
      className: 'main wide',
      textContent: 'lots of text',
    }
    expect(inspect([element, { nodeType: 3, nodeName: '#text', textContent: 'hi' }]).text).toBe(
      "[ <div#app.main.wide>, #text 'hi' ]",
    )
    expect(inspect(new Map([['k', new Set([1])]])).text).toBe("Map(1) { 'k' => Set(1) { 1 } }")
    expect(inspect([undefined, 10n, Symbol('s'), new Date(0), /x/g, new Uint8Array([1, 2])]).text).toBe(
      '[ undefined, 10n, Symbol(s), 1970-01-01T00:00:00.000Z, /x/g, Uint8Array(2) [ 1, 2 ] ]',
    )
    expect(inspect(new TypeError('bad')).text).toMatch(/^TypeError: bad\n {4}at /)
  })

  it('survives throwing getters and hostile proxies, and bounds depth, items and size', () => {
    const getter = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('no access')
      },
    })
    expect(inspect(getter).text).toBe('{ boom: [Thrown: no access] }')
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap')
        },
        getPrototypeOf() {
          throw new Error('trap')
        },
      },
    )
    expect(inspect(hostile).text).toMatch(/^\[Uninspectable: trap\]$|^{}$/)
    expect(inspect({ a: { b: { c: { d: { e: { f: 1 } } } } } }).text).toBe(
      '{ a: { b: { c: { d: { e: [Object] } } } } }',
    )
    expect(inspect(Array.from({ length: 150 }, (_, i) => i)).text).toMatch(
      /\n {2}99,\n {2}\.\.\. 50 more items\n\]$/,
    )
    const big = inspect('x'.repeat(50_000), 100).text
    expect(big.length).toBeLessThan(150)
    expect(big).toMatch(/… \(\d+ more characters\)$/)
  })
})

describe('script executor (page and worker wiring)', () => {
  it('captures console calls and keeps the originals working', async () => {
    const printed: unknown[][] = []
    const fakeConsole = {
      log: (...a: unknown[]) => printed.push(a),
      info: () => {},
      warn: () => {},
      error: () => {},
      debug: () => {},
    }
    const original = fakeConsole.log
    const events: RealmEvent[] = []
    const executor = scriptExecutor(
      (code) => new Function('console', `return (${code})`)(fakeConsole),
      [captureConsole(fakeConsole)],
    )
    const stop = executor.listen((e) => events.push(e))
    expect(await executor.run('console.log("hi", {n: 1}) ?? 3', 'javascript')).toEqual({
      ok: true,
      text: '3',
      json: '3',
    })
    expect(events.map((e) => `${e.kind} ${e.text}`)).toEqual(['log hi { n: 1 }'])
    expect(printed).toEqual([['hi', { n: 1 }]])
    stop()
    expect(fakeConsole.log).toBe(original)
  })

  it('supports top-level await, as an expression or as statements', async () => {
    const executor = scriptExecutor((code) => (0, eval)(code), [])
    expect(await executor.run('await Promise.resolve(5)', 'javascript')).toEqual({
      ok: true,
      text: '5',
      json: '5',
    })
    expect(await executor.run('const x = await Promise.resolve(2)\nreturn x * 3', 'javascript')).toEqual({
      ok: true,
      text: '6',
      json: '6',
    })
    expect(await executor.run('await (', 'javascript')).toMatchObject({
      ok: false,
      error: { name: 'SyntaxError' },
    })
  })

  it('reports error and unhandledrejection events of a window or worker global', () => {
    const target = new EventTarget()
    const events: RealmEvent[] = []
    const stop = scriptExecutor(() => undefined, [captureGlobalErrors(target)]).listen((e) => events.push(e))
    target.dispatchEvent(
      Object.assign(new Event('error'), {
        error: new ReferenceError('y is not defined'),
        message: 'Uncaught ReferenceError',
      }),
    )
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: new Error('rejected') }))
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'just a string' }))
    stop()
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: 'after stop' }))
    expect(events.map((e) => `${e.kind} ${e.text}`)).toEqual([
      'uncaught ReferenceError: y is not defined',
      'unhandled-rejection Error: rejected',
      "unhandled-rejection Thrown: 'just a string'",
    ])
    expect(events[0].stack).toContain('y is not defined')
  })
})

describe('Markdown', () => {
  async function sessionWithLog() {
    const repo = new Repo({ network: [] })
    const session = await ReplSession.ensure(repo, Workspace.create(repo, 'md').handle)
    session.register('r1', {
      kind: 'tab',
      label: 'Tab 1',
      owner: 'peer-1',
      instance: 'i1',
      heartbeatMs: 60_000,
    })
    const ok = await session.request({ realm: 'r1', code: '1+1', requester: 'agent' })
    session.claim('i1', ok.id)
    session.executing('i1', ok.id)
    session.finish('i1', ok.id, { ok: true, text: '2', json: '2' })
    session.appendEvents('i1', [
      { kind: 'log', text: 'hello', time: Date.now() },
      { kind: 'unhandled-rejection', text: 'Error: late', stack: 'Error: late\n    at x', time: Date.now() },
    ])
    const bad = await session.request({ realm: 'r1', code: 'a ```fence``` b', requester: 'agent' })
    session.claim('i1', bad.id)
    session.executing('i1', bad.id)
    session.finish('i1', bad.id, {
      ok: false,
      error: {
        name: 'ReferenceError',
        message: 'a is not defined',
        stack: 'ReferenceError: a is not defined\n    at repl:1',
      },
    })
    await session.request({ realm: 'r1', code: 'pending()', requester: 'agent' })
    return session
  }

  it('renders the registry and a realm log an agent can read', async () => {
    const session = await sessionWithLog()
    expect(renderIndex(session, 'md')).toMatch(
      /^# REPL realms: md\n[\s\S]*\* \*\*Tab 1\*\* `r1` \(tab\) idle, last heartbeat \d\d:\d\d:\d\d UTC, 3 jobs\n$/,
    )
    const log = renderLog(session, 'r1')
    expect(log).toContain('> **agent** to Tab 1 at')
    expect(log).toContain('```javascript\n1+1\n```')
    expect(log).toMatch(/> \*\*Tab 1\*\* to agent at \d\d:\d\d:\d\d \(\d+ ms\)\n```JSON\n2\n```/)
    expect(log).toContain('> **Tab 1** background at')
    expect(log).toContain('```Text console.log\nhello\n```')
    expect(log).toContain('```Error unhandled-rejection\nError: late\n    at x\n```')
    expect(log).toContain('````javascript\na ```fence``` b\n````')
    expect(log).toContain('(**ERROR** after')
    expect(log).toContain('```Error\nReferenceError: a is not defined\n    at repl:1\n```')
    expect(log).toContain('pending()\n```\n\n> requested…')
    expect(log.trimEnd().endsWith(LOG_FOOTER)).toBe(true)
    // The log's own blocks are not requests; only what follows the footer is.
    expect(
      appendedRequests(`${log}\nLet me check:\n\n\`\`\`js\ndocument.title\n\`\`\`\n\n\`\`\`js\nunfinished`),
    ).toEqual([{ language: 'javascript', code: 'document.title' }])
    expect(() => appendedRequests(`${log}\nno code here\n`)).toThrow('Nothing to run')
  })

  it('finds complete fenced blocks with their language', () => {
    expect(
      fencedBlocks('text\n```JS\na\n```\n~~~python\nb\n\n~~~\n````\nc ``` d\n````\n```ts\nopen'),
    ).toEqual([
      { language: 'javascript', code: 'a' },
      { language: 'python', code: 'b\n' },
      { language: 'javascript', code: 'c ``` d' },
    ])
  })
})
