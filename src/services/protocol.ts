/**
 * How a window connects to the repository worker: it sends one message carrying the port for RPC
 * calls to the RepoService. Windows hold no Automerge documents; they edit live files through
 * the worker (live/protocol.ts).
 */
export interface ConnectMessage {
  type: 'weft-connect'
  rpc: MessagePort
}

export function isConnectMessage(data: unknown): data is ConnectMessage {
  return typeof data === 'object' && data !== null && (data as ConnectMessage).type === 'weft-connect'
}
