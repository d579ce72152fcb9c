// automerge-repo's own acceptance suite, run against the storage adapter the relay and the CLI use.
// The suite needs the wasm initialised by the full entry point first.
import '@automerge/automerge-repo'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runStorageAdapterTests } from '@automerge/automerge-repo/helpers/tests/storage-adapter-tests.js'
import { DurableFileStorage } from '../../src/storage/DurableFileStorage.ts'

runStorageAdapterTests(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'weft-storage-'))
  return { adapter: new DurableFileStorage(dir), teardown: () => rmSync(dir, { recursive: true, force: true }) }
}, 'DurableFileStorage')
