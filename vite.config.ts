import { defineConfig } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { VitePWA } from 'vite-plugin-pwa'
import { ISOLATION_HEADERS } from './relay/isolation.ts'
import { pyodideAssets, pyodideLocation } from './build/pyodideAssets.ts'
import { realmProgram } from './build/realmProgram.ts'
import { entrySizeReport } from './build/entrySizes.ts'
import { dropOnDemandGrammars, grammarRuntimeCaching } from './build/grammarCaching.ts'
import { dropOnDemandRuntimes, modelRuntimeCaching, onDemandRuntimeCaching } from './build/runtimeCaching.ts'

const entrySizes = entrySizeReport()

export default defineConfig({
  resolve: {
    // Automerge's default entry imports its wasm as an ES module, which Vite cannot bundle; the slim
    // entry is initialised explicitly from the wasm file's URL (streamed, off the parser's path).
    alias: [
      { find: /^@automerge\/automerge$/, replacement: '@automerge/automerge/slim' },
      { find: /^@automerge\/automerge-repo$/, replacement: '@automerge/automerge-repo/slim' },
    ],
  },
  // Pyodide loads its own files at run time from `assets/pyodide-<version>/` (see build/pyodideAssets.ts).
  optimizeDeps: { exclude: ['pyodide'] },
  plugins: [
    svelte(),
    pyodideAssets(),
    realmProgram(),
    entrySizes.window(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: null,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Weft',
        short_name: 'Weft',
        description: 'Local-first semantic version control in your browser',
        theme_color: '#1e1e2e',
        background_color: '#1e1e2e',
        display: 'standalone',
        start_url: '.',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/(sync|health|runs)/],
        // The shell alone: grammars beyond those parsed on start, esbuild-wasm and Pyodide are
        // downloaded on first use and kept in caches of their own, which updates leave alone.
        manifestTransforms: [dropOnDemandGrammars, dropOnDemandRuntimes],
        runtimeCaching: [grammarRuntimeCaching, onDemandRuntimeCaching, modelRuntimeCaching],
      },
    }),
  ],
  worker: { format: 'es', plugins: () => [pyodideLocation(), entrySizes.worker()] },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
})
