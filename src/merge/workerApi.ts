import type { MergeInput, MergeResult } from './engine.ts'

/** What `workers/merge.worker.ts` answers on each port it is given. */
export interface MergeWorkerApi {
  merge(input: MergeInput): Promise<MergeResult>
}

/** A window hands the merge worker a port to serve on with this message. */
export interface MergeWorkerConnect {
  type: 'weft-merge-connect'
  port: MessagePort
}

export const isMergeWorkerConnect = (data: unknown): data is MergeWorkerConnect =>
  typeof data === 'object' && data !== null && (data as MergeWorkerConnect).type === 'weft-merge-connect'
