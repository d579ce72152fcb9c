import program from 'virtual:weft-realm-program'
import type { RealmWorkerConnect } from '../../repl/browser/workerRealm.ts'

/**
 * Isolated places for REPL code to run in a tab. Both have an opaque origin, so realm code gets
 * none of the app origin's storage (IndexedDB with every repository, localStorage with tokens),
 * cannot reach the repository's SharedWorker, and cannot touch the app page. The only channel is
 * the port handed to the realm's runtime.
 */
export interface IsolatedRealm {
  /** The port the realm's executor is served on, to hand to its runtime. */
  port: MessagePort
  /** Ends the realm (removes the frame, or terminates the worker). */
  end(): void
}

/** The program as inline script text: nothing in it may end the script element early. */
const inlineProgram = () => program.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')

/**
 * A sandboxed frame (`allow-scripts` only: an opaque origin, no popups, no navigating the tab)
 * inside this page, running the realm program from `srcdoc`, so it needs nothing from the network
 * and inherits the page's cross-origin isolation.
 */
export function realmFrame(): IsolatedRealm {
  const channel = new MessageChannel()
  const frame = document.createElement('iframe')
  frame.setAttribute('sandbox', 'allow-scripts')
  frame.title = 'REPL realm (sandboxed)'
  frame.hidden = true
  frame.srcdoc = `<!doctype html><meta charset="utf-8"><title>Weft REPL realm</title><script>${inlineProgram()}</script>`
  frame.addEventListener(
    'load',
    () => {
      const connect: RealmWorkerConnect = { type: 'weft-realm-connect', port: channel.port1 }
      // An opaque origin matches no target origin but '*'; the frame is ours, just created.
      frame.contentWindow?.postMessage(connect, '*', [channel.port1])
    },
    { once: true },
  )
  document.body.append(frame)
  return { port: channel.port2, end: () => frame.remove() }
}

/** A dedicated worker started from a `data:` URL: its origin is opaque whoever starts it. */
export function realmWorker(): IsolatedRealm {
  const channel = new MessageChannel()
  const worker = new Worker(`data:text/javascript;charset=utf-8,${encodeURIComponent(program)}`, {
    name: 'weft-realm',
  })
  const connect: RealmWorkerConnect = { type: 'weft-realm-connect', port: channel.port1 }
  worker.postMessage(connect, [channel.port1])
  return { port: channel.port2, end: () => worker.terminate() }
}
