import type { Repo, StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import type { FileMerger } from '../model/fileMerge.ts'
import type { Relays } from '../sync/Relays.ts'
import { ConflictService } from './ConflictService.ts'
import { FileService } from './FileService.ts'
import { GitService } from './GitService.ts'
import { HistoryService } from './HistoryService.ts'
import { LiveService } from './LiveService.ts'
import { ProfileContext } from './ProfileContext.ts'
import { RelayService } from './RelayService.ts'
import { ReplService } from './ReplService.ts'
import { RepositoryService } from './RepositoryService.ts'
import { RunService } from './RunService.ts'

/** Ends a watch any service started (`watchTree`, `watchRuns`, …) by the id it returned. */
interface Watches {
  unwatch(watchId: number): void
}

/**
 * Everything a window asks of the profile's repositories, in plain data, as one flat RPC surface
 * made of the services above. It runs where the automerge-repo lives (a shared worker in the
 * browser, the process in Node) so that CRDT work never lands on a UI thread.
 */
export type RepoService = RepositoryService &
  RelayService &
  FileService &
  GitService &
  LiveService &
  HistoryService &
  ConflictService &
  ReplService &
  RunService &
  Watches

/**
 * The profile's services over one automerge-repo. `mergeFile` merges files when a caller brings no
 * merge worker (Node gives the engine in-process).
 */
export function createRepoService(
  repo: Repo,
  storage: StorageAdapterInterface,
  relays: Relays | null = null,
  mergeFile?: FileMerger,
): RepoService {
  const profile = new ProfileContext(repo, storage, relays)
  const watches: Watches = { unwatch: (watchId) => profile.unwatch(watchId) }
  return flatten<RepoService>(
    [
      new RepositoryService(profile),
      new RelayService(profile),
      new FileService(profile),
      new GitService(profile),
      new LiveService(profile),
      new HistoryService(profile, mergeFile),
      new ConflictService(profile),
      new ReplService(profile),
      new RunService(profile),
    ],
    watches,
  )
}

/**
 * One object whose methods are the services' methods, bound to them, so that comlink exposes a flat
 * surface. Two services offering one name is a programming error, refused at start-up.
 */
function flatten<T>(services: object[], extra: object): T {
  const surface: Record<string, unknown> = { ...extra }
  for (const service of services) {
    const prototype = Object.getPrototypeOf(service) as Record<string, unknown>
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const method = prototype[name]
      if (name === 'constructor' || typeof method !== 'function') continue
      if (name in surface) throw new Error(`Two services offer "${name}".`)
      surface[name] = method.bind(service)
    }
  }
  return surface as T
}
