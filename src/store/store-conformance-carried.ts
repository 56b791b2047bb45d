/** @module store/store-conformance-carried — conformance: completions carried by the run's next
 * write, and the version guard checked in the statement that starts a step. */
import { describe, expect, it } from 'vitest'
import {
  claimOne,
  customerSynced,
  ingestRun,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'
import type { StepCompletion, VersionGuard } from './store-contract.ts'

const start = {
  name: 'sales-order',
  kind: 'delivery' as const,
  idempotencyKey: 'key-so',
  target: 'netsuite',
  operation: 'salesOrder.upsert',
}

const mapped: StepCompletion = { name: 'map', kind: 'local', output: { lines: 2, note: 'é' } }

export function describeCarried(ctx: ConformanceContext): void {
  describe('carried completions and the guarded start', () => {
    it('writes carried completions, their references and versions with the start, in one call', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const begun = await ctx.store.stepStart({
        ...lease(held, T0 + 1),
        ...start,
        carried: [mapped, customerSynced('C-7', 40)],
      })
      expect(begun).toEqual({ held: true, started: true, appliedVersion: null })
      const steps = (await ctx.store.runGet({ tenantId, runId }))?.steps ?? []
      expect(steps.map((s) => [s.name, s.state, s.output])).toEqual(
        expect.arrayContaining([
          ['map', 'completed', { lines: 2, note: 'é' }],
          ['customer', 'completed', { id: 'C-7' }],
          ['sales-order', 'started', null],
        ]),
      )
      expect(steps).toHaveLength(3)
      expect(
        await ctx.store.crossReferenceFind({ tenantId, businessKey: 'cust-1', limit: 10 }),
      ).toMatchObject([{ sourceId: '9007199254740993', targetId: 'C-7', runId }])
      expect(
        await ctx.store.entityVersionGet({ tenantId, target: 'netsuite', businessKey: 'cust-1' }),
      ).toBe(40)
    })

    it('does not start a step the guard finds superseded, and still writes what it carried', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'cust-1')
      const first = await claimOne(ctx.store, tenantId, T0)
      // Another run applied version 40 of the customer.
      await ctx.store.stepComplete({ ...lease(first, T0 + 1), ...customerSynced('C-7', 40) })
      await ctx.store.runComplete({ ...lease(first, T0 + 2), output: null })

      const runId = await ingestRun(ctx.store, tenantId, 'cust-1')
      const held = await claimOne(ctx.store, tenantId, T0 + 3)
      const guard = (version: number, reapplyEqual = false): VersionGuard => ({
        target: 'netsuite',
        businessKey: 'cust-1',
        version,
        reapplyEqual,
      })
      for (const version of [39, 40]) {
        expect(
          await ctx.store.stepStart({
            ...lease(held, T0 + 4),
            ...start,
            carried: [mapped],
            guard: guard(version),
          }),
        ).toEqual({ held: true, started: false, appliedVersion: 40 })
      }
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toMatchObject([
        { name: 'map', state: 'completed' },
      ])
      // A forced replay re-applies the same version, never an older one.
      expect(
        (await ctx.store.stepStart({ ...lease(held, T0 + 5), ...start, guard: guard(39, true) }))
          .started,
      ).toBe(false)
      expect(
        await ctx.store.stepStart({ ...lease(held, T0 + 5), ...start, guard: guard(40, true) }),
      ).toEqual({ held: true, started: true, appliedVersion: 40 })
      expect(
        await ctx.store.stepStart({
          ...lease(held, T0 + 6),
          ...start,
          name: 'newer',
          guard: guard(41),
        }),
      ).toEqual({ held: true, started: true, appliedVersion: 40 })
    })

    it('ends the run with its carried completions, or writes none of them under a stale lease', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      const stale = { ...lease(held, T0 + 1), leaseVersion: held.leaseVersion + 1 }
      expect(
        await ctx.store.runComplete({
          ...stale,
          output: null,
          carried: [customerSynced('C-1', 5)],
        }),
      ).toBe(false)
      expect((await ctx.store.runGet({ tenantId, runId }))?.steps).toEqual([])

      expect(
        await ctx.store.runComplete({
          ...lease(held, T0 + 2),
          output: { ok: true },
          carried: [mapped, customerSynced('C-1', 5)],
        }),
      ).toBe(true)
      const run = await ctx.store.runGet({ tenantId, runId })
      expect(run).toMatchObject({ state: 'completed', output: { ok: true } })
      expect(run?.steps.map((s) => [s.name, s.state])).toEqual(
        expect.arrayContaining([
          ['map', 'completed'],
          ['customer', 'completed'],
        ]),
      )
      expect(
        await ctx.store.entityVersionGet({ tenantId, target: 'netsuite', businessKey: 'cust-1' }),
      ).toBe(5)
    })

    it('keeps the last result of a step carried twice and the highest version of an entity', async () => {
      const tenantId = newTenant()
      const runId = await ingestRun(ctx.store, tenantId, 'order-1')
      const held = await claimOne(ctx.store, tenantId, T0)
      expect(
        await ctx.store.stepComplete({
          ...lease(held, T0 + 1),
          ...customerSynced('C-2', 8),
          name: 'customer-again',
          carried: [customerSynced('C-1', 9), { ...mapped, output: 1 }, { ...mapped, output: 2 }],
        }),
      ).toBe(true)
      const steps = (await ctx.store.runGet({ tenantId, runId }))?.steps ?? []
      expect(steps.find((s) => s.name === 'map')?.output).toBe(2)
      expect(steps).toHaveLength(3)
      expect(
        await ctx.store.entityVersionGet({ tenantId, target: 'netsuite', businessKey: 'cust-1' }),
      ).toBe(9)
      // The last mapping of the same source object wins.
      expect(
        await ctx.store.crossReferenceFind({ tenantId, businessKey: 'cust-1', limit: 10 }),
      ).toMatchObject([{ targetId: 'C-2' }])
    })
  })
}
