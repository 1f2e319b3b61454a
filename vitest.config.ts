import { defaultServerConditions } from 'vite'
import { defineConfig } from 'vitest/config'
import { SOURCE_CONDITION, withSourceCondition } from './test/support/source-condition.js'

// In this repository `stairs` resolves to its TypeScript sources under the `stairs-source` export
// condition (see .npmrc): vite's resolver is told here, and NODE_OPTIONS carries it to the
// processes the tests start, also when vitest runs outside npm.
process.env.NODE_OPTIONS = withSourceCondition(process.env.NODE_OPTIONS)

export default defineConfig({
  resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: a few files at once keeps Redis-heavy suites from starving each other.
    maxWorkers: 2,
  },
})
