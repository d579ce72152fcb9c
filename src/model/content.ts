/** Hashing and text/binary classification of file contents. Works in Node, workers and pages. */

/** Largest file accepted into a repository. Larger files are refused with this limit named. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024

export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * The file's text, or null when it is binary: it contains NUL in its first 8 KiB (git's heuristic)
 * or is not valid UTF-8.
 */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.subarray(0, 8192).includes(0)) return null
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return null
  }
}

export const encodeText = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Why a file of `size` bytes is refused, or null when it fits. */
export function oversize(size: number): string | null {
  return size > MAX_FILE_BYTES
    ? `${formatBytes(size)} is over the ${formatBytes(MAX_FILE_BYTES)} file size limit.`
    : null
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}
