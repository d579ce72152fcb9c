import type { AutomergeUrl, DocHandle, Repo } from '@automerge/automerge-repo/slim'
import type { BlobPackDoc, RepositoryDoc, Sha256 } from '../model/types.ts'
import { scalar } from '../model/scalar.ts'
import { sha256 } from '../model/content.ts'
import { WeftError } from '../model/errors.ts'

/**
 * Target size of one blob pack. Packs keep a 10,000-file repository to tens of documents
 * (thousands of small documents sync slowly); a few MiB keeps one pack quick to load.
 */
export const PACK_TARGET_BYTES = 4 * 1024 * 1024

/** Records which pack holds each newly written blob, inside the caller's change to the repository. */
export function recordBlobs(d: RepositoryDoc, located: Record<Sha256, AutomergeUrl>): void {
  for (const [hash, url] of Object.entries(located)) d.blobs[hash] = scalar(url)
}

/** Immutable, content-addressed file contents packed many to one Automerge document. */
export class BlobStore {
  readonly #repo: Repo
  readonly #repository: DocHandle<RepositoryDoc>
  readonly #packs = new Map<AutomergeUrl, Promise<DocHandle<BlobPackDoc>>>()

  constructor(repo: Repo, repository: DocHandle<RepositoryDoc>) {
    this.#repo = repo
    this.#repository = repository
  }

  /**
   * Writes the contents not stored yet into new packs and returns their hashes in order, with the
   * pack of each new blob. The caller records the locations in the same change as the tree update.
   */
  async write(contents: Uint8Array[]): Promise<{ hashes: Sha256[]; located: Record<Sha256, AutomergeUrl> }> {
    const hashes = await Promise.all(contents.map(sha256))
    const known = this.#repository.doc().blobs
    const fresh = new Map<Sha256, Uint8Array>()
    hashes.forEach((hash, i) => {
      if (!(hash in known)) fresh.set(hash, contents[i])
    })
    const located: Record<Sha256, AutomergeUrl> = {}
    let pack: Record<Sha256, Uint8Array> = {}
    let packBytes = 0
    const seal = () => {
      if (packBytes === 0 && Object.keys(pack).length === 0) return
      const handle = this.#repo.create<BlobPackDoc>({ blobs: pack })
      for (const hash of Object.keys(pack)) located[hash] = handle.url
      this.#packs.set(handle.url, Promise.resolve(handle))
      pack = {}
      packBytes = 0
    }
    for (const [hash, bytes] of fresh) {
      if (packBytes > 0 && packBytes + bytes.length > PACK_TARGET_BYTES) seal()
      pack[hash] = bytes
      packBytes += bytes.length
    }
    seal()
    return { hashes, located }
  }

  async read(hash: Sha256): Promise<Uint8Array> {
    const stored = this.#repository.doc().blobs[hash]
    if (!stored)
      throw new WeftError('not-found', `The content ${hash.slice(0, 12)} is not in this repository.`)
    const url = String(stored) as AutomergeUrl
    let pack = this.#packs.get(url)
    if (!pack) {
      pack = this.#repo.find<BlobPackDoc>(url)
      this.#packs.set(url, pack)
      pack.catch(() => this.#packs.delete(url))
    }
    let handle: DocHandle<BlobPackDoc>
    try {
      handle = await pack
    } catch {
      throw new WeftError(
        'unavailable',
        `The pack holding ${hash.slice(0, 12)} is not available offline yet; connect to a relay that has it.`,
      )
    }
    const bytes = handle.doc().blobs[hash]
    if (!bytes) throw new WeftError('not-found', `The pack ${url} lacks content ${hash.slice(0, 12)}.`)
    return bytes
  }
}
