import { randomBytes } from 'node:crypto'
import { promises as fs } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { Chunk, StorageAdapterInterface, StorageKey } from '@automerge/automerge-repo/slim'

/**
 * automerge-repo storage in a folder, where a save resolves only once the bytes are on disk: each
 * value is written to a temporary file, fsynced, renamed over its place and its folder fsynced, so
 * a crash leaves either the old value or the new one, never a torn file, and never loses what was
 * reported saved. Removals are fsynced the same way.
 *
 * The layout is NodeFSStorageAdapter's (key `[id, ...rest]` at `id[0..2]/id[2..]/...rest`), so a
 * folder written by either loads in the other. Key parts are checked: a part that could leave the
 * folder (separators, `..`) is refused, since some (a peer's storage id) come from the network.
 */
export class DurableFileStorage implements StorageAdapterInterface {
  readonly #base: string
  /** Folders made (or found) with their entry fsynced in their parent; shared, so a concurrent save waits for it. */
  readonly #durableDirs = new Map<string, Promise<void>>()
  /**
   * The order keys were saved in by this process (names only), so loadRange lists them in save
   * order as automerge-repo's acceptance suite expects; keys found only on disk come first, by name.
   */
  readonly #saveOrder = new Map<string, number>()
  #saves = 0

  constructor(baseDirectory: string) {
    this.#base = baseDirectory
  }

  /** Where `key` lives on disk (for messages that must name a file). */
  filePath(key: StorageKey): string {
    checkKey(key)
    const [first, ...rest] = key
    return join(this.#base, first.slice(0, 2), first.slice(2), ...rest)
  }

  async load(key: StorageKey): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await fs.readFile(this.filePath(key)))
    } catch (error) {
      if (isMissing(error)) return undefined
      throw error
    }
  }

  async save(key: StorageKey, data: Uint8Array): Promise<void> {
    const path = this.filePath(key)
    const dir = dirname(path)
    await this.#ensureDir(dir)
    // A dot-name can never be a key part, so a leftover temporary file is never read as data.
    const temporary = join(dir, `.${randomBytes(6).toString('hex')}.tmp`)
    const file = await fs.open(temporary, 'w')
    try {
      await file.writeFile(data)
      await file.sync()
    } finally {
      await file.close()
    }
    try {
      await fs.rename(temporary, path)
    } catch (error) {
      await fs.rm(temporary, { force: true })
      throw error
    }
    await syncDir(dir)
    this.#saveOrder.delete(path)
    this.#saveOrder.set(path, ++this.#saves)
  }

  async remove(key: StorageKey): Promise<void> {
    const path = this.filePath(key)
    try {
      await fs.unlink(path)
    } catch (error) {
      if (isMissing(error)) return
      throw error
    } finally {
      this.#saveOrder.delete(path)
    }
    await syncDir(dirname(path))
  }

  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    const keys = await this.#keysUnder(prefix)
    const chunks: Chunk[] = []
    for (const key of keys) {
      const data = await this.load(key)
      if (data) chunks.push({ key, data })
    }
    return chunks
  }

  async removeRange(prefix: StorageKey): Promise<void> {
    const path = this.filePath(prefix)
    await fs.rm(path, { recursive: true, force: true })
    for (const file of this.#saveOrder.keys()) if (file.startsWith(path + sep)) this.#saveOrder.delete(file)
    for (const dir of this.#durableDirs.keys())
      if (dir === path || dir.startsWith(path + sep)) this.#durableDirs.delete(dir)
    await syncDir(dirname(path)).catch((error) => {
      if (!isMissing(error)) throw error
    })
  }

  /** Every stored key, in no particular order. */
  async keys(): Promise<StorageKey[]> {
    const files = await walk(this.#base)
    return files.flatMap((file) => {
      const parts = relative(this.#base, file).split(sep)
      if (parts.length < 2) return []
      const key = [parts[0] + parts[1], ...parts.slice(2)]
      return isValidKey(key) ? [key] : []
    })
  }

  async #keysUnder(prefix: StorageKey): Promise<StorageKey[]> {
    const root = this.filePath(prefix)
    const order = (file: string) => this.#saveOrder.get(file) ?? 0
    const files = (await walk(root)).sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0))
    return files.flatMap((file) => {
      const key = [
        ...prefix,
        ...relative(root, file)
          .split(sep)
          .filter((part) => part !== ''),
      ]
      return isValidKey(key) ? [key] : []
    })
  }

  /** Creates `dir` and its missing parents, fsyncing each new entry into its parent. */
  #ensureDir(dir: string): Promise<void> {
    let made = this.#durableDirs.get(dir)
    if (!made) {
      made = this.#makeDir(dir)
      this.#durableDirs.set(dir, made)
      made.catch(() => this.#durableDirs.delete(dir))
    }
    return made
  }

  async #makeDir(dir: string): Promise<void> {
    const parent = dirname(dir)
    if (parent !== dir && dir !== this.#base) await this.#ensureDir(parent)
    try {
      await fs.mkdir(dir)
      if (parent !== dir) await syncDir(parent)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

/** Refuses a key part that is empty, a dot-name, or could step out of the folder. */
function checkKey(key: StorageKey): void {
  if (!isValidKey(key))
    throw new Error(
      `Refusing storage key ${JSON.stringify(key).slice(0, 200)}: a part is empty, starts with a dot or holds a path separator or control character.`,
    )
}

function isValidKey(key: StorageKey): boolean {
  return (
    key.length > 0 &&
    key[0].length > 2 &&
    key.every(
      (part) =>
        typeof part === 'string' &&
        part.length > 0 &&
        part.length <= 255 &&
        !part.startsWith('.') &&
        !/[/\\]/.test(part) &&
        ![...part].some((c) => c.charCodeAt(0) < 0x20),
    )
  )
}

/** Makes a folder's entries (created, renamed or removed files) durable. */
async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some platforms (Windows) cannot fsync a folder; their rename is as durable as it gets.
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? ''))
      throw error
  } finally {
    await handle.close()
  }
}

/** Every file under `dir`, recursively; none when it is missing. */
async function walk(dir: string): Promise<string[]> {
  let entries
  try {
    entries = await fs.readdir(dir, { withFileTypes: true })
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return []
    throw error
  }
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name)
      return entry.isDirectory() ? walk(path) : Promise.resolve(entry.isFile() ? [path] : [])
    }),
  )
  return nested.flat()
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT'
}
