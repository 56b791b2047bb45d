import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-and-integration',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          // End-to-end files run in their own project below; the reliability campaign runs with
          // `npm run test:reliability` (vitest.reliability.config.ts), never inside `npm test`.
          exclude: ['test/e2e/**', 'test/reliability/campaign/**'],
          // Two cores: two files at a time share PostgreSQL and the CPU.
          maxWorkers: 2,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // The end-to-end files each run a hub, simulators and thousands of orders: one at a
          // time, so each measures the hub rather than its neighbour's load. `npm test` runs this
          // project after the other, not beside it: the crash-restart tests time recovery.
          fileParallelism: false,
        },
      },
    ],
  },
})
