import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { deflateRawSync } from 'node:zlib'

/** A deterministic PRNG (mulberry32): the same tree and the same bytes on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const WORDS = [
  'node',
  'tree',
  'file',
  'index',
  'value',
  'count',
  'parse',
  'render',
  'store',
  'merge',
  'patch',
  'branch',
  'commit',
  'blob',
  'entry',
  'path',
  'folder',
  'sync',
  'peer',
  'relay',
  'hash',
  'text',
  'line',
  'token',
  'cache',
  'queue',
]

/** A few lines of plausible TypeScript; random names and numbers keep every file's content unique. */
function codeBlock(next: () => number): string[] {
  const word = () => WORDS[Math.floor(next() * WORDS.length)]
  const capital = (w: string) => w[0].toUpperCase() + w.slice(1)
  const name = () => word() + capital(word()) + Math.floor(next() * 1000)
  const body = Array.from(
    { length: 1 + Math.floor(next() * 4) },
    () => `  const ${name()} = ${Math.floor(next() * 1e6)} * ${word()}.length + ${Math.floor(next() * 100)}`,
  )
  return [
    `// ${word()} ${word()} ${word()}: ${word()} the ${word()} before the ${word()} ${Math.floor(next() * 1e4)}`,
    `export function ${name()}(${word()}: number, ${word()}: string): string {`,
    ...body,
    `  return \`\${${word()}}-\${${Math.floor(next() * 1e4)}}\``,
    '}',
    '',
  ]
}

/** TypeScript-looking text of about `bytes` bytes (ASCII, so characters are bytes). */
function codeText(next: () => number, bytes: number): string {
  const lines: string[] = []
  let size = 0
  while (size < bytes) {
    for (const line of codeBlock(next)) {
      lines.push(line)
      size += line.length + 1
    }
  }
  return lines.join('\n')
}

/** Bytes with NULs and a PNG signature, so the app classifies the file as binary. */
function binaryBytes(next: () => number, size: number): Uint8Array {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(next() * 256)
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
  return bytes
}

export interface GeneratedTree {
  /** The folder to upload: its own name becomes the first path segment in the app. */
  root: string
  files: number
  binaryFiles: number
  bytes: number
  /** The files' bytes deflated one by one: a yardstick for what a compressing store could reach. */
  deflatedBytes: number
}

function write(path: string, content: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, content)
}

/**
 * Writes `count` files of 8–12 KB under `parent/name`, as `pkg{i%20}/src/mod{i%7}/file{i}.ts`;
 * every 1,000th file is a binary `pkg{i%20}/assets/image{i}.png` instead.
 */
export function generateTree(parent: string, name: string, count: number, seed = 1): GeneratedTree {
  const next = random(seed)
  const root = join(parent, name)
  const tree: GeneratedTree = { root, files: count, binaryFiles: 0, bytes: 0, deflatedBytes: 0 }
  for (let i = 0; i < count; i++) {
    const size = 8 * 1024 + Math.floor(next() * 4 * 1024)
    const binary = i % 1000 === 500
    const path = binary
      ? join(root, `pkg${i % 20}`, 'assets', `image${i}.png`)
      : join(root, `pkg${i % 20}`, 'src', `mod${i % 7}`, `file${i}.ts`)
    const bytes = binary ? binaryBytes(next, size) : Buffer.from(codeText(next, size))
    write(path, bytes)
    tree.bytes += bytes.length
    tree.deflatedBytes += deflateRawSync(bytes).length
    if (binary) tree.binaryFiles++
  }
  return tree
}

/** Writes a TypeScript file of exactly `lines` lines at `parent/name/file`; returns the folder. */
export function writeLongFile(parent: string, name: string, file: string, lines: number, seed = 2): string {
  const next = random(seed)
  const text: string[] = []
  while (text.length < lines) text.push(...codeBlock(next))
  write(join(parent, name, file), text.slice(0, lines).join('\n'))
  return join(parent, name)
}
