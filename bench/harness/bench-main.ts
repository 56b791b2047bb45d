/** @module bench/harness/bench-main — `npm run bench [-- --quick] [--only=W2,peer:n8n]`, or
 * `npm run bench -- --render=bench/results/<date>.json` to write `docs/benchmarks.md` again from a
 * full run's results with the current findings of benchmarks-method.md (nothing is measured).
 *
 * Runs the workloads and the peers one after another on this machine against the local
 * PostgreSQL, shows progress, writes `bench/results/<date>.json` and (full runs only)
 * `docs/benchmarks.md`. A workload that fails is reported as not run, with why, and the run goes
 * on: one broken peer must not cost the other figures.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import type {
  BenchContext,
  BenchFigure,
  BenchRun,
  Workload,
  WorkloadResult,
} from './bench-contract.ts'
import { findingsSection, renderBenchmarkReport } from './benchmark-report.ts'
import { benchWorkloads } from './bench-workloads.ts'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    'database-url': { type: 'string' },
    'cpu-prof': { type: 'boolean', default: false },
    render: { type: 'string' },
  },
})
if (values.render !== undefined) renderOnly(values.render)
const quick = values.quick
const pgUrl =
  values['database-url'] ??
  process.env.BENCH_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test'
const only = values.only?.split(',').map((s) => s.trim().toLowerCase())
const all = benchWorkloads()
const selected = all.filter((w) => only === undefined || only.includes(w.id.toLowerCase()))
if (selected.length === 0) {
  console.error(
    `--only=${values.only ?? ''} matches no workload; use one or more of: ${all.map((w) => w.id).join(', ')}`,
  )
  process.exit(2)
}

const command = `npm run bench${quick || values.only ? ' --' : ''}${quick ? ' --quick' : ''}${values.only ? ` --only=${values.only}` : ''}`
const startedAt = new Date()
const scratchDir = mkdtempSync(join(tmpdir(), 'syncline-bench-'))
const databases: string[] = []
// A pool, not one client: a connection PostgreSQL drops (a restart) is replaced on the next query.
const admin = new pg.Pool({ connectionString: pgUrl, max: 2 })
admin.on('error', () => undefined)
try {
  await admin.query('select 1')
} catch (error) {
  console.error(
    `cannot reach PostgreSQL at ${pgUrl} (${String(error)}); start it or pass --database-url`,
  )
  process.exit(2)
}
const pgVersion =
  (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]?.v ??
  '?'
const syncCommit =
  (await admin.query<{ s: string }>("select current_setting('synchronous_commit') as s")).rows[0]
    ?.s ?? '?'

const tty = process.stderr.isTTY === true
const results: WorkloadResult[] = []
const figures = new Map<string, BenchFigure>()

for (const [index, workload] of selected.entries()) {
  const prefix = `[bench ${index + 1}/${selected.length} ${workload.id}]`
  const t0 = Date.now()
  const ctx: BenchContext = {
    quick,
    pgUrl,
    scratchDir,
    ...(values['cpu-prof'] ? { cpuProfileDir: join('bench', 'results', 'profiles') } : {}),
    figure: (key) => figures.get(key),
    progress: (message) => {
      const line = `${prefix} ${Math.round((Date.now() - t0) / 1000)}s ${message}`
      process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`)
    },
    async freshDatabase(label) {
      const name = `bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${databases.length}`
      await admin.query(`drop database if exists ${name} with (force)`)
      await admin.query(`create database ${name}`)
      databases.push(name)
      const url = new URL(pgUrl)
      url.pathname = `/${name}`
      return url.toString()
    },
  }
  process.stderr.write(`${prefix} ${workload.title}\n`)
  const result = await runOne(workload, ctx, t0)
  if (tty) process.stderr.write('\n')
  results.push(result)
  for (const f of result.figures) figures.set(f.key, f)
  process.stderr.write(
    `${prefix} ${result.skipped ? `not run: ${result.skipped}` : result.figures.map((f) => `${f.key}=${Math.round(f.value * 100) / 100} ${f.unit}`).join(', ')}\n`,
  )
}

for (const name of databases) await admin.query(`drop database if exists ${name} with (force)`)
await admin.end()
rmSync(scratchDir, { recursive: true, force: true })

const run: BenchRun = {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  quick,
  command,
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: pgVersion,
    synchronousCommit: syncCommit,
  },
  workloads: results,
}
mkdirSync(join('bench', 'results'), { recursive: true })
const stamp = startedAt.toISOString().slice(0, 19).replace(/:/g, '-')
const resultFile = join(
  'bench',
  'results',
  `${stamp}${quick ? '-quick' : ''}${values.only ? '-partial' : ''}.json`,
)
writeFileSync(resultFile, `${JSON.stringify(run, null, 2)}\n`)
const report = renderBenchmarkReport(
  run,
  findingsSection(readFileSync(join('docs', 'benchmarks-method.md'), 'utf8')),
)
// Only a full run of everything speaks for the project; quick and partial runs print their table.
if (!quick && values.only === undefined) {
  writeFileSync(join('docs', 'benchmarks.md'), report)
  console.log(`bench: results in ${resultFile}; table in docs/benchmarks.md`)
} else {
  console.log(report)
  console.log(`bench: results in ${resultFile} (docs/benchmarks.md is written by full runs only)`)
}
// Targets never fail the run; a workload that broke does, so CI notices a harness that rots.
const broken = results.filter((r) => r.skipped?.startsWith('failed:'))
if (broken.length > 0) {
  console.error(`bench: ${broken.map((r) => r.id).join(', ')} failed; see above`)
  process.exit(1)
}

async function runOne(workload: Workload, ctx: BenchContext, t0: number): Promise<WorkloadResult> {
  try {
    return await workload.run(ctx)
  } catch (error) {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error)
    process.stderr.write(`\n${workload.id} failed: ${reason}\n`)
    return {
      id: workload.id,
      title: workload.title,
      figures: [],
      notes: [],
      durationMs: Date.now() - t0,
      skipped: `failed: ${error instanceof Error ? error.message : String(error)}`,
    }
  }
}

/** Writes the report of a full run already recorded; the findings are read as they are now. */
function renderOnly(resultFile: string): never {
  const recorded = JSON.parse(readFileSync(resultFile, 'utf8')) as BenchRun
  if (recorded.quick || recorded.command !== 'npm run bench') {
    console.error(
      `${resultFile} holds '${recorded.command}', not a full run: only a full run's results go into docs/benchmarks.md`,
    )
    process.exit(2)
  }
  const methodFile = join('docs', 'benchmarks-method.md')
  writeFileSync(
    join('docs', 'benchmarks.md'),
    renderBenchmarkReport(recorded, findingsSection(readFileSync(methodFile, 'utf8'))),
  )
  console.log(`bench: docs/benchmarks.md written from ${resultFile}`)
  process.exit(0)
}
