/**
 * The service worker's side of the on-demand runtimes (esbuild-wasm, Pyodide): they are left out
 * of the precache, so the first visit downloads the app shell only, and answered from the
 * `weft-runtimes` cache first once a run has downloaded and kept them
 * (`src/run/browser/runtimeCache.ts`). Workbox never deletes a runtime cache on an update, so what
 * was downloaded once stays for offline use.
 */
import type { ManifestTransform, RuntimeCaching } from 'workbox-build'
import { ON_DEMAND_RUNTIME, RUNTIME_CACHE } from '../src/run/browser/runtimeCache.ts'

/** Drops the on-demand runtimes' files from the precache manifest. */
export const dropOnDemandRuntimes: ManifestTransform = (entries) => ({
  manifest: entries.filter((entry) => !ON_DEMAND_RUNTIME.test(`/${entry.url}`)),
  warnings: [],
})

/** Cache first: the files are versioned by their URL (a hash, or Pyodide's version in its folder). */
export const onDemandRuntimeCaching: RuntimeCaching = {
  urlPattern: ON_DEMAND_RUNTIME,
  handler: 'CacheFirst',
  options: { cacheName: RUNTIME_CACHE, cacheableResponse: { statuses: [200] } },
}

/**
 * The word-vector model of search by meaning (models/weft-words.bin, 2 MB, a hashed asset): not in
 * the precache (it is fetched when semantic search is first used), then kept for offline use.
 */
export const modelRuntimeCaching: RuntimeCaching = {
  urlPattern: /\/assets\/weft-words-[\w-]+\.bin$/,
  handler: 'CacheFirst',
  options: { cacheName: 'weft-models', cacheableResponse: { statuses: [200] } },
}
