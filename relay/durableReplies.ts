import type { DocumentId, PeerId, Repo } from '@automerge/automerge-repo'
import type { WebSocketServerAdapter } from '@automerge/automerge-repo-network-websocket'
import { DocumentSaves } from '../src/repo/flush.ts'

/** Messages that tell a peer which heads this relay holds (the peer counts those as confirmed). */
const CARRIES_HEADS = new Set(['sync', 'request'])

/**
 * Makes the relay's word mean "on disk": a message carrying the relay's heads for a document is
 * sent only after the document's current state is saved (and, with DurableFileStorage, fsynced).
 * Clients take the heads in the relay's sync messages as what its storage holds (automerge-repo
 * records them as the sync info of the relay's storage id), so no earlier message may carry them.
 * Messages to one peer keep their order; one waiting for a save holds back those after it. A
 * message queued for a socket that has since gone (the peer reconnected) is dropped, as it would
 * have been lost with the old socket anyway. When a save fails the peer's socket is closed rather
 * than told something that is not stored; it reconnects and syncs again.
 */
export function sendWhenSaved(
  adapter: WebSocketServerAdapter,
  repo: Repo,
  log: (line: string) => void,
): void {
  const saves = new DocumentSaves(repo)
  const send = adapter.send.bind(adapter)
  const queues = new Map<PeerId, Promise<void>>()
  adapter.send = (message) => {
    const target = message.targetId
    const documentId = 'documentId' in message ? (message.documentId as DocumentId | undefined) : undefined
    const mustSave = documentId !== undefined && CARRIES_HEADS.has(message.type)
    const queue = queues.get(target)
    if (!queue && !mustSave) return send(message)
    const socket = adapter.sockets[target]
    const next = (queue ?? Promise.resolve())
      .then(() => (mustSave ? saves.saved(documentId!) : undefined))
      .then(
        () => {
          if (adapter.sockets[target] === socket) send(message)
        },
        (error: Error) => {
          log(
            `storage failed saving ${documentId} (${error.message}); closing peer ${target} instead of confirming it`,
          )
          if (adapter.sockets[target] === socket) socket?.terminate()
        },
      )
      .catch((error: Error) =>
        log(`could not send a ${message.type} message to peer ${target}: ${error.message}`),
      )
    queues.set(target, next)
    void next.then(() => {
      if (queues.get(target) === next) queues.delete(target)
    })
  }
}
