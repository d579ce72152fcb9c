import type { StorageAdapterInterface } from '@automerge/automerge-repo/slim'
import type { BranchId, EntryId } from '../model/types.ts'

/**
 * Who changes working files through a workspace: a stable id kept in the author's own profile (a
 * browser profile, or one agent name in a CLI profile) and the name shown to peers. The id is never
 * derived from what a peer writes.
 */
export interface Author {
  id: string
  name: string
}

/** Whose an uncommitted change is, as the person looking at it sees it. */
export type Ownership =
  /** Only you changed it since the head: a commit takes it unless you leave it out. */
  | 'yours'
  /** You and someone else changed it: a commit takes it only if you pick it. */
  | 'shared'
  /** Only others changed it: a commit takes it only if you pick it. */
  | 'others'

/**
 * One author's own record of an entry they changed since the branch's head. It lives in the
 * author's profile storage, never in a shared document, so no peer can write it: a peer's edit can
 * make a change of yours `shared`, never make theirs `yours`.
 */
export interface LedgerRecord {
  /** The entry as the head commit had it when this record began (`version`). */
  base: string
  /** The entry's state (`entryState`) right after this author's last change to it. */
  after: string
  /** Someone else had changed it before this author, or between two of this author's changes. */
  mixed: boolean
}

/** A file's committed identity, as a head commit or a working tree holds it: path and content hash ('' when absent). */
export const version = (file: { path: string; blob: string } | null | undefined): string =>
  file ? `${file.path}\0${file.blob}` : ''

/**
 * The record after this author changed an entry whose head version is `head`. `before` is the
 * entry's state just before the change and its content as a version; `after` its state just after.
 */
export function noteChange(
  prev: LedgerRecord | undefined,
  head: string,
  before: { state: string; version: string },
  after: string,
): LedgerRecord {
  // Still the same stretch of work since the head: it stays clean only if nobody wrote in between.
  if (prev && prev.base === head)
    return { base: head, after, mixed: prev.mixed || before.state !== prev.after }
  // A new stretch: clean only if the entry was as the head has it.
  return { base: head, after, mixed: before.version !== head }
}

/** Whose the uncommitted change of an entry is: `now` is its state, `head` its head version. */
export function ownership(record: LedgerRecord | undefined, head: string, now: string): Ownership {
  if (!record) return 'others'
  return record.mixed || record.base !== head || record.after !== now ? 'shared' : 'yours'
}

const ledgerKey = (repository: string, authorKey: string) => ['weft', 'working', repository, authorKey]

/**
 * An author's records of one repository, by branch and entry, saved in the profile's storage. Saves
 * are coalesced; `flush` waits for the last one (a CLI command flushes before it exits).
 */
export class WorkingLedger {
  readonly #storage: StorageAdapterInterface | null
  readonly #key: Promise<string[]>
  #records = new Map<string, LedgerRecord>()
  #saving: Promise<void> = Promise.resolve()
  #dirty = false

  private constructor(storage: StorageAdapterInterface | null, repository: string, author: Author) {
    this.#storage = storage
    this.#key = storageKey(author.id).then((key) => ledgerKey(repository, key))
  }

  /** An empty ledger, for a repository just created. */
  static fresh(storage: StorageAdapterInterface | null, repository: string, author: Author): WorkingLedger {
    return new WorkingLedger(storage, repository, author)
  }

  /** The ledger of `author` on `repository` (a document id), loaded from `storage`. */
  static async load(
    storage: StorageAdapterInterface | null,
    repository: string,
    author: Author,
  ): Promise<WorkingLedger> {
    const ledger = new WorkingLedger(storage, repository, author)
    const saved = await storage?.load(await ledger.#key)
    if (saved) {
      try {
        const parsed = JSON.parse(new TextDecoder().decode(saved)) as Record<string, LedgerRecord>
        for (const [key, record] of Object.entries(parsed))
          if (typeof record?.base === 'string' && typeof record.after === 'string')
            ledger.#records.set(key, { base: record.base, after: record.after, mixed: record.mixed === true })
      } catch {
        // A damaged ledger counts nothing as yours: a commit then takes only what you pick.
      }
    }
    return ledger
  }

  get(branch: BranchId, entry: EntryId): LedgerRecord | undefined {
    return this.#records.get(`${branch}/${entry}`)
  }

  set(branch: BranchId, entry: EntryId, record: LedgerRecord): void {
    this.#records.set(`${branch}/${entry}`, record)
    this.#changed()
  }

  delete(branch: BranchId, entries: Iterable<EntryId>): void {
    for (const entry of entries) this.#records.delete(`${branch}/${entry}`)
    this.#changed()
  }

  /** Resolves once every change so far is in storage. */
  async flush(): Promise<void> {
    while (this.#dirty) await this.#saving
    await this.#saving
  }

  #changed(): void {
    if (!this.#storage || this.#dirty) return
    this.#dirty = true
    this.#saving = this.#saving.then(async () => {
      this.#dirty = false
      const bytes = new TextEncoder().encode(JSON.stringify(Object.fromEntries(this.#records)))
      await this.#storage!.save(await this.#key, bytes)
    })
  }
}

/** A storage key part for an author id (which may hold any character a name does). */
async function storageKey(id: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id))
  return [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The profile's author id, created on first use and kept under `['weft', 'author-id']`. */
export async function profileAuthorId(storage: StorageAdapterInterface): Promise<string> {
  const key = ['weft', 'author-id']
  const saved = await storage.load(key)
  if (saved) return new TextDecoder().decode(saved)
  const id = crypto.randomUUID()
  await storage.save(key, new TextEncoder().encode(id))
  return id
}
