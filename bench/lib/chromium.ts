import { chromium, type BrowserContext } from '@playwright/test'

/** Debian Chromium, started as the end-to-end tests start it (no background network, no sandbox). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
]

/**
 * A browser with a persistent profile in `profile`, as a person has one: IndexedDB and the HTTP and
 * code caches live on disk (an off-the-record context keeps them in memory).
 */
export function launchProfile(profile: string, baseURL: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    baseURL,
    viewport: { width: 1280, height: 800 },
  })
}
