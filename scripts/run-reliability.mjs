// `npm run test:reliability [-- --tier=2]`: runs the reliability campaign's tier, then writes
// docs/reliability.md from what the tests recorded. Exits with the tests' status.
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const tierArg = process.argv.find((a) => a.startsWith('--tier='))
const tier = tierArg ? Number(tierArg.slice('--tier='.length)) : 1
if (![1, 2].includes(tier)) {
  console.error(`--tier must be 1 or 2, got ${tierArg}`)
  process.exit(2)
}
const results = join('.syncline', 'reliability', `tier-${tier}`)
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })
const env = {
  ...process.env,
  SYNCLINE_RELIABILITY_TIER: String(tier),
  SYNCLINE_RELIABILITY_RESULTS: results,
}
console.log(`reliability campaign: tier ${tier}; results in ${results}`)
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.reliability.config.ts'], {
  stdio: 'inherit',
  env,
})
spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    'src/reliability/report/reliability-report-main.ts',
    results,
    'docs/reliability.md',
  ],
  {
    stdio: 'inherit',
    env,
  },
)
process.exit(run.status ?? 1)
