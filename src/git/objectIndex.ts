/**
 * Whether a git repository holds an object, answered from its loose object files and its pack
 * indexes (a binary search in each `.idx`), without reading a pack: an export asks this of every
 * head and new object, and isomorphic-git's reads load a whole pack (hundreds of MiB for a large
 * history) to answer it. Objects themselves are still read by isomorphic-git.
 */
import { fsKind, joinFsPath, type GitRepository } from './gitRepository.ts'

/** A pack index: where its sorted ids start, and the fan-out of how many ids begin with each byte or less. */
interface PackIndex {
  bytes: Uint8Array
  view: DataView
  fanout: number
  names: number
  stride: number
}

export class GitObjectIndex {
  readonly #repo: GitRepository
  #indexes: Promise<PackIndex[]> | null = null

  constructor(repo: GitRepository) {
    this.#repo = repo
  }

  async has(oid: string): Promise<boolean> {
    const { fs, gitdir } = this.#repo
    if ((await fsKind(fs, joinFsPath(gitdir, `objects/${oid.slice(0, 2)}/${oid.slice(2)}`))) === 'file')
      return true
    const id = hexBytes(oid)
    return (await (this.#indexes ??= this.#read())).some((index) => contains(index, id))
  }

  async #read(): Promise<PackIndex[]> {
    const { fs, gitdir } = this.#repo
    const folder = joinFsPath(gitdir, 'objects/pack')
    const names: string[] = await fs.promises.readdir(folder).catch(() => [])
    const indexes: PackIndex[] = []
    for (const name of names.filter((n) => n.endsWith('.idx'))) {
      const bytes = (await fs.promises.readFile(joinFsPath(folder, name))) as Uint8Array
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
      // Version 2 starts with "\377tOc" and a version; version 1 with the fan-out table itself.
      const v2 = bytes.length >= 8 && view.getUint32(0) === 0xff744f63 && view.getUint32(4) === 2
      const fanout = v2 ? 8 : 0
      const count = bytes.length >= fanout + 1024 ? view.getUint32(fanout + 255 * 4) : 0
      const index = v2
        ? { bytes, view, fanout, names: fanout + 1024, stride: 20 }
        : { bytes, view, fanout, names: fanout + 1024 + 4, stride: 24 }
      if (index.names + count * index.stride > bytes.length)
        throw new Error(`The git pack index ${name} is cut short.`)
      indexes.push(index)
    }
    return indexes
  }
}

function contains(index: PackIndex, id: Uint8Array): boolean {
  const { bytes, view, fanout, names, stride } = index
  let low = id[0] === 0 ? 0 : view.getUint32(fanout + (id[0] - 1) * 4)
  let high = view.getUint32(fanout + id[0] * 4)
  while (low < high) {
    const middle = (low + high) >>> 1
    const at = names + middle * stride
    let order = 0
    for (let i = 0; i < 20 && order === 0; i++) order = bytes[at + i] - id[i]
    if (order === 0) return true
    if (order < 0) low = middle + 1
    else high = middle
  }
  return false
}

function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(20)
  for (let i = 0; i < 20; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  return out
}
