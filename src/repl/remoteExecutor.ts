import * as Comlink from 'comlink'
import type { Executor } from './Executor.ts'
import type { Outcome, RealmEvent } from './types.ts'

/** What crosses the port: plain data, and the event callback as a comlink proxy. */
interface ExposedExecutor {
  languages: string[]
  run(code: string, language: string): Promise<Outcome>
  listen(emit: (event: RealmEvent) => void): () => void
}

/**
 * Serves an executor on a port: the tab's side, where the code runs. The realm runtime stays with
 * the session document (the repository worker), since a window holds no Automerge document.
 */
export function exposeExecutor(executor: Executor, port: Comlink.Endpoint): void {
  const exposed: ExposedExecutor = {
    languages: [...executor.languages],
    run: (code, language) => executor.run(code, language),
    listen: (emit) => Comlink.proxy(executor.listen(emit)),
  }
  Comlink.expose(exposed, port)
}

/** The executor served on the other end of `port`, as `RealmRuntime` takes it. */
export async function remoteExecutor(port: Comlink.Endpoint): Promise<Executor> {
  const remote = Comlink.wrap<ExposedExecutor>(port)
  const languages = await remote.languages
  return {
    languages,
    run: (code, language) => remote.run(code, language),
    listen(emit) {
      const stop = remote.listen(Comlink.proxy(emit))
      return () => { void stop.then((s) => s()) }
    },
  }
}
