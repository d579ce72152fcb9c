/// <reference lib="webworker" />
/**
 * The syntax-aware merge engine in a dedicated worker, so parsing and matching never block a UI
 * thread. A window starts it and hands out ports to it (to the repository worker, which cannot
 * start workers of its own); each port is served with `MergeWorkerApi`.
 */
import * as Comlink from 'comlink'
import { Grammars } from '../src/syntax/grammars.ts'
import { browserLocator } from '../src/syntax/browser/browserGrammars.ts'
import { createMergeEngine } from '../src/merge/engine.ts'
import { isMergeWorkerConnect, type MergeWorkerApi } from '../src/merge/workerApi.ts'

const engine = Grammars.create(browserLocator).then(createMergeEngine)

const api: MergeWorkerApi = {
  async merge(input) {
    return (await engine).mergeAsync(input)
  },
}

self.onmessage = (event: MessageEvent) => {
  if (isMergeWorkerConnect(event.data)) Comlink.expose(api, event.data.port)
}
