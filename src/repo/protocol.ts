/**
 * How a window connects to the repository worker: it sends one message carrying two ports, one for
 * RPC calls to the RepoService and one for automerge-repo sync of the documents it edits live.
 */
export interface ConnectMessage {
  type: 'weft-connect'
  rpc: MessagePort
  sync: MessagePort
}

export function isConnectMessage(data: unknown): data is ConnectMessage {
  return typeof data === 'object' && data !== null && (data as ConnectMessage).type === 'weft-connect'
}

/**
 * Windows' repos take peer ids with this prefix. The worker never announces documents to them: a
 * window receives only the documents it asks for (those it edits live), never the repository
 * document or the blob packs, whose loading would block its main thread.
 */
export const WINDOW_PEER_PREFIX = 'window-'

export const isWindowPeer = (peerId: string) => peerId.startsWith(WINDOW_PEER_PREFIX)
