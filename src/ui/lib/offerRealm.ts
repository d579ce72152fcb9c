import * as Comlink from 'comlink'
import type { RealmOffer } from '../../repl/ReplHost.ts'
import type { Host } from './host.ts'

/** How often a window tells the repository worker that a realm it offered is still there. */
const KEEP_ALIVE_MS = 5_000

export interface OfferedRealm {
  /** Resolves once the realm is registered; rejects with why it could not be. */
  started: Promise<unknown>
  /** Ends the realm (its pending jobs then time out, saying so). */
  stop(): Promise<void>
}

/**
 * Offers an executor served on `offer.port` (this tab, a worker it started, a run) as a REPL realm
 * of the repository: registers it in the repository worker, keeps it alive while this window
 * lives, and ends it on `stop`. `onRealm` hears the realm's id; `onLost` that the worker forgot it.
 */
export function offerRealm(
  host: Host,
  repoId: string,
  offer: RealmOffer,
  onRealm: (realm: string) => void,
  onLost: (message: string) => void = () => {},
): OfferedRealm {
  const key = host.service.replStart(repoId, Comlink.transfer(offer, [offer.port]), Comlink.proxy(onRealm))
  let stopped = false
  let keepAlive: ReturnType<typeof setInterval> | undefined
  void key.then(
    (k) => {
      if (!stopped)
        keepAlive = setInterval(
          () => void host.service.replKeepAlive(k).catch((e: Error) => onLost(e.message)),
          KEEP_ALIVE_MS,
        )
    },
    () => {},
  )
  return {
    started: key,
    async stop() {
      stopped = true
      clearInterval(keepAlive)
      await key.then(
        (k) => host.service.replStop(k),
        () => {},
      )
    },
  }
}
