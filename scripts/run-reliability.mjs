// `npm run test:reliability [-- --tier=2] [--seeds=N] [--only=t08]`: runs the reliability
// campaign's tier once per seed, then writes docs/reliability.md from what the tests recorded
// (this tier's results beside the last run of the other tier). Exits with the tests' status.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

function option(name) {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`))
  return arg === undefined ? undefined : arg.slice(name.length + 3)
}

const tier = Number(option('tier') ?? '1')
if (![1, 2].includes(tier)) {
  console.error(`--tier must be 1 or 2, got ${option('tier')}`)
  process.exit(2)
}
// Tier 2 is the campaign's full run: every test under 5 seeds (reliability-campaign.md §C1).
const seeds = Number(option('seeds') ?? (tier === 2 ? '5' : '1'))
if (!Number.isInteger(seeds) || seeds < 1 || seeds > 50) {
  console.error(`--seeds must be a whole number from 1 to 50, got ${option('seeds')}`)
  process.exit(2)
}
const only = option('only')
const resultsOf = (t) => join('.syncline', 'reliability', `tier-${t}`)
const results = resultsOf(tier)
rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })

let status = 0
for (let seedIndex = 0; seedIndex < seeds; seedIndex += 1) {
  console.log(
    `reliability campaign: tier ${tier}, seed ${seedIndex + 1} of ${seeds}; results in ${results}`,
  )
  const run = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--config',
      'vitest.reliability.config.ts',
      ...(only === undefined ? [] : [only]),
    ],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        SYNCLINE_RELIABILITY_TIER: String(tier),
        SYNCLINE_RELIABILITY_SEED_INDEX: String(seedIndex),
        SYNCLINE_RELIABILITY_RESULTS: results,
      },
    },
  )
  if ((run.status ?? 1) !== 0) status = run.status ?? 1
}

// Both tiers' last results, when present: CI refreshes tier 1, tier 2 is run on demand.
const reported = [resultsOf(1), resultsOf(2)].filter((dir) => existsSync(dir))
spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    'src/reliability/report/reliability-report-main.ts',
    ...reported,
    '--out',
    'docs/reliability.md',
  ],
  { stdio: 'inherit' },
)
process.exit(status)
