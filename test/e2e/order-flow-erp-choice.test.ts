/**
 * Issue 5, done-when 3: the order flow is written against canonical objects and an ERP port, so
 * the same Shopify order becomes a sales order in SAP instead of NetSuite by configuration alone.
 * Two hubs, one flow (`shopify-order-to-erp`), two configs that differ only in `erp` and
 * `erpConnection`; real HTTP from the Shopify simulator through the gateway to each ERP simulator.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  sapBusinessKey,
  SALES_ORDER_REFERENCE_LENGTH,
} from '../../src/connectors/sap/sap-business-key.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator-options.ts'
import {
  netsuiteConnectionFields,
  sapConnectionFields,
  shopifyConnectionFields,
} from '../../src/sandbox/sandbox-connections.ts'
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox-host.ts'
import { parseHubConfig } from '../../src/server/hub-config.ts'
import { startHub, type RunningHub } from '../../src/server/hub-main.ts'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FAST_WEBHOOK_RETRIES, waitFor } from '../support/hub-harness.ts'

interface SapSalesOrder {
  SalesOrder: string
  PurchaseOrderByCustomer: string
  SoldToParty: string
  TransactionCurrency: string
}
interface SapItem {
  Material: string
  RequestedQuantity: string
}

let sandbox: Sandbox
let sap: SapSimulator
const hubs: RunningHub[] = []

/** The only part of the config that names the ERP; everything else is the same for both hubs. */
async function startHubFor(erp: 'netsuite' | 'sap', path: string): Promise<RunningHub> {
  const shopify = sandbox.simulators.find((s) => s.name === 'shopify')
  const netsuite = sandbox.simulators.find((s) => s.name === 'netsuite')
  if (shopify?.name !== 'shopify' || netsuite?.name !== 'netsuite') throw new Error('no sandbox')
  const config = parseHubConfig({
    connections: {
      shopify: { [path]: shopifyConnectionFields(shopify) },
      netsuite: { erp: netsuiteConnectionFields(netsuite) },
      sap: { erp: sapConnectionFields(sap) },
    },
    flows: [{ flow: 'shopify-order-to-erp', shopifyConnection: path, erp, erpConnection: 'erp' }],
    engine: { leaseMs: 5_000, heartbeatMs: 1_000, idlePollMs: 50 },
    summaryIntervalMs: 0,
  })
  const dir = await mkdtemp(join(tmpdir(), `syncline-erp-${erp}-`))
  const hub = await startHub({
    port: 0,
    host: '127.0.0.1',
    demo: false,
    sandbox: false,
    dataDir: join(dir, 'data'),
    logLevel: 'warn',
    logFile: join(dir, 'hub.log'),
    allowUnsafeDurability: false,
    print: () => {},
    config,
  })
  hubs.push(hub)
  return hub
}

beforeAll(async () => {
  sandbox = await startSandbox({
    seed: 11,
    sap: {},
    shopify: { webhookRetryScheduleMs: FAST_WEBHOOK_RETRIES },
  })
  if (sandbox.sap === undefined) throw new Error('the sandbox did not start the SAP simulator')
  sap = sandbox.sap
})
afterAll(async () => {
  for (const hub of hubs) await hub.stop()
  await sandbox?.stop()
})

describe('the order flow, bound to an ERP by configuration', () => {
  it('creates the same order in NetSuite with erp "netsuite" and in SAP with erp "sap"', async () => {
    const toNetSuite = await startHubFor('netsuite', 'to-netsuite')
    const toSap = await startHubFor('sap', 'to-sap')
    for (const [hub, path] of [
      [toNetSuite, 'to-netsuite'],
      [toSap, 'to-sap'],
    ] as const) {
      sandbox.shopify.addWebhookSubscriber({
        address: `${hub.url}/webhooks/shopify/${path}`,
        topics: ['orders/create'],
      })
    }
    const { orderIds } = sandbox.shopify.generateOrders({ count: 3 })
    expect(orderIds).toHaveLength(3)

    const sapOrders = () => (sap.entities('A_SalesOrder') ?? []) as SapSalesOrder[]
    // The key SAP is queried by before every create (it has no idempotency key of its own).
    const sapOrderFor = (id: string) =>
      sapOrders().find(
        (so) =>
          so.PurchaseOrderByCustomer ===
          sapBusinessKey('shopify', id, SALES_ORDER_REFERENCE_LENGTH),
      )
    const netsuiteOrderFor = (id: string) =>
      sandbox.netsuite.records.get('salesOrder', `eid:SHOPIFY-O-${id}`)
    expect(
      await waitFor(() => orderIds.every((id) => netsuiteOrderFor(id) && sapOrderFor(id)), 20_000),
    ).toBe(true)

    for (const id of orderIds) {
      const order = JSON.parse(sandbox.shopify.orderJson(id) ?? 'null') as {
        currency: string
        line_items: Array<{ sku: string; quantity: number }>
      } | null
      const nsOrder = netsuiteOrderFor(id)
      const sapOrder = sapOrderFor(id)
      expect(nsOrder).toBeDefined()
      expect(sapOrder).toBeDefined()
      // The same canonical order in both: same lines (SKU and quantity) and currency.
      const shopifyLines = (order?.line_items ?? []).map((l) => [l.sku, Number(l.quantity)])
      const nsLines = (
        (
          nsOrder?.fields.item as {
            items: Array<{ item: { refName?: string; externalId?: string }; quantity: number }>
          }
        ).items ?? []
      ).map((l) => [l.item.externalId ?? l.item.refName, Number(l.quantity)])
      const sapItems = (sap.entities('A_SalesOrderItem') ?? []) as Array<
        SapItem & { SalesOrder: string }
      >
      const sapLines = sapItems
        .filter((item) => item.SalesOrder === sapOrder?.SalesOrder)
        .map((item) => [item.Material, Number(item.RequestedQuantity)])
      expect(sapLines).toEqual(shopifyLines)
      expect(nsLines.map((l) => l[1])).toEqual(shopifyLines.map((l) => l[1]))
      expect(sapOrder?.TransactionCurrency).toBe(order?.currency)
      // The sold-to party is the business partner the flow ensured first.
      const partners = (sap.entities('A_BusinessPartner') ?? []) as Array<{
        BusinessPartner: string
      }>
      expect(partners.map((p) => p.BusinessPartner)).toContain(sapOrder?.SoldToParty)
    }
    // Each ERP holds exactly one sales order per Shopify order: nothing duplicated.
    expect(sapOrders()).toHaveLength(3)
    expect(sandbox.netsuite.records.list('salesOrder')).toHaveLength(3)

    // And each hub recorded the cross-reference to its own ERP.
    for (const [hub, system] of [
      [toNetSuite, 'netsuite'],
      [toSap, 'sap'],
    ] as const) {
      const id = orderIds[0] ?? ''
      const refs = (await (
        await fetch(`${hub.url}/api/v1/cross-references?businessKey=shopify:order:${id}`)
      ).json()) as { crossReferences: Array<{ targetSystem: string; targetId: string }> }
      const expected = system === 'sap' ? sapOrderFor(id)?.SalesOrder : netsuiteOrderFor(id)?.id
      expect(refs.crossReferences).toEqual([
        expect.objectContaining({ targetSystem: system, targetId: expected }),
      ])
    }
  })
})
