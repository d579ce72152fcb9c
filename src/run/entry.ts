/**
 * What the in-browser runner makes of a command line: which file to run, in which language, with
 * which arguments. The browser has no shell, so only plain commands are understood — `node x.js`,
 * `tsx src/main.ts`, `npm test` (through package.json scripts), `python main.py`, `python -m pkg` —
 * and anything else is refused with a reason pointing at the local runner.
 */

/** A run the browser runner can do. Paths are from the branch root. */
export type BrowserPlan =
  | { language: 'javascript'; entry: string; args: string[]; env: Record<string, string>; cwd: string }
  | {
      language: 'python'
      entry: string | null
      module: string | null
      args: string[]
      env: Record<string, string>
      cwd: string
    }

export class UnsupportedCommand extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UnsupportedCommand'
  }
}

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx']
const JS_RUNNERS = new Set(['node', 'tsx', 'ts-node', 'bun', 'deno'])
const PYTHONS = new Set(['python', 'python3'])
/** npm's own default when package.json has no start script. */
const DEFAULT_START = 'node server.js'

/** Splits a command line into words (quotes and backslashes as a shell would), refusing shell syntax. */
export function words(command: string): string[] {
  const out: string[] = []
  let word: string | null = null
  let quote: '"' | "'" | null = null
  for (let i = 0; i < command.length; i++) {
    const c = command[i]
    if (quote) {
      if (c === quote) quote = null
      else if (c === '\\' && quote === '"' && i + 1 < command.length) word += command[++i]
      else word += c
    } else if (c === '"' || c === "'") {
      quote = c
      word ??= ''
    } else if (c === '\\' && i + 1 < command.length) word = (word ?? '') + command[++i]
    else if (/\s/.test(c)) {
      if (word !== null) out.push(word)
      word = null
    } else if ('|;&<>`'.includes(c) || (c === '$' && command[i + 1] === '(')) {
      throw new UnsupportedCommand(
        `The browser runner has no shell, so "${command.slice(0, 60)}" (with "${c}") cannot run here; use the local runner.`,
      )
    } else word = (word ?? '') + c
  }
  if (quote) throw new UnsupportedCommand(`Unclosed ${quote} in "${command.slice(0, 60)}".`)
  if (word !== null) out.push(word)
  return out
}

/** `path` resolved against `folder` (both from the branch root), `.` and `..` folded. */
export const joinPath = (folder: string, path: string): string => {
  const parts = folder ? folder.split('/') : []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return parts.join('/')
}
export const folderOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')

export interface PlanInput {
  command: string
  /** Folder to run in, from the branch root. */
  cwd?: string
  env?: Record<string, string>
  /** Every file path of the branch. */
  paths: ReadonlySet<string>
  /** The text of a file (package.json is read to follow scripts); undefined when missing. */
  read: (path: string) => string | undefined
}

/** The browser plan for a command, or throws UnsupportedCommand saying why it cannot run in the browser. */
export function planBrowserRun(input: PlanInput): BrowserPlan {
  return plan(input, 0)
}

