import { defineConfig } from 'vitest/config'

// The reliability campaign (docs/reliability.md): long, fault-injecting, one file at a time.
export default defineConfig({
  test: {
    include: ['test/reliability/campaign/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 20 * 60_000,
    hookTimeout: 120_000,
  },
})
