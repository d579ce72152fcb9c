import { defineConfig } from '@playwright/test'

/** The relay that serves the built app for every end-to-end test, on loopback (WEFT_E2E_PORT lets two checkouts test at once). */
export const RELAY_PORT = Number(process.env.WEFT_E2E_PORT ?? 4273)

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Tests, not files, are dealt to the workers, so one long file does not finish alone at the end.
  fullyParallel: true,
  workers: 2,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://127.0.0.1:${RELAY_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `rm -rf test-results/relay-data && node bin/weft.js relay --port ${RELAY_PORT} --data test-results/relay-data`,
    url: `http://127.0.0.1:${RELAY_PORT}/health`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
})
