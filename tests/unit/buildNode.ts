import { buildNode as bundle } from '../../build/nodeBuild.ts'

/**
 * Vitest global setup: builds the Node CLI and relay (dist-node/) from the sources under test, so
 * the tests that start `bin/weft.js` as a process run today's code, not an earlier build.
 */
export default async function buildNode(): Promise<void> {
  await bundle()
}
