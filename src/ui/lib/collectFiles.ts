/** A file picked or dropped: its path in the chosen folder's parent, and its (unread) contents. */
export interface PickedFile {
  path: string
  blob: File
}

/** Files chosen with a folder or file picker. Nothing is read here: the worker reads them. */
export function filesFromInput(list: FileList): PickedFile[] {
  return Array.from(list, (file) => ({ path: file.webkitRelativePath || file.name, blob: file }))
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject))
}

async function walk(entry: FileSystemEntry, into: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    )
    into.push({ path: entry.fullPath.replace(/^\//, ''), blob: file })
    return
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader()
  // readEntries returns at most 100 entries per call; read until it returns none.
  for (let batch = await readEntries(reader); batch.length > 0; batch = await readEntries(reader))
    for (const child of batch) await walk(child, into)
}

/** Files and folders dropped on the page, folders walked recursively. */
export async function filesFromDrop(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = Array.from(transfer.items, (item) => item.webkitGetAsEntry()).filter(
    (e): e is FileSystemEntry => e !== null,
  )
  if (entries.length === 0) return filesFromInput(transfer.files)
  const files: PickedFile[] = []
  for (const entry of entries) await walk(entry, files)
  return files
}

/** Offers bytes to the user as a download. */
export function download(bytes: Uint8Array, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }))
  const link = Object.assign(document.createElement('a'), { href: url, download: name })
  link.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
