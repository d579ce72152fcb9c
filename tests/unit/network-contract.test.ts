// automerge-repo's own network adapter acceptance suite (three peers), run over exactly the relay's
// sync path: the token check, the frame guard and the server adapter, with real client sockets.
import '@automerge/automerge-repo'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { runNetworkAdapterTests } from '@automerge/automerge-repo/helpers/tests/network-adapter-tests.js'
import { WebSocketClientAdapter } from '@automerge/automerge-repo-network-websocket'
import { syncEndpoint } from '../../relay/syncEndpoint.ts'

runNetworkAdapterTests(async () => {
  const server = createServer()
  const { adapter } = syncEndpoint(server, {
    maxMessageBytes: 16 << 20,
    messagesPerSecond: 1000,
    token: 'contract',
    log: () => {},
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/sync?token=contract`
  const clients = [new WebSocketClientAdapter(url, 50), new WebSocketClientAdapter(url, 50)]
  return {
    adapters: [adapter, clients[0], clients[1]],
    teardown: () => {
      // A client the test never used was never connected, and cannot be disconnected.
      for (const client of clients) if (client.peerId) client.disconnect()
      server.close()
    },
  }
}, 'relay sync endpoint')
