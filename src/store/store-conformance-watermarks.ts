/** @module store/store-conformance-watermarks — conformance: echo-suppression watermarks and flow-written audit entries. */
import { describe, expect, it } from 'vitest'
import { newTenant, T0, type ConformanceContext } from './store-conformance-fixtures.ts'

const key = { system: 'netsuite', entityKey: 'SALESFORCE-C-001000000000001AAA' }

export function describeWatermarks(ctx: ConformanceContext): void {
  describe('sync watermarks', () => {
    it('keeps the latest write per system and entity, isolated per tenant', async () => {
      const tenantId = newTenant()
      expect(await ctx.store.syncWatermarkGet({ tenantId, ...key })).toBeNull()

      await ctx.store.syncWatermarkPut({
        tenantId,
        ...key,
        contentHash: 'h1',
        fieldHashes: { name: 'a', phone: 'b' },
        sourceVersion: 1_764_000_000_000,
        now: T0,
      })
      await ctx.store.syncWatermarkPut({
        tenantId,
        ...key,
        contentHash: 'h2',
        fieldHashes: { name: 'c' },
        sourceVersion: null,
        now: T0 + 5,
      })
      expect(await ctx.store.syncWatermarkGet({ tenantId, ...key })).toEqual({
        ...key,
        contentHash: 'h2',
        fieldHashes: { name: 'c' },
        sourceVersion: null,
        writtenAt: T0 + 5,
      })
      // Per system and per tenant.
      expect(
        await ctx.store.syncWatermarkGet({ tenantId, ...key, system: 'salesforce' }),
      ).toBeNull()
      expect(await ctx.store.syncWatermarkGet({ tenantId: newTenant(), ...key })).toBeNull()
    })

    it('appends a flow’s audit entry and lists it', async () => {
      const tenantId = newTenant()
      const id = await ctx.store.auditAppend({
        tenantId,
        at: T0,
        actor: 'flow:salesforce-account-to-erp',
        interactionId: 'run-7',
        action: 'ownership.rejected',
        subject: { entity: 'customer', key: key.entityKey },
        outcome: 'rejected',
        details: { fields: ['creditLimit'] },
      })
      const [entry] = await ctx.store.auditList({ tenantId, limit: 10 })
      expect(entry).toMatchObject({
        id,
        action: 'ownership.rejected',
        outcome: 'rejected',
        details: { fields: ['creditLimit'] },
      })
    })
  })
}
