/**
 * Git's object ids and the two object forms Weft writes itself: trees (from a commit's files) and
 * commits (from a Weft commit, or exactly as git had it for an imported one). Reading is left to
 * isomorphic-git; packWriter.ts writes, and these only say what to write.
 */
import { sha1 } from '@noble/hashes/legacy'
import { concatBytes, hexToBytes } from '@noble/hashes/utils'
import type { FileMode } from '../model/types.ts'

const encoder = new TextEncoder()

/**
 * A git object id: SHA-1 of the object's type, length and content. Hashed in JavaScript, with no
 * wait: an export hashes every tree and blob it meets, and a round trip to Web Crypto for each
 * small object cost more than the hashing (noble's SHA-1 is audited and runs in the browser too).
 */
export function objectId(type: 'blob' | 'tree' | 'commit' | 'tag', content: Uint8Array): string {
  const hash = sha1.create()
  hash.update(encoder.encode(`${type} ${content.length}\0`))
  hash.update(content)
  return Array.from(hash.digest(), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** `objectId`, for callers that await it. */
export async function gitObjectId(
  type: 'blob' | 'tree' | 'commit' | 'tag',
  content: Uint8Array,
): Promise<string> {
  return objectId(type, content)
}

/** A tree's entry: a file (with Weft's mode) or a subtree. */
export type TreeItem = { name: string; oid: string } & ({ kind: 'file'; mode?: FileMode } | { kind: 'tree' })

const modeOf = (item: TreeItem): string =>
  item.kind === 'tree'
    ? '40000'
    : item.mode === 'executable'
      ? '100755'
      : item.mode === 'symlink'
        ? '120000'
        : '100644'

/** Git orders a tree's entries by name, a subtree's name compared as if it ended in "/". */
const sortKey = (item: TreeItem) => (item.kind === 'tree' ? `${item.name}/` : item.name)

/** A tree object's content. */
export function treeContent(items: TreeItem[]): Uint8Array {
  const sorted = items
    .map((item) => ({ item, key: encoder.encode(sortKey(item)) }))
    .sort((a, b) => compareBytes(a.key, b.key))
  const parts: Uint8Array[] = []
  for (const { item } of sorted) {
    parts.push(encoder.encode(`${modeOf(item)} ${item.name}\0`))
    parts.push(hexToBytes(item.oid))
  }
  return concatBytes(...parts)
}

/** A commit object's content: tree, parents, the remaining header lines, a blank line, the message. */
export function commitContent(tree: string, parents: string[], headers: string, message: string): Uint8Array {
  const lines = [`tree ${tree}`, ...parents.map((p) => `parent ${p}`), headers]
  return encoder.encode(`${lines.join('\n')}\n\n${message}`)
}

/** `author` and `committer` lines for a commit Weft made: `Name <email>` (or a bare name), at `time` in UTC. */
export function identityHeaders(author: string, time: number): string {
  const match = /^(.*?)\s*<([^<>\n]*)>\s*$/.exec(author)
  const clean = (s: string) => s.replace(/[<>\n]/g, '').trim()
  const name = clean(match ? match[1] : author) || 'anonymous'
  const email = match ? clean(match[2]) : ''
  const ident = `${name} <${email}> ${Math.floor(time / 1000)} +0000`
  return `author ${ident}\ncommitter ${ident}`
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}
