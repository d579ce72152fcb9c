/**
 * Cross-origin isolation headers for every page Weft serves (dev server, preview, relay), so that
 * WebContainers and SharedArrayBuffer work. The service worker replays them from its cache.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
}
