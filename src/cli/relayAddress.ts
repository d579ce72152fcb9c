import { relaySyncAddress } from '../sync/Relays.ts'

/** Why `address` is not a relay address, in one line; empty when it is one. */
export function relayProblem(address: string): string {
  try {
    relaySyncAddress(address)
    return ''
  } catch (error) {
    return (error as Error).message
  }
}

export const validRelay = (address: string) => relayProblem(address) === ''
