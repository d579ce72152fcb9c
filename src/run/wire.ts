import { parseRunSpec, RunFrameError, type RunSpec } from './frames.ts'
import type { RunFile } from './Runner.ts'

/**
 * The body of `POST /runs`: the spec and the branch's files, text as text and anything else as
 * base64 — `{spec, files: {path: string | {base64}}}`. The files travel with the request (rather
 * than the relay reading its own copy of the repository) so a run sees exactly what the user sees,
 * unsynced and uncommitted edits included, with every backend taking the same `start(spec, files)`.
 */
export interface RunRequest {
  spec: RunSpec
  files: RunFile[]
}

type WireFile = string | { base64: string }

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })
const utf8 = new TextEncoder()

function toBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(binary)
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

function wireFile(bytes: Uint8Array): WireFile {
  try {
    return strictUtf8.decode(bytes)
  } catch {
    return { base64: toBase64(bytes) }
  }
}

/** The JSON body for `POST /runs`. */
export function encodeRunRequest(spec: RunSpec, files: readonly RunFile[]): string {
  const wire: Record<string, WireFile> = {}
  for (const file of files) wire[file.path] = wireFile(file.bytes)
  return JSON.stringify({ spec, files: wire })
}

/** Decodes a `POST /runs` body (already JSON-parsed); throws RunFrameError naming the fault. Paths are checked by the caller. */
export function decodeRunRequest(value: unknown): RunRequest {
  if (typeof value !== 'object' || value === null)
    throw new RunFrameError('Malformed run request: expected {spec, files}.')
  const { spec, files } = value as { spec?: unknown; files?: unknown }
  const parsedSpec = parseRunSpec(spec)
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    throw new RunFrameError('Malformed run request: files must be an object of path → text or {base64}.')
  const decoded: RunFile[] = []
  for (const [path, content] of Object.entries(files)) {
    if (typeof content === 'string') decoded.push({ path, bytes: utf8.encode(content) })
    else if (
      typeof content === 'object' &&
      content !== null &&
      typeof (content as { base64?: unknown }).base64 === 'string'
    ) {
      try {
        decoded.push({ path, bytes: fromBase64((content as { base64: string }).base64) })
      } catch {
        throw new RunFrameError(
          `Malformed run request: ${JSON.stringify(path).slice(0, 80)} is not valid base64.`,
        )
      }
    } else
      throw new RunFrameError(
        `Malformed run request: ${JSON.stringify(path).slice(0, 80)} must be text or {base64}.`,
      )
  }
  return { spec: parsedSpec, files: decoded }
}
