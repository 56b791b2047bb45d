/** @module store/store-conformance-batched — conformance: runs that finish at the same moment.
 *
 * A store may commit concurrent run completions together (group commit across runs). Whatever it
 * does, each run must end as if it ended alone: its own lease fences its own writes, and two runs
 * mapping the same object or raising the same entity leave what two separate statements would.
 */
import { describe, expect, it } from 'vitest'
import {
  claim,
  customerSynced,
  ingestRun,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'
import type { ClaimedRun } from './store-contract.ts'

const RUNS = 20

async function claimAll(ctx: ConformanceContext, tenantId: string): Promise<ClaimedRun[]> {
  for (let i = 0; i < RUNS / 2; i++) await ingestRun(ctx.store, tenantId, `order-${i}`)
  const runs = await claim(ctx.store, tenantId, T0, { limit: RUNS })
  expect(runs).toHaveLength(RUNS / 2)
  return runs
}

export function describeBatched(ctx: ConformanceContext): void {
  describe('runs finishing at the same moment', () => {
    it('ends each held run with its own completions, across tenants, and none under a stale lease', async () => {
      const tenants = [newTenant(), newTenant()]
      const runs = (await Promise.all(tenants.map((t) => claimAll(ctx, t)))).flat()
      // Every fourth run's holder lost its lease: its end and what it carried must not be written,
      // even the highest version of the shared customer.
      const stale = (i: number): boolean => i % 4 === 3
      const outcomes = await Promise.all(
        runs.map((run, i) =>
          ctx.store.runComplete({
            ...lease(run, T0 + 10 + i),
            ...(stale(i) ? { leaseVersion: run.leaseVersion + 1 } : {}),
            output: { run: i },
            carried: [
              { name: 'map', kind: 'local', output: { i } },
              customerSynced(`C-${i}`, stale(i) ? 1_000 + i : 100 + i, 'cust-shared', '42'),
            ],
          }),
        ),
      )
      expect(outcomes).toEqual(runs.map((_, i) => !stale(i)))

      for (const [i, run] of runs.entries()) {
        const got = await ctx.store.runGet({ tenantId: run.tenantId, runId: run.id })
        if (stale(i)) {
          expect(got).toMatchObject({ state: 'running' })
          expect(got?.steps).toEqual([])
          continue
        }
        expect(got).toMatchObject({
          state: 'completed',
          output: { run: i },
          completedAt: T0 + 10 + i,
        })
        expect(got?.steps.map((s) => [s.name, s.state, s.output]).sort()).toEqual([
          ['customer', 'completed', { id: `C-${i}` }],
          ['map', 'completed', { i }],
        ])
      }
      for (const [t, tenantId] of tenants.entries()) {
        const held = runs
          .map((run, i) => ({ run, i }))
          .filter(({ run, i }) => run.tenantId === tenantId && !stale(i))
        // The highest version a held run applied; never a stale holder's.
        expect(
          await ctx.store.entityVersionGet({
            tenantId,
            target: 'netsuite',
            businessKey: 'cust-shared',
          }),
        ).toBe(Math.max(...held.map(({ i }) => 100 + i)))
        // One reference for the shared customer, written by one of this tenant's held runs.
        const refs = await ctx.store.crossReferenceFind({
          tenantId,
          businessKey: 'cust-shared',
          limit: 10,
        })
        expect(refs, `tenant ${t}`).toHaveLength(1)
        const writer = held.find(({ run }) => run.id === refs[0]?.runId)
        expect(writer, 'the reference belongs to a held run of the tenant').toBeDefined()
        expect(refs[0]?.targetId).toBe(`C-${writer?.i ?? -1}`)
      }
    })

    it('keeps a run finished once when its holder completes it twice at the same moment', async () => {
      const tenantId = newTenant()
      const [run] = await claimAll(ctx, tenantId)
      if (run === undefined) throw new Error('no run claimed')
      const twice = await Promise.all(
        [1, 2, 3].map((n) => ctx.store.runComplete({ ...lease(run, T0 + n), output: { n } })),
      )
      expect(twice.filter(Boolean)).toHaveLength(1)
      expect(await ctx.store.runGet({ tenantId, runId: run.id })).toMatchObject({
        state: 'completed',
      })
    })

    it('starts each held run’s step by its own lease and guard when all start at once', async () => {
      const tenantId = newTenant()
      const runs = await claimAll(ctx, tenantId)
      // Version 100 of the shared customer is applied; runs guard versions around it.
      const [first] = runs
      if (first === undefined) throw new Error('no run claimed')
      await ctx.store.stepComplete({
        ...lease(first, T0 + 1),
        ...customerSynced('C-0', 100, 'cust-shared', '42'),
        name: 'earlier',
      })
      const stale = (i: number): boolean => i % 4 === 3
      const version = (i: number): number => 98 + (i % 5)
      const outcomes = await Promise.all(
        runs.map((run, i) =>
          ctx.store.stepStart({
            ...lease(run, T0 + 10 + i),
            ...(stale(i) ? { leaseVersion: run.leaseVersion + 1 } : {}),
            name: 'customer',
            kind: 'delivery',
            idempotencyKey: `key-${i}`,
            target: 'netsuite',
            operation: 'customer.upsert',
            guard: {
              target: 'netsuite',
              businessKey: 'cust-shared',
              version: version(i),
              reapplyEqual: false,
            },
            carried: [{ name: 'map', kind: 'local', output: { i } }],
          }),
        ),
      )
      expect(outcomes).toEqual(
        runs.map((_, i) => ({
          held: !stale(i),
          started: !stale(i) && version(i) > 100,
          appliedVersion: 100,
        })),
      )
      for (const [i, run] of runs.entries()) {
        const steps = (await ctx.store.runGet({ tenantId, runId: run.id }))?.steps ?? []
        const mine = steps.filter((s) => s.name !== 'earlier').map((s) => [s.name, s.state])
        const expected: string[][] = stale(i) ? [] : [['map', 'completed']]
        if (!stale(i) && version(i) > 100) expected.push(['customer', 'started'])
        expect(mine.sort(), `run ${i}`).toEqual(expected.sort())
      }
    })
  })
}
