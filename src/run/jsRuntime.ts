import { formatArgs } from '../model/inspect.ts'

/** Where a program's output and end go. */
export interface RuntimeIo {
  write(type: 'stdout' | 'stderr', text: string): void
}

/** What the program sees of its invocation. */
export interface RuntimeInvocation {
  entry: string
  args: string[]
  env: Record<string, string>
  cwd: string
}

/** The globals a runtime patches: a worker's `self`, or a stand-in in tests. */
export interface RuntimeScope {
  console: Console
  setTimeout: typeof setTimeout
  setInterval: typeof setInterval
  clearTimeout: typeof clearTimeout
  clearInterval: typeof clearInterval
  fetch?: typeof fetch
  [name: string]: unknown
}

/** Thrown by `process.exit()` to unwind the program. */
class Exit {
  constructor(readonly code: number) {}
}

type Listener = (chunk: string) => void

/**
 * A small Node-like world for a program in a worker: `console.*` becomes stdout/stderr text,
 * `process` has argv, env, exit, cwd, stdout/stderr.write and a stdin that receives typed input.
 * The program has finished when its module has been evaluated and nothing is pending — no timer,
 * no fetch in flight, no stdin listener — as Node decides with its event loop.
 */
export class JsRuntime {
  readonly #io: RuntimeIo
  readonly #scope: RuntimeScope
  readonly #timers = new Set<unknown>()
  #inFlight = 0
  readonly #stdinListeners = new Set<Listener>()
  #unread: string[] = []
  #loaded = false
  #finish!: (code: number) => void
  readonly #finished: Promise<number>
  #exitCode: number | undefined
  #done = false

  constructor(scope: RuntimeScope, invocation: RuntimeInvocation, io: RuntimeIo) {
    this.#scope = scope
    this.#io = io
    this.#finished = new Promise((resolve) => {
      this.#finish = resolve
    })
    this.#patchConsole()
    this.#patchTimers()
    scope.process = this.#process(invocation)
  }

  /** Evaluates the program (`load` imports its module) and resolves with its exit code. */
  run(load: () => Promise<unknown>): Promise<number> {
    load().then(
      () => {
        this.#loaded = true
        this.#settle()
      },
      (error) => this.#fail(error),
    )
    return this.#finished
  }

  /** Typed input for the program's `process.stdin` listeners; held until the first one listens, as a pipe would. */
  stdin(data: string): void {
    if (this.#stdinListeners.size === 0) this.#unread.push(data)
    for (const listener of this.#stdinListeners) this.#guard(() => listener(data))
  }

  /** Reports an error that escaped the program (an uncaught exception or unhandled rejection). */
  fail(error: unknown): void {
    this.#fail(error)
  }

  #end(code: number): void {
    if (this.#done) return
    this.#done = true
    this.#finish(code)
  }

  #fail(error: unknown): void {
    if (error instanceof Exit) return this.#end(error.code)
    this.#io.write('stderr', `Uncaught ${formatArgs([error])}\n`)
    this.#end(1)
  }

  /** Runs program code, turning `process.exit` and throws into the run's end. */
  #guard(body: () => void): void {
    if (this.#done) return
    try {
      body()
    } catch (error) {
      this.#fail(error)
    }
  }

  /** Ends the run once nothing is pending; checked after pending microtasks have run. */
  #settle(): void {
    this.#original.setTimeout(() => {
      if (this.#loaded && this.#timers.size === 0 && this.#inFlight === 0 && this.#stdinListeners.size === 0)
        this.#end(this.#exitCode ?? 0)
    }, 0)
  }

  #original!: Pick<RuntimeScope, 'setTimeout' | 'setInterval' | 'clearTimeout' | 'clearInterval'>

  #patchConsole(): void {
    const out =
      (type: 'stdout' | 'stderr') =>
      (...args: unknown[]) =>
        this.#io.write(type, `${formatArgs(args)}\n`)
    const console = this.#scope.console
    for (const name of ['log', 'info', 'debug', 'dir', 'table'] as const) console[name] = out('stdout')
    for (const name of ['warn', 'error'] as const) console[name] = out('stderr')
    console.trace = (...args: unknown[]) =>
      this.#io.write(
        'stderr',
        `Trace: ${formatArgs(args)}\n${new Error().stack?.split('\n').slice(2).join('\n') ?? ''}\n`,
      )
  }

  #patchTimers(): void {
    const scope = this.#scope
    this.#original = {
      setTimeout: scope.setTimeout.bind(scope),
      setInterval: scope.setInterval.bind(scope),
      clearTimeout: scope.clearTimeout.bind(scope),
      clearInterval: scope.clearInterval.bind(scope),
    }
    const original = this.#original
    const timers = this.#timers
    scope.setTimeout = ((callback: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const id = original.setTimeout(() => {
        timers.delete(id)
        this.#guard(() => callback(...args))
        this.#settle()
      }, ms)
      timers.add(id)
      return id
    }) as typeof setTimeout
    scope.setInterval = ((callback: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const id = original.setInterval(() => this.#guard(() => callback(...args)), ms)
      timers.add(id)
      return id
    }) as typeof setInterval
    const clear = (id: unknown) => {
      original.clearTimeout(id as ReturnType<typeof setTimeout>)
      original.clearInterval(id as ReturnType<typeof setInterval>)
      if (timers.delete(id)) this.#settle()
    }
    scope.clearTimeout = clear as typeof clearTimeout
    scope.clearInterval = clear as typeof clearInterval
    const fetch = scope.fetch
    if (fetch) {
      scope.fetch = ((...args: Parameters<typeof fetch>) => {
        this.#inFlight++
        return fetch(...args).finally(() => {
          this.#inFlight--
          this.#settle()
        })
      }) as typeof fetch
    }
  }

  #process(invocation: RuntimeInvocation) {
    // The process object's getters and methods have their own `this`; they reach the runtime by name.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const runtime = this
    const stream = (type: 'stdout' | 'stderr') => ({
      write: (chunk: unknown) => {
        this.#io.write(
          type,
          typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk as Uint8Array),
        )
        return true
      },
      isTTY: false,
    })
    return {
      argv: ['node', `/${invocation.entry}`, ...invocation.args],
      env: { ...invocation.env },
      platform: 'browser',
      // No `node` key: libraries that sniff for Node see that this is not Node.
      versions: {},
      cwd: () => `/${invocation.cwd}`,
      exit(code?: number) {
        throw new Exit(code ?? runtime.#exitCode ?? 0)
      },
      get exitCode() {
        return runtime.#exitCode
      },
      set exitCode(code: number | undefined) {
        runtime.#exitCode = code
      },
      nextTick: (callback: (...a: unknown[]) => void, ...args: unknown[]) =>
        queueMicrotask(() => this.#guard(() => callback(...args))),
      stdout: stream('stdout'),
      stderr: stream('stderr'),
      stdin: {
        isTTY: false,
        setEncoding() {},
        on(event: string, listener: Listener) {
          if (event !== 'data') return this
          runtime.#stdinListeners.add(listener)
          const unread = runtime.#unread.splice(0)
          if (unread.length) queueMicrotask(() => runtime.#guard(() => listener(unread.join(''))))
          return this
        },
        off(event: string, listener: Listener) {
          if (event === 'data' && runtime.#stdinListeners.delete(listener)) runtime.#settle()
          return this
        },
      },
      on() {
        return this
      },
    }
  }
}
