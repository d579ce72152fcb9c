/**
 * A file system in memory with the promise calls isomorphic-git makes (GitFs), for git work where
 * there is no disk: a folder the person picked in the browser (its files are Blobs, read only when
 * git asks for them), or a repository made to be downloaded. The Node CLI passes `node:fs` instead;
 * both go through the same import and export cores.
 */
import type { GitFs } from './gitRepository.ts'

type Node =
  | { kind: 'file'; data: Uint8Array | Blob; mode: number; mtimeMs: number; ino: number }
  | { kind: 'dir'; children: Set<string>; mtimeMs: number; ino: number }
  | { kind: 'link'; target: string; mtimeMs: number; ino: number }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Node's error shape: isomorphic-git tells a missing file by `code`. */
function fsError(code: 'ENOENT' | 'ENOTDIR' | 'EISDIR' | 'EEXIST' | 'ENOTEMPTY', op: string, path: string) {
  return Object.assign(new Error(`${code}: ${op} '${path}'`), { code })
}

/** `/a/b/../c/` → `/a/c`. */
function normalize(path: string): string {
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return `/${parts.join('/')}`
}

const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/'
const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1)

/** What `stat` answers: Node's fields that isomorphic-git reads into the index. */
function stats(node: Node, size: number) {
  const mode = node.kind === 'dir' ? 0o40755 : node.kind === 'link' ? 0o120777 : node.mode
  return {
    mode,
    size,
    ino: node.ino,
    dev: 1,
    uid: 0,
    gid: 0,
    mtimeMs: node.mtimeMs,
    ctimeMs: node.mtimeMs,
    isFile: () => node.kind === 'file',
    isDirectory: () => node.kind === 'dir',
    isSymbolicLink: () => node.kind === 'link',
  }
}

export class MemoryFs implements GitFs {
  readonly #nodes = new Map<string, Node>([['/', { kind: 'dir', children: new Set(), mtimeMs: 0, ino: 1 }]])
  #ino = 1
  readonly promises: GitFs['promises']

  constructor() {
    // Own and enumerable: isomorphic-git takes the promise calls from `promises` only then.
    const calls = {
      readFile: (path: string, options?: unknown) => this.readFile(path, options),
      writeFile: (path: string, data: Uint8Array | string, options?: unknown) =>
        this.writeFile(path, data, options),
      mkdir: (path: string) => this.mkdir(path),
      rmdir: (path: string) => this.rmdir(path),
      unlink: (path: string) => this.unlink(path),
      stat: (path: string) => this.stat(path, true),
      lstat: (path: string) => this.stat(path, false),
      readdir: (path: string) => this.readdir(path),
      readlink: (path: string) => this.readlink(path),
      symlink: (target: string, path: string) => this.symlink(target, path),
      chmod: async (path: string, mode: number) => {
        const node = this.#get(path, 'chmod')
        if (node.kind === 'file') node.mode = 0o100000 | (mode & 0o777)
      },
    }
    this.promises = calls as unknown as GitFs['promises']
  }

  /** Puts a file at `path`, its folders made as needed; a Blob is read only when git reads the file. */
  put(path: string, data: Uint8Array | Blob, mode = 0o100644): void {
    const at = normalize(path)
    this.#mkdirs(parentOf(at))
    this.#link(at, { kind: 'file', data, mode, mtimeMs: Date.now(), ino: ++this.#ino })
  }

  /** Every file, folder-less, with its mode (0o100644, 0o100755) or link target, in path order. */
  list(): { path: string; kind: 'file' | 'link'; mode: number; read: () => Promise<Uint8Array> }[] {
    const out: ReturnType<MemoryFs['list']> = []
    for (const [path, node] of [...this.#nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (node.kind === 'file')
        out.push({ path, kind: 'file', mode: node.mode, read: () => this.#bytes(node) })
      else if (node.kind === 'link')
        out.push({ path, kind: 'link', mode: 0o120777, read: async () => encoder.encode(node.target) })
    }
    return out
  }

  async #bytes(node: Node & { kind: 'file' }): Promise<Uint8Array> {
    if (node.data instanceof Uint8Array) return node.data
    node.data = new Uint8Array(await node.data.arrayBuffer())
    return node.data
  }

  #get(path: string, op: string, follow = true): Node {
    let at = normalize(path)
    for (let hops = 0; hops < 40; hops++) {
      const node = this.#nodes.get(at)
      if (!node) {
        const parent = this.#nodes.get(parentOf(at))
        throw fsError(parent && parent.kind !== 'dir' ? 'ENOTDIR' : 'ENOENT', op, path)
      }
      if (node.kind !== 'link' || !follow) return node
      at = normalize(node.target.startsWith('/') ? node.target : `${parentOf(at)}/${node.target}`)
    }
    throw fsError('ENOENT', op, path)
  }

  #dir(path: string, op: string): Node & { kind: 'dir' } {
    const node = this.#get(path, op)
    if (node.kind !== 'dir') throw fsError('ENOTDIR', op, path)
    return node
  }

