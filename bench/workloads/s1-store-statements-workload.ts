/** @module bench/workloads/s1-store-statements-workload — what the store's statements of one order
 * cost, without HTTP or simulators: the run of a W2 order (a local step, two deliveries each with
 * its version check, start and completion, then the run's completion) replayed through the
 * PostgreSQL store for many claimed runs, four at a time. Measured three times in the same run, as
 * CPU time of the PostgreSQL backends and of this process per order: one statement per step with
 * statements sent unnamed (the first baseline), the same prepared once per connection, and the
 * engine's sequence now, where completions ride on the next write and the version check on the
 * delivery's start (three statements, prepared; its baseline is the second).
 */
import { readFileSync } from 'node:fs'
import pg from 'pg'
import { createPostgresStore } from '../../src/store-postgres/postgres-store.ts'
import { ingestParams, newTenant } from '../../src/store/store-conformance-fixtures.ts'
import type { ClaimedRun, StepCompletion, Store } from '../../src/store/store-contract.ts'
import type { BenchFigure, Workload } from '../harness/bench-contract.ts'

const APPLICATION = 'syncline-bench-s1'
const CONCURRENCY = 4

export const s1StoreStatements: Workload = {
  id: 'S1',
  title: "Store statements of one order's run: unnamed, prepared, completions carried",
  async run(ctx) {
    const started = Date.now()
    const runs = ctx.quick ? 300 : 2_000
    const databaseUrl = await ctx.freshDatabase('s1')
    const figures: BenchFigure[] = []
    const notes = [
      `${runs} runs per mode, ${CONCURRENCY} at a time; per run, one statement per step (unnamed, prepared): 1 local step completion, 2 × (entity version read, delivery start, delivery completion with a cross reference and a version raise), 1 run completion — 8 statements; carried: 2 guarded delivery starts each carrying the completions before it, 1 run completion carrying the last — 3 statements`,
    ]
    const modes = [
      { mode: 'unnamed', prepared: false, sequence: perStepStatements },
      { mode: 'prepared', prepared: true, sequence: perStepStatements, baseline: 'unnamed' },
      { mode: 'carried', prepared: true, sequence: carriedStatements, baseline: 'prepared' },
    ] as const
    for (const spec of modes) {
      const { mode } = spec
      ctx.progress(`${mode}: ${runs} runs`)
      const m = await measure(databaseUrl, spec.prepared, runs, spec.sequence)
      const baseline = (figure: string): { baseline?: string } =>
        'baseline' in spec ? { baseline: `s1.${spec.baseline}.${figure}` } : {}
      figures.push(
        {
          key: `s1.${mode}.pg-cpu`,
          label: `PostgreSQL CPU per order's statements (${mode})`,
          value: round(m.pgCpuMs / runs),
          unit: 'CPU-ms',
          ...baseline('pg-cpu'),
        },
        {
          key: `s1.${mode}.client-cpu`,
          label: `client (hub driver) CPU per order's statements (${mode})`,
          value: round(m.clientCpuMs / runs),
          unit: 'CPU-ms',
          ...baseline('client-cpu'),
        },
        {
          key: `s1.${mode}.rate`,
          label: `orders' statements per second, ${CONCURRENCY} at a time (${mode})`,
          value: Math.round((runs * 1_000) / m.wallMs),
          unit: 'orders/s',
          ...baseline('rate'),
        },
      )
    }
    return {
      id: 'S1',
      title: s1StoreStatements.title,
      figures,
      notes,
      durationMs: Date.now() - started,
    }
  },
}

const round = (n: number): number => Math.round(n * 1_000) / 1_000

interface Measurement {
  readonly pgCpuMs: number
  readonly clientCpuMs: number
  readonly wallMs: number
}

type OrderSequence = (store: Store, tenantId: string, run: ClaimedRun, i: number) => Promise<void>

