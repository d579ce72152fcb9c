import type { PyodideAPI } from 'pyodide'
import type { RuntimeIo } from './jsRuntime.ts'
import type { BrowserPlan } from './entry.ts'
import type { StdinReader } from './stdinChannel.ts'

/** Where the branch's files live inside Pyodide's file system. */
export const PROJECT_ROOT = '/home/pyodide/project'

/** Runs the entry as `python FILE` / `python -m MODULE` would, returning the exit code. */
const DRIVER = `
import json, os, sys, runpy, traceback

def _weft_main(request):
    r = json.loads(request)
    os.environ.update(r["env"])
    os.chdir(r["cwd"])
    try:
        if r["module"]:
            sys.argv = [r["module"], *r["args"]]
            sys.path.insert(0, r["cwd"])
            runpy.run_module(r["module"], run_name="__main__", alter_sys=True)
        else:
            sys.argv = [r["entry"], *r["args"]]
            sys.path.insert(0, os.path.dirname(r["entry"]))
            runpy.run_path(r["entry"], run_name="__main__")
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        print(exit.code, file=sys.stderr)
        return 1
    except BaseException as error:
        # Drop this driver's and runpy's own frames: the user's traceback starts at their file.
        tb = error.__traceback__
        while tb is not None and not tb.tb_frame.f_code.co_filename.startswith(${JSON.stringify(PROJECT_ROOT)}):
            tb = tb.tb_next
        traceback.print_exception(type(error), error, tb)
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0
`

type PythonPlan = Extract<BrowserPlan, { language: 'python' }>

/** Writes the files into Pyodide's file system under PROJECT_ROOT, creating folders. */
function materialise(pyodide: PyodideAPI, files: ReadonlyMap<string, Uint8Array>): void {
  for (const [path, bytes] of files) {
    const target = `${PROJECT_ROOT}/${path}`
    pyodide.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')))
    pyodide.FS.writeFile(target, bytes)
  }
}

/**
 * Runs a Python plan on a loaded Pyodide (one per run: the worker is thrown away afterwards, so no
 * state leaks between runs). Output is streamed as it is written; `input` blocks on `stdin` (typed
 * text through shared memory) or, without it, reads end-of-file.
 */
export function runPython(
  pyodide: PyodideAPI,
  plan: PythonPlan,
  files: ReadonlyMap<string, Uint8Array>,
  io: RuntimeIo,
  stdin?: Pick<StdinReader, 'readInto'>,
): number {
  materialise(pyodide, files)
  for (const type of ['stdout', 'stderr'] as const) {
    const decoder = new TextDecoder()
    const writer = {
      write(buffer: Uint8Array) {
        io.write(type, decoder.decode(buffer, { stream: true }))
        return buffer.length
      },
    }
    if (type === 'stdout') pyodide.setStdout(writer)
    else pyodide.setStderr(writer)
  }
  // Raw bytes, not Pyodide's line-at-a-time callback: long or partial lines pass through whole.
  pyodide.setStdin({ read: (buffer: Uint8Array) => (stdin ? stdin.readInto(buffer) : 0) })
  pyodide.runPython(DRIVER)
  const main = pyodide.globals.get('_weft_main') as (request: string) => number
  const at = (path: string) => (path ? `${PROJECT_ROOT}/${path}` : PROJECT_ROOT)
  return main(
    JSON.stringify({
      env: plan.env,
      cwd: at(plan.cwd),
      module: plan.module,
      entry: plan.entry ? at(plan.entry) : null,
      args: plan.args,
    }),
  )
}
