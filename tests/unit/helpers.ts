import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Repo } from '@automerge/automerge-repo'
import { NodeFSStorageAdapter } from '@automerge/automerge-repo-storage-nodefs'

/** A Repo on a fresh on-disk folder; `reopen` gives a second Repo on the same folder, as after a restart. */
export function diskRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'weft-test-'))
  const open = () => {
    const storage = new NodeFSStorageAdapter(dir)
    return { repo: new Repo({ storage, network: [] }), storage }
  }
  return { dir, ...open(), reopen: open, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