async function measure(
  databaseUrl: string,
  prepared: boolean,
  runs: number,
  sequence: OrderSequence,
): Promise<Measurement> {
  const url = new URL(databaseUrl)
  url.searchParams.set('application_name', APPLICATION)
  const store = createPostgresStore({
    connectionString: url.toString(),
    poolSize: CONCURRENCY,
    preparedStatements: prepared,
  })
  try {
    await store.migrate()
    const tenantId = newTenant()
    for (let i = 0; i < runs; i++) await store.inboxIngest(ingestParams(tenantId))
    const claimed: ClaimedRun[] = []
    while (claimed.length < runs) {
      const batch = await store.runClaim({
        tenantId,
        workerId: 'bench',
        limit: 100,
        now: Date.now(),
        leaseMs: 600_000,
        flowNames: ['order-sync'],
      })
      if (batch.length === 0) throw new Error(`claimed ${claimed.length} of ${runs} runs`)
      claimed.push(...batch)
    }
    // Every connection open before the first reading, so none is missed or counted from birth.
    await Promise.all(Array.from({ length: CONCURRENCY }, () => store.ping()))
    const pg0 = await backendCpuMs(databaseUrl)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, lane) => {
        for (let i = lane; i < claimed.length; i += CONCURRENCY) {
          await sequence(store, tenantId, claimed[i] as ClaimedRun, i)
        }
      }),
    )
    const wallMs = performance.now() - t0
    const cpu = process.cpuUsage(cpu0)
    const pgCpuMs = (await backendCpuMs(databaseUrl)) - pg0
    if (pgCpuMs <= 0) throw new Error(`no PostgreSQL backend named ${APPLICATION} was found`)
    return { pgCpuMs, clientCpuMs: (cpu.user + cpu.system) / 1_000, wallMs }
  } finally {
    await store.close()
  }
}

/** The store calls the engine made for one W2 order with one statement per step. */
async function perStepStatements(
  store: Store,
  tenantId: string,
  run: ClaimedRun,
  i: number,
): Promise<void> {
  const lease = { tenantId, runId: run.id, leaseVersion: run.leaseVersion }
  ok(run, await store.stepComplete({ ...lease, now: Date.now(), ...mapStep(i) }))
  for (const step of ['customer', 'salesOrder']) {
    const businessKey = `${step}-${i}`
    await store.entityVersionGet({ tenantId, target: 'netsuite', businessKey })
    const begun = await store.stepStart({
      ...lease,
      now: Date.now(),
      ...deliveryStart(tenantId, step, i),
    })
    ok(run, begun.held)
    ok(run, await store.stepComplete({ ...lease, now: Date.now(), ...deliveryDone(step, i) }))
  }
  ok(run, await store.runComplete({ ...lease, now: Date.now(), output: { ok: true } }))
}

/** The store calls the engine makes for one W2 order now: completions carried, guard folded in. */
async function carriedStatements(
  store: Store,
  tenantId: string,
  run: ClaimedRun,
  i: number,
): Promise<void> {
  const lease = { tenantId, runId: run.id, leaseVersion: run.leaseVersion }
  let carried: StepCompletion[] = [mapStep(i)]
  for (const step of ['customer', 'salesOrder']) {
    const begun = await store.stepStart({
      ...lease,
      now: Date.now(),
      ...deliveryStart(tenantId, step, i),
      carried,
      guard: { target: 'netsuite', businessKey: `${step}-${i}`, version: 1, reapplyEqual: false },
    })
    ok(run, begun.started)
    carried = [deliveryDone(step, i)]
  }
  ok(run, await store.runComplete({ ...lease, now: Date.now(), output: { ok: true }, carried }))
}

function ok(run: ClaimedRun, held: boolean): void {
  if (!held) throw new Error(`lease on run ${run.id} lost`)
}

function mapStep(i: number): StepCompletion {
  return {
    name: 'map',
    kind: 'local',
    output: { order: `SHOPIFY-O-${i}`, lines: 3, note: 'x'.repeat(400) },
  }
}

function deliveryStart(tenantId: string, step: string, i: number) {
  return {
    name: step,
    kind: 'delivery' as const,
    idempotencyKey: `${tenantId}:${step}-${i}`,
    target: 'netsuite',
    operation: 'upsert',
  }
}

function deliveryDone(step: string, i: number): StepCompletion {
  const businessKey = `${step}-${i}`
  return {
    name: step,
    kind: 'delivery',
    output: { id: String(1_000 + i) },
    crossReferences: [
      {
        entityType: step,
        businessKey,
        sourceSystem: 'shopify',
        sourceId: String(i),
        targetSystem: 'netsuite',
        targetId: String(1_000 + i),
      },
    ],
    entityVersion: { target: 'netsuite', businessKey, version: 1 },
  }
}

async function backendCpuMs(databaseUrl: string): Promise<number> {
  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where application_name = $1',
      [APPLICATION],
    )
    const ticksPerMs = 100 / 1_000
    let ticks = 0
    for (const { pid } of rows) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      // utime and stime: fields 14 and 15 of /proc/<pid>/stat, counted after the name.
      ticks += Number(fields[11]) + Number(fields[12])
    }
    return ticks / ticksPerMs
  } finally {
    await admin.end()
  }
}
