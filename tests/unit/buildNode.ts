import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

/**
 * Vitest global setup: builds the Node CLI and relay (dist-node/) from the sources under test, so
 * the tests that start `bin/weft.js` as a process run today's code, not an earlier build.
 */
export default function buildNode(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.node.json'], { stdio: 'inherit' })
}
