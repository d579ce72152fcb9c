/** How a page hands an isolated realm (`realmProgram.ts`, in a sandboxed frame or an opaque worker) the port to serve its executor on. */
export interface RealmWorkerConnect {
  type: 'weft-realm-connect'
  port: MessagePort
}

export const isRealmWorkerConnect = (data: unknown): data is RealmWorkerConnect =>
  typeof data === 'object' && data !== null && (data as RealmWorkerConnect).type === 'weft-realm-connect'
