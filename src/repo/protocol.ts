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
