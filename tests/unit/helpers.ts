import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'

const made: string[] = []
// automerge-repo writes on a 100 ms throttle that shutdown does not cancel, so a folder removed right
// after a test can still be written to; remove them when the test process ends instead.
process.on('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true })
})

/** A fresh temporary folder, removed when the test process exits. */
export function tempDir(prefix = 'weft-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  made.push(dir)
  return dir
}

/** A Repo on a fresh on-disk folder; `reopen` gives a second Repo on the same folder, as after a restart. */
export function diskRepo() {
  const dir = tempDir()
  const open = () => {
    const storage = new NodeFSStorageAdapter(dir)
    return { repo: new Repo({ storage, network: [] }), storage }
  }
  return { dir, ...open(), reopen: open }
}
