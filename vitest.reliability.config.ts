import { defineConfig } from 'vitest/config'

// The reliability campaign (docs/reliability.md): long, fault-injecting, one file at a time.
export default defineConfig({
  test: {
    include: ['test/reliability/campaign/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    // Tier 2 runs five times the events (test 14: 10,000 orders, three passes in each of two
    // target modes): its tests get the time that takes on two cores.
    testTimeout: (process.env.SYNCLINE_RELIABILITY_TIER === '2' ? 90 : 20) * 60_000,
    hookTimeout: 120_000,
  },
})
