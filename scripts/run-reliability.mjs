// `npm run test:reliability [-- --tier=2] [--seeds=N] [--only=t08] [--resume]`: runs the
// reliability campaign's tier once per seed, then writes docs/reliability.md from what the tests
// recorded (this tier's results beside the last run of the other tier). Exits with the tests'
// status.
//
// Tier 1 (CI) keeps its results under .syncline/. Tier 2 takes hours on a small machine, so its
// results are kept in the repository (docs/reliability/tier-2/), one file per test and seed, and
// `--resume` runs only the test/seed pairs that have no result yet: a full tier-2 run can span
// several sittings and still report every pair from a run.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
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
const resume = process.argv.includes('--resume')
const resultsOf = (t) =>
  t === 2 ? join('docs', 'reliability', 'tier-2') : join('.syncline', 'reliability', `tier-${t}`)
const results = resultsOf(tier)
if (!resume) rmSync(results, { recursive: true, force: true })
mkdirSync(results, { recursive: true })

const campaignDir = join('test', 'reliability', 'campaign')
const files = readdirSync(campaignDir)
  .filter((f) => /^t\d+-.*\.test\.ts$/.test(f))
  .filter((f) => only === undefined || f.includes(only))
  .sort()
if (files.length === 0) {
  console.error(`no campaign test file matches --only=${only}`)
  process.exit(2)
}
// The seed a test records under seed index k (campaign-kit.ts campaignSeed: base + 1000·k).
const seedOf = (file, seedIndex) => Number(/^t(\d+)-/.exec(file)[1]) + 1_000 * seedIndex
const recorded = (file, seedIndex) => {
  const test = String(Number(/^t(\d+)-/.exec(file)[1])).padStart(3, '0')
  return existsSync(join(results, `test-${test}-seed-${seedOf(file, seedIndex)}.json`))
}

let status = 0
for (let seedIndex = 0; seedIndex < seeds; seedIndex += 1) {
  const todo = files.filter((f) => !(resume && recorded(f, seedIndex)))
  console.log(
    `reliability campaign: tier ${tier}, seed ${seedIndex + 1} of ${seeds}: ${todo.length} of ${files.length} test files${resume ? ' not yet recorded' : ''}; results in ${results}`,
  )
  if (todo.length === 0) continue
  const run = spawnSync(
    'npx',
    [
      'vitest',
      'run',
      '--config',
      'vitest.reliability.config.ts',
      ...todo.map((f) => join(campaignDir, f)),
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
