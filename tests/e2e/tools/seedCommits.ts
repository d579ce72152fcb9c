/**
 * Test tool: clones a shared repository into a fresh CLI profile and records N commits on its
 * default branch in one process (the `weft` CLI would start a process per commit), then waits
 * until the relay holds them. Usage: seedCommits.ts HOME LINK N
 */
import { parseRoute } from '../../../src/sync/links.ts'
import { Profile } from '../../../src/cli/Profile.ts'
import type { AutomergeUrl } from '@automerge/automerge-repo'

const [home, link, count] = process.argv.slice(2)
const route = parseRoute(new URL(link).hash)
if (route?.page !== 'open' || !route.relay) throw new Error('expected a Share link with a relay')
const profile = await Profile.open(home, [route.relay])
const summary = await profile.catalog.add(route.url as AutomergeUrl)
const { ws, vc } = await profile.open(summary)
const branch = ws.handle.doc().defaultBranch
for (let i = 1; i <= Number(count); i++) {
  await ws.importFiles(branch, [{ path: 'counter.txt', bytes: new TextEncoder().encode(`${i}\n`) }])
  await vc.commit(branch, `Step ${i}`, 'seed')
}
const unconfirmed = await profile.close()
if (unconfirmed > 0) throw new Error(`${unconfirmed} documents not confirmed by the relay`)
