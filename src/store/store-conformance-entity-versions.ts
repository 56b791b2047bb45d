/** @module store/store-conformance-entity-versions — conformance: the version guard's register. */
import { describe, expect, it } from 'vitest'
import {
  claimOne,
  ingestRun,
  lease,
  newTenant,
  T0,
  type ConformanceContext,
} from './store-conformance-fixtures.ts'

const key = { target: 'netsuite', businessKey: 'SHOPIFY-O-1' }
const delivery = { name: 'upsert-order', kind: 'delivery' as const, output: null }

export function describeEntityVersions(ctx: ConformanceContext): void {
  describe('entity versions', () => {
    it('records the applied version with the step and never moves it back', async () => {
      const tenantId = newTenant()
      expect(await ctx.store.entityVersionGet({ tenantId, ...key })).toBeNull()

      await ingestRun(ctx.store, tenantId, 'order-1')
      const first = await claimOne(ctx.store, tenantId, T0)
      await ctx.store.stepComplete({
        ...lease(first, T0 + 1),
        ...delivery,
        entityVersion: { ...key, version: 1_764_000_000_000 },
      })
      expect(await ctx.store.entityVersionGet({ tenantId, ...key })).toBe(1_764_000_000_000)
      await ctx.store.runComplete({ ...lease(first, T0 + 2), output: null })

      // An older version recorded later (a caller that skipped the guard) leaves the newer one.
      await ingestRun(ctx.store, tenantId, 'order-1')
      const second = await claimOne(ctx.store, tenantId, T0 + 10)
      await ctx.store.stepComplete({
        ...lease(second, T0 + 11),
        ...delivery,
        entityVersion: { ...key, version: 1_763_999_999_000 },
      })
      expect(await ctx.store.entityVersionGet({ tenantId, ...key })).toBe(1_764_000_000_000)

      // Keys are per target and per tenant.
      expect(
        await ctx.store.entityVersionGet({ tenantId, target: 'sap', businessKey: key.businessKey }),
      ).toBeNull()
      expect(await ctx.store.entityVersionGet({ tenantId: newTenant(), ...key })).toBeNull()
    })

    it('writes nothing when the step completion is fenced off', async () => {
      const tenantId = newTenant()
      await ingestRun(ctx.store, tenantId, 'order-1')
      const stale = await claimOne(ctx.store, tenantId, T0, { workerId: 'w1', leaseMs: 1_000 })
      await claimOne(ctx.store, tenantId, T0 + 2_000, { workerId: 'w2' })
      expect(
        await ctx.store.stepComplete({
          ...lease(stale, T0 + 2_001),
          ...delivery,
          entityVersion: { ...key, version: 5 },
        }),
      ).toBe(false)
      expect(await ctx.store.entityVersionGet({ tenantId, ...key })).toBeNull()
    })
  })
}
