/** How a page hands a realm worker (`workers/realm.worker.ts`) the port to serve its executor on. */
export interface RealmWorkerConnect {
  type: 'weft-realm-connect'
  port: MessagePort
}

export const isRealmWorkerConnect = (data: unknown): data is RealmWorkerConnect =>
  typeof data === 'object' && data !== null && (data as RealmWorkerConnect).type === 'weft-realm-connect'
