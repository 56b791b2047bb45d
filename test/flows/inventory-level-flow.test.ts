// The inventory flows against the simulators over HTTP: an event older than one already applied to a level is skipped (version guard), a duplicate delivery is one message, and a warehouse a target does not mirror is left alone.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseInventorySyncConfig } from '../../src/flows/inventory/inventory-sync-config.ts'
import { createNetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import { createShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { createThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import { describeOnStores } from '../engine/engine-test-kit.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { inventoryFlows, inventoryTargets } from './inventory-test-kit.ts'

const pgUrl = await postgresForTests('inventory level flow')
const sims = {
  threepl: createThreePlSimulator({ seed: 9, progressionTickMs: 0 }),
  netsuite: createNetSuiteSimulator({ seed: 9 }),
  shopify: createShopifySimulator({ seed: 9 }),
}
beforeAll(async () => {
  await Promise.all([sims.threepl.start(), sims.netsuite.start(), sims.shopify.start()])
})
afterAll(async () => {
  await Promise.all([sims.threepl.stop(), sims.netsuite.stop(), sims.shopify.stop()])
})

const config = parseInventorySyncConfig({
  warehouses: { 'WH-EAST': { netsuiteLocation: 'WH-EAST' } },
  policy: { assignee: 'ops' },
})

describeOnStores('inventory level flow', pgUrl, (bench) => {
  it('skips an older event for a level that has a newer one, and a duplicate', async () => {
    sims.threepl.reset()
    sims.netsuite.reset()
    const b = bench()
    const engine = b.engine({ flows: inventoryFlows(inventoryTargets(sims, config)) })
    const adjust = (quantity: number) => {
      const done = sims.threepl.adjustInventory({
        sku: 'SKU-5',
        warehouse: 'WH-EAST',
        reason: 'receipt',
        quantity,
      })
      if (!done.ok) throw new Error('adjustment refused')
      return done.value.sequence
    }
    const older = adjust(3) // on hand 103
    const newer = adjust(4) // on hand 107
    const events = new Map(sims.threepl.events(older - 1).map((e) => [e.sequence, e]))
    const ingest = (sequence: number, messageId = `msg-${sequence}`) =>
      engine.ingest({
        sourceSystem: 'threepl',
        sourceMessageId: messageId,
        connection: 'main',
        topic: 'inventory.adjusted',
        payload: JSON.stringify(events.get(sequence)?.payload),
        headers: {},
        triggeredAt: null,
        businessKey: 'threepl:inventory:SKU-5@WH-EAST',
      })
    const onHand = () =>
      sims.netsuite.inventory.levels('eid:SKU-5')?.find((l) => l.location.externalId === 'WH-EAST')
        ?.level.quantityOnHand

    // The newer event arrives first and is applied.
    const first = await ingest(newer)
    while ((await engine.runOnce()) > 0);
    expect(onHand()).toBe(107)
    // The same delivery again is a duplicate message: no run.
    expect(await ingest(newer)).toMatchObject({ inserted: false, runIds: [] })
    // The older one arrives late: its NetSuite run completes as superseded, nothing written.
    const late = await ingest(older)
    while ((await engine.runOnce()) > 0);
    expect(onHand()).toBe(107)
    const runs = await Promise.all([...first.runIds, ...late.runIds].map((id) => b.run(id)))
    const byFlow = (flow: string, of: typeof runs) => of.filter((r) => r.flowName === flow)
    expect(byFlow('inventory-to-netsuite', runs).map((r) => r.output)).toEqual([
      { set: 107, result: expect.objectContaining({ delta: 87 }) },
      { superseded: { step: 'set-level', version: older, appliedVersion: newer } },
    ])
    // Shopify mirrors no warehouse here: its runs say so and change nothing.
    expect(byFlow('inventory-to-shopify', runs).map((r) => r.output)).toEqual([
      { skipped: 'warehouse WH-EAST is not mirrored in shopify' },
      { skipped: 'warehouse WH-EAST is not mirrored in shopify' },
    ])
    const writes = sims.netsuite.ledger().effects.filter((e) => e.recordType === 'inventoryLevel')
    expect(writes.map((e) => [e.businessKey, e.writes])).toEqual([['SKU-5@WH-EAST', 1]])
  })
})
