/**
 * The heavy runtimes a browser run needs (esbuild-wasm, Pyodide) are not part of the app shell: the
 * first run that needs one downloads it, with its progress broadcast to the app's windows, and keeps
 * it in Cache Storage (`weft-runtimes`), which the service worker answers from first (CacheFirst,
 * see `build/runtimeCaching.ts`) and never empties on an update. After that first use the runtime
 * works offline. Each file's URL names its version, so a new version is a new entry; the old one
 * is dropped once the new one is kept.
 */

/** The Cache Storage cache that keeps downloaded runtimes. */
export const RUNTIME_CACHE = 'weft-runtimes'

/** The BroadcastChannel on which downloads report their progress. */
export const RUNTIME_DOWNLOADS = 'weft-runtime-downloads'

export type RuntimeId = 'esbuild' | 'pyodide'

/** Each runtime's name as a person reads it, and the URLs of all its versions. */
export const RUNTIMES: Record<RuntimeId, { label: string; family: RegExp }> = {
  esbuild: { label: 'the JavaScript bundler (esbuild)', family: /\/assets\/esbuild-[\w-]{8}\.wasm$/ },
  pyodide: { label: 'Python (Pyodide)', family: /\/assets\/pyodide-[\w.-]+\/[\w.-]+$/ },
}

/** Every on-demand runtime file of the build: the service worker's route and the precache's exclusion. */
export const ON_DEMAND_RUNTIME = /\/assets\/(?:esbuild-[\w-]{8}\.wasm|pyodide-[\w.-]+\/[\w.-]+)$/

export interface DownloadReport {
  runtime: RuntimeId
  /** `downloading` while bytes arrive; `kept` once every file is stored; `failed` with a message. */
  state: 'downloading' | 'kept' | 'failed'
  loaded: number
  /** Null while a file's size is unknown. */
  total: number | null
  message?: string
}

/** A report read from the channel, or null: anything on the origin may post there, so it is checked. */
export function readDownloadReport(data: unknown): DownloadReport | null {
  if (typeof data !== 'object' || data === null) return null
  const { runtime, state, loaded, total, message } = data as Record<string, unknown>
  const count = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n >= 0
  if (runtime !== 'esbuild' && runtime !== 'pyodide') return null
  if (state !== 'downloading' && state !== 'kept' && state !== 'failed') return null
  if (!count(loaded) || !(total === null || count(total))) return null
  if (message !== undefined && typeof message !== 'string') return null
  return {
    runtime,
    state,
    loaded,
    total,
    ...(message === undefined ? {} : { message: message.slice(0, 500) }),
  }
}

/** Reads a response's body, reporting the bytes as they arrive. */
async function readCounting(response: Response, onBytes: (n: number) => void): Promise<Blob> {
  if (!response.body) return response.blob()
  const parts: Uint8Array<ArrayBuffer>[] = []
  const reader = response.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
    onBytes(value.length)
  }
  return new Blob(parts, { type: response.headers.get('Content-Type') ?? '' })
}

/**
 * Makes sure every file of `runtime` is kept, downloading those that are not (all at once, reported
 * as one total), and returns each file's response, read from the cache when one is there. Without
 * Cache Storage (a page that is not a secure context) the files are downloaded and not kept.
 */
export async function keepRuntime(
  runtime: RuntimeId,
  urls: readonly string[],
  report: (report: DownloadReport) => void = () => {},
): Promise<Map<string, Response>> {
  const cache = typeof caches === 'undefined' ? null : await caches.open(RUNTIME_CACHE)
  const found = new Map<string, Response>()
  for (const url of urls) {
    const hit = await cache?.match(url)
    if (hit) found.set(url, hit)
  }
  const missing = urls.filter((url) => !found.has(url))
  if (missing.length === 0) return found

  const { label } = RUNTIMES[runtime]
  let loaded = 0
  let total: number | null = 0
  let last = 0
  const progress = (force = false) => {
    // A report every 64 KiB at most: a message per chunk would flood the windows.
    if (!force && loaded - last < 64 * 1024) return
    last = loaded
    report({ runtime, state: 'downloading', loaded, total })
  }
  try {
    const responses = await Promise.all(
      missing.map(async (url) => {
        const response = await fetch(url)
        if (!response.ok) throw new Error(`${url} answered ${response.status}`)
        return response
      }),
    )
    for (const response of responses) {
      const size = Number(response.headers.get('Content-Length'))
      total = total === null || !(size > 0) ? null : total + size
    }
    progress(true)
    await Promise.all(
      responses.map(async (response, i) => {
        const body = await readCounting(response, (n) => {
          loaded += n
          progress()
        })
        const kept = new Response(body, { status: 200, headers: response.headers })
        await cache?.put(missing[i], kept.clone())
        found.set(missing[i], kept)
      }),
    )
  } catch (error) {
    const message = navigator.onLine
      ? `Could not download ${label}: ${(error as Error).message}`
      : `${label} is not downloaded yet and this device is offline: run it once online to keep it for offline use.`
    report({ runtime, state: 'failed', loaded, total, message })
    throw new Error(message, { cause: error })
  }
  report({ runtime, state: 'kept', loaded, total: loaded })
  if (cache) await dropOtherVersions(cache, runtime, urls)
  return found
}

/** Removes the files of the runtime's other versions: only the one this build uses is worth keeping. */
async function dropOtherVersions(
  cache: Cache,
  runtime: RuntimeId,
  current: readonly string[],
): Promise<void> {
  const keep = new Set(current.map((url) => new URL(url, location.href).href))
  for (const request of await cache.keys())
    if (RUNTIMES[runtime].family.test(new URL(request.url).pathname) && !keep.has(request.url))
      await cache.delete(request)
}

/** Broadcasts download reports to every window of the app. */
export function broadcastDownloads(): (report: DownloadReport) => void {
  const channel = new BroadcastChannel(RUNTIME_DOWNLOADS)
  return (report) => channel.postMessage(report)
}
