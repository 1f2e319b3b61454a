import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: a few files at once keeps Redis-heavy suites from starving each other.
    maxWorkers: 2,
  },
})
