import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['tests/unit/buildNode.ts'],
    testTimeout: 20_000,
    expect: { poll: { timeout: 10_000 } },
  },
})