  #link(at: string, node: Node): void {
    const parent = this.#dir(parentOf(at), 'open')
    const old = this.#nodes.get(at)
    if (old?.kind === 'dir') throw fsError('EISDIR', 'open', at)
    parent.children.add(nameOf(at))
    this.#nodes.set(at, node)
  }

  #mkdirs(at: string): void {
    if (this.#nodes.has(at)) return
    this.#mkdirs(parentOf(at))
    this.#link(at, { kind: 'dir', children: new Set(), mtimeMs: Date.now(), ino: ++this.#ino })
  }

  async readFile(path: string, options?: unknown): Promise<Uint8Array | string> {
    const node = this.#get(path, 'open')
    if (node.kind === 'dir') throw fsError('EISDIR', 'read', path)
    const bytes = node.kind === 'file' ? await this.#bytes(node) : encoder.encode(node.target)
    const encoding = typeof options === 'string' ? options : (options as { encoding?: string })?.encoding
    return encoding === 'utf8' ? decoder.decode(bytes) : bytes
  }

  async writeFile(path: string, data: Uint8Array | string, options?: unknown): Promise<void> {
    const at = normalize(path)
    const mode = (options as { mode?: number } | undefined)?.mode
    const existing = this.#nodes.get(at)
    const bytes = typeof data === 'string' ? encoder.encode(data) : new Uint8Array(data)
    const keep = existing?.kind === 'file' ? existing.mode : undefined
    this.#link(at, {
      kind: 'file',
      data: bytes,
      mode: keep ?? (mode !== undefined && mode & 0o111 ? 0o100755 : 0o100644),
      mtimeMs: Date.now(),
      ino: ++this.#ino,
    })
  }

  async mkdir(path: string): Promise<void> {
    const at = normalize(path)
    if (this.#nodes.has(at)) throw fsError('EEXIST', 'mkdir', path)
    this.#link(at, { kind: 'dir', children: new Set(), mtimeMs: Date.now(), ino: ++this.#ino })
  }

  async rmdir(path: string): Promise<void> {
    const at = normalize(path)
    const node = this.#dir(at, 'rmdir')
    if (node.children.size) throw fsError('ENOTEMPTY', 'rmdir', path)
    this.#unlinkAt(at)
  }

  async unlink(path: string): Promise<void> {
    const at = normalize(path)
    const node = this.#get(at, 'unlink', false)
    if (node.kind === 'dir') throw fsError('EISDIR', 'unlink', path)
    this.#unlinkAt(at)
  }

  #unlinkAt(at: string): void {
    this.#nodes.delete(at)
    const parent = this.#nodes.get(parentOf(at))
    if (parent?.kind === 'dir') parent.children.delete(nameOf(at))
  }

  async stat(path: string, follow = true): Promise<ReturnType<typeof stats>> {
    const node = this.#get(path, 'stat', follow)
    const size =
      node.kind === 'file'
        ? node.data instanceof Uint8Array
          ? node.data.length
          : node.data.size
        : node.kind === 'link'
          ? encoder.encode(node.target).length
          : 0
    return stats(node, size)
  }

  async readdir(path: string): Promise<string[]> {
    return [...this.#dir(path, 'scandir').children].sort()
  }

  async readlink(path: string): Promise<string> {
    const node = this.#get(path, 'readlink', false)
    if (node.kind !== 'link') throw Object.assign(new Error(`EINVAL: readlink '${path}'`), { code: 'EINVAL' })
    return node.target
  }

  async symlink(target: string, path: string): Promise<void> {
    const at = normalize(path)
    if (this.#nodes.has(at)) throw fsError('EEXIST', 'symlink', path)
    this.#link(at, { kind: 'link', target, mtimeMs: Date.now(), ino: ++this.#ino })
  }
}
