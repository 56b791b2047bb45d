/** @module test/store/run-batches — the statements that start steps of many runs and end many
 * runs at once, called directly: through the store a batch the database refused would be retried run by run and still
 * pass the conformance suite, so this checks that the batch itself is accepted and right. */
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/store-sql/database-schema.ts'
import { runCompleteBatch } from '../../src/store-sql/queries/run-complete-query.ts'
import { stepStartBatch } from '../../src/store-sql/queries/step-start-query.ts'
import {
  claim,
  customerSynced,
  errorRecord,
  ingestRun,
  lease,
  newTenant,
  T0,
} from '../../src/store/store-conformance-fixtures.ts'
import type { ClaimedRun, Store, VersionGuard } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { openPostgresSchema, type PostgresSchema } from '../support/postgres-schema.ts'

const url = await postgresForTests('batched step starts and run completions')

describe.runIf(url !== undefined)('run batches on PostgreSQL', () => {
  let store: Store
  let db: Kysely<Database>
  let opened: PostgresSchema | undefined

  beforeAll(async () => {
    opened = await openPostgresSchema(url ?? '', 'batch', 1)
    ;({ store, db } = opened)
  })
  afterAll(async () => {
    await opened?.drop()
  })

  it('ends the held runs of one batch with their own completions; the shared customer keeps the last held run’s reference and the highest version', async () => {
    const tenantId = newTenant()
    for (let i = 0; i < 4; i++) await ingestRun(store, tenantId, `order-${i}`)
    const [a, b, c, d] = await claim(store, tenantId, T0, { limit: 4 })
    if (a === undefined || b === undefined || c === undefined || d === undefined) {
      throw new Error('expected four runs')
    }
    const held = await runCompleteBatch(db, [
      { ...lease(a, T0 + 1), output: 'a', carried: [customerSynced('C-a', 3)] },
      // Stale: the highest version and the last reference of the batch, neither to be written.
      {
        ...lease(b, T0 + 2),
        leaseVersion: b.leaseVersion + 1,
        output: 'b',
        carried: [customerSynced('C-b', 9)],
      },
      {
        ...lease(c, T0 + 3),
        output: 'c',
        carried: [customerSynced('C-c', 5), { name: 'map', kind: 'local', output: 1 }],
      },
      { ...lease(d, T0 + 4), output: 'd', compensated: { error: errorRecord('refused') } },
      // The same run twice in one batch ends once.
      { ...lease(a, T0 + 5), output: 'a-again' },
    ])
    expect(held.slice(0, 4)).toEqual([true, false, true, true])
    expect(held.filter((h, i) => h && (i === 0 || i === 4))).toHaveLength(1)
    expect(await store.runGet({ tenantId, runId: b.id })).toMatchObject({
      state: 'running',
      steps: [],
    })
    expect(await store.runGet({ tenantId, runId: c.id })).toMatchObject({
      state: 'completed',
      output: 'c',
      completedAt: T0 + 3,
    })
    expect(await store.runGet({ tenantId, runId: d.id })).toMatchObject({
      state: 'compensated',
      lastError: { message: 'refused' },
    })
    expect(
      await store.entityVersionGet({ tenantId, target: 'netsuite', businessKey: 'cust-1' }),
    ).toBe(5)
    expect(
      await store.crossReferenceFind({ tenantId, businessKey: 'cust-1', limit: 5 }),
    ).toMatchObject([{ targetId: 'C-c', runId: c.id }])
  })

  const fourRuns = async (tenantId: string): Promise<ClaimedRun[]> => {
    for (let i = 0; i < 4; i++) await ingestRun(store, tenantId, `order-${i}`)
    const runs = await claim(store, tenantId, T0, { limit: 4 })
    expect(runs).toHaveLength(4)
    return runs
  }

  it('starts each held run’s step by its own guard, with its own carried completions, in one statement', async () => {
    const tenantId = newTenant()
    const [a, b, c, d] = await fourRuns(tenantId)
    if (a === undefined || b === undefined || c === undefined || d === undefined) {
      throw new Error('expected four runs')
    }
    // Version 5 of customer cust-1 is applied at NetSuite.
    await store.stepComplete({ ...lease(d, T0 + 1), ...customerSynced('C-d', 5) })
    const guard = (version: number, reapplyEqual = false): VersionGuard => ({
      target: 'netsuite',
      businessKey: 'cust-1',
      version,
      reapplyEqual,
    })
    const delivery = (name: string) => ({
      name,
      kind: 'delivery' as const,
      idempotencyKey: `key-${name}`,
      target: 'netsuite',
      operation: 'customer.upsert',
    })
    const results = await stepStartBatch(db, [
      // Newer than applied: starts, and its carried completion is written.
      {
        ...lease(a, T0 + 2),
        ...delivery('customer'),
        guard: guard(6),
        carried: [{ name: 'map', kind: 'local', output: 'a' }],
      },
      // Stale lease: nothing, not even what it carried.
      {
        ...lease(b, T0 + 2),
        leaseVersion: b.leaseVersion + 1,
        ...delivery('customer'),
        carried: [{ name: 'map', kind: 'local', output: 'b' }],
      },
      // Equal to applied: superseded; equal and re-applied on purpose: starts.
      { ...lease(c, T0 + 2), ...delivery('customer'), guard: guard(5) },
      { ...lease(c, T0 + 2), ...delivery('customer-again'), guard: guard(5, true) },
      // No guard: starts.
      { ...lease(d, T0 + 2), ...delivery('sales-order') },
    ])
    expect(results).toEqual([
      { held: true, started: true, appliedVersion: 5 },
      { held: false, started: false, appliedVersion: null },
      { held: true, started: false, appliedVersion: 5 },
      { held: true, started: true, appliedVersion: 5 },
      { held: true, started: true, appliedVersion: null },
    ])
    const steps = async (run: ClaimedRun) =>
      ((await store.runGet({ tenantId, runId: run.id }))?.steps ?? [])
        .map((s) => [s.name, s.state, s.idempotencyKey ?? s.output])
        .sort()
    expect(await steps(a)).toEqual([
      ['customer', 'started', 'key-customer'],
      ['map', 'completed', 'a'],
    ])
    expect(await steps(b)).toEqual([])
    expect(await steps(c)).toEqual([['customer-again', 'started', 'key-customer-again']])
    expect(await steps(d)).toEqual([
      ['customer', 'completed', { id: 'C-d' }],
      ['sales-order', 'started', 'key-sales-order'],
    ])
  })
})