/** `depth` counts package.json scripts followed, which may call one another. */
function plan(input: PlanInput, depth: number): BrowserPlan {
  const cwd = joinPath('', input.cwd ?? '')
  const argv = words(input.command)
  const env: Record<string, string> = { ...input.env }
  while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0])) {
    const assignment = argv.shift()!
    env[assignment.slice(0, assignment.indexOf('='))] = assignment.slice(assignment.indexOf('=') + 1)
  }
  if (argv.length === 0) throw new UnsupportedCommand('Nothing to run.')
  let [program, ...args] = argv
  if (program === 'npx' && (args[0] === 'tsx' || args[0] === 'ts-node')) [program, ...args] = args
  if (program === 'deno' && args[0] === 'run') args = args.slice(1).filter((a) => !a.startsWith('-'))
  if (program === 'bun' && args[0] === 'run' && args[1] && isScript(args[1])) args = args.slice(1)

  const script = packageScript(program, args)
  if (script) {
    if (depth > 4)
      throw new UnsupportedCommand(`package.json scripts call each other too deeply at "${script.name}".`)
    const pkgPath = joinPath(cwd, 'package.json')
    const text = input.read(pkgPath)
    let scripts: Record<string, unknown> = {}
    if (text !== undefined) {
      try {
        scripts = (JSON.parse(text) as { scripts?: Record<string, unknown> }).scripts ?? {}
      } catch {
        throw new UnsupportedCommand(
          `${pkgPath} is not valid JSON, so "${input.command}" cannot be resolved.`,
        )
      }
    }
    const body =
      scripts[script.name] ??
      (script.name === 'start' && input.paths.has(joinPath(cwd, 'server.js')) ? DEFAULT_START : undefined)
    if (typeof body !== 'string')
      throw new UnsupportedCommand(
        `${text === undefined ? `There is no ${pkgPath}` : `${pkgPath} has no "${script.name}" script`}.`,
      )
    const extra = script.args.length ? ` ${script.args.map((a) => JSON.stringify(a)).join(' ')}` : ''
    return plan({ ...input, command: body + extra, cwd, env }, depth + 1)
  }

  const resolveFile = (arg: string, extensions: string[]) => {
    const base = joinPath(cwd, arg)
    for (const candidate of [
      base,
      ...extensions.map((e) => base + e),
      ...extensions.map((e) => `${base}/index${e}`),
    ])
      if (input.paths.has(candidate)) return candidate
    throw new UnsupportedCommand(`There is no file ${base || arg} on this branch.`)
  }

  if (JS_RUNNERS.has(program)) {
    const fileArg = args.findIndex((a) => !a.startsWith('-'))
    if (fileArg < 0)
      throw new UnsupportedCommand(`"${program}" without a file is a REPL; give it a file to run.`)
    return {
      language: 'javascript',
      entry: resolveFile(args[fileArg], JS_EXTENSIONS),
      args: args.slice(fileArg + 1),
      env,
      cwd,
    }
  }
  if (PYTHONS.has(program)) {
    let i = 0
    while (i < args.length && args[i].startsWith('-') && args[i] !== '-m') i++
    if (args[i] === '-m') {
      if (!args[i + 1]) throw new UnsupportedCommand('"python -m" needs a module name.')
      return { language: 'python', entry: null, module: args[i + 1], args: args.slice(i + 2), env, cwd }
    }
    if (i >= args.length)
      throw new UnsupportedCommand('"python" without a file is a REPL; give it a file to run.')
    const target = joinPath(cwd, args[i])
    const entry = input.paths.has(joinPath(target, '__main__.py'))
      ? joinPath(target, '__main__.py')
      : resolveFile(args[i], [])
    return { language: 'python', entry, module: null, args: args.slice(i + 1), env, cwd }
  }
  if (JS_EXTENSIONS.some((e) => program.endsWith(e)) && input.paths.has(joinPath(cwd, program)))
    return { language: 'javascript', entry: joinPath(cwd, program), args, env, cwd }
  if (program.endsWith('.py') && input.paths.has(joinPath(cwd, program)))
    return { language: 'python', entry: joinPath(cwd, program), module: null, args, env, cwd }
  throw new UnsupportedCommand(
    `The browser runner runs JavaScript, TypeScript and Python files, not "${program}"; use the local runner for it.`,
  )
}

const isScript = (name: string) => !/[./]/.test(name)

/** The package.json script a package-manager command names, if it is one. */
function packageScript(program: string, args: string[]): { name: string; args: string[] } | null {
  if (!['npm', 'yarn', 'pnpm', 'bun'].includes(program)) return null
  const [first, ...rest] = args
  if (first === undefined) throw new UnsupportedCommand(`"${program}" alone does nothing to run.`)
  if (first === 'run' || first === 'run-script') {
    if (!rest[0]) throw new UnsupportedCommand(`"${program} ${first}" needs a script name.`)
    return { name: rest[0], args: rest.slice(1).filter((a) => a !== '--') }
  }
  if (first === 'test' || first === 'start' || first === 't')
    return { name: first === 't' ? 'test' : first, args: rest.filter((a) => a !== '--') }
  if (['install', 'ci', 'add', 'i', 'exec', 'x', 'dlx'].includes(first))
    throw new UnsupportedCommand(
      `"${program} ${first}" installs or fetches packages, which the browser runner cannot do; use the local runner.`,
    )
  if (program !== 'npm' && isScript(first)) return { name: first, args: rest.filter((a) => a !== '--') }
  throw new UnsupportedCommand(`"${program} ${first}" is not a script the browser runner can follow.`)
}
