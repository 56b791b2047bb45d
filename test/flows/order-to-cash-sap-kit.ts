/** @module test/flows/order-to-cash-sap-kit — the order-to-cash bench with SAP S/4HANA as the ERP: the SAP simulator next to the others, customers put on credit block, orders placed by plan, and SAP read back. */
import { expect } from 'vitest'
import { SapClient } from '../../src/connectors/sap/sap-client.ts'
import {
  BUSINESS_PARTNER_KEY_LENGTH,
  SALES_ORDER_REFERENCE_LENGTH,
  sapBusinessKey,
} from '../../src/connectors/sap/sap-business-key.ts'
import { BUSINESS_PARTNER_SERVICE } from '../../src/connectors/sap/sap-odata-path.ts'
import { parseSapConnectionConfig } from '../../src/connectors/sap/sap-spec.ts'
import { createOrderToCashFlow } from '../../src/flows/order-to-cash/order-to-cash-flow.ts'
import { createSapOrderToCashPort } from '../../src/flows/order-to-cash/sap-order-to-cash-port.ts'
import { sapConnectionFields } from '../../src/sandbox/sandbox-connections.ts'
import { createSapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import type { SapSimulator } from '../../src/sandbox/sap/sap-simulator.ts'
import {
  OUT_OF_STOCK_SKU,
  startOrderToCashBench,
  UNSTOCKED_SKU,
  type OrderToCashBench,
} from './order-to-cash-kit.ts'

export interface SapPlan {
  creditBlocked: readonly number[]
  creditLimit: readonly number[]
  warehouseRefuses: readonly number[]
  backordered: readonly number[]
}

export interface SapOrderToCashBench {
  bench: OrderToCashBench
  sap: SapSimulator
  /** A client of its own, as a user of the system would have (not the hub's). */
  sapClient: SapClient
  stop(): Promise<void>
}

export async function startSapOrderToCashBench(
  pgUrl: string | undefined,
  seed: number,
): Promise<SapOrderToCashBench> {
  const sap = createSapSimulator({ seed, billingProcessingMs: 30 })
  await sap.start()
  const config = () => parseSapConnectionConfig(sapConnectionFields(sap))
  const bench = await startOrderToCashBench({
    pgUrl,
    flows: (b) => [
      createOrderToCashFlow({
        erp: createSapOrderToCashPort({
          client: new SapClient(config()),
          config: config(),
          billingPollMs: 100,
        }),
        threepl: { client: b.threeplClient, target: b.targets.threepl },
        shopify: {
          fulfillments: b.shopifyFulfillments,
          payments: b.shopifyPayments,
          target: b.targets.shopify,
        },
        policy: { shipmentTimeoutMs: 10 * 60_000, exceptionAssignee: 'order-desk' },
      }),
    ],
  })
  return {
    bench,
    sap,
    sapClient: new SapClient(config()),
    async stop() {
      await bench.stop()
      await sap.stop()
    },
  }
}

export function lineFor(plan: SapPlan, n: number): { sku: string; quantity: number }[] {
  const regular = { sku: `SKU-${(n % 18) + 1}`, quantity: (n % 3) + 1 }
  if (plan.warehouseRefuses.includes(n)) return [regular, { sku: UNSTOCKED_SKU, quantity: 1 }]
  if (plan.backordered.includes(n)) return [regular, { sku: OUT_OF_STOCK_SKU, quantity: 2 }]
  return [regular]
}

/** A customer SAP already has (created by a user), blocked in credit management or given a limit of 1. */
export async function creditCustomer(
  s: SapOrderToCashBench,
  n: number,
  blocked: boolean,
): Promise<string> {
  const body = await s.bench.shopifyAdmin.rest.call('POST', 'customers.json', {
    body: {
      customer: { email: `credit-${n}@example.com`, first_name: 'Credit', last_name: `No${n}` },
    },
  })
  const id = String((body?.customer as { id: unknown }).id)
  const created = await s.sapClient.create(
    BUSINESS_PARTNER_SERVICE,
    'A_BusinessPartner',
    'BusinessPartner',
    {
      BusinessPartnerCategory: '2',
      OrganizationBPName1: `Credit Buyer ${n}`,
      BusinessPartnerIdByExtSystem: sapBusinessKey('shopify', id, BUSINESS_PARTNER_KEY_LENGTH),
      to_BusinessPartnerRole: { results: [{ BusinessPartnerRole: 'FLCU01' }] },
    },
  )
  const customer =
    typeof created.entity.Customer === 'string' && created.entity.Customer !== ''
      ? created.entity.Customer
      : created.key
  s.sap.setCredit(customer, blocked ? { limit: null, blocked: true } : { limit: 1, blocked: false })
  return id
}

/** The plan's credit customers, set up in Shopify and SAP before any order arrives. */
export async function creditCustomers(
  s: SapOrderToCashBench,
  plan: SapPlan,
): Promise<Map<number, string>> {
  const held = new Map<number, string>()
  for (const n of plan.creditBlocked) held.set(n, await creditCustomer(s, n, true))
  for (const n of plan.creditLimit) held.set(n, await creditCustomer(s, n, false))
  return held
}

/** Places orders 0…count-1 through Shopify's Admin API, 20 at a time; `held` orders go to those customers. */
export async function placeOrders(
  s: SapOrderToCashBench,
  plan: SapPlan,
  count: number,
  held: ReadonlyMap<number, string>,
): Promise<Map<number, string>> {
  const byN = new Map<number, string>()
  for (let start = 0; start < count; start += 20) {
    const batch = Array.from({ length: Math.min(20, count - start) }, (_, i) => start + i)
    const placed = await Promise.all(
      batch.map(async (n) => {
        const customerId = held.get(n)
        const order = await s.bench.shopifyAdmin.createOrder({
          line_items: lineFor(plan, n),
          financial_status: n % 4 === 0 ? 'pending' : 'authorized',
          email: `buyer-${n}@example.com`,
          customer:
            customerId === undefined
              ? { email: `buyer-${n}@example.com`, first_name: 'Buyer', last_name: `No${n}` }
              : { id: customerId },
          shipping_address: {
            first_name: 'Buyer',
            last_name: `No${n}`,
            address1: `${n} Main Street`,
            city: 'Springfield',
            province_code: 'IL',
            zip: '62701',
            country_code: 'US',
          },
        })
        return [n, String(order.id)] as const
      }),
    )
    for (const [n, id] of placed) byN.set(n, id)
  }
  return byN
}

type Row = Record<string, unknown>

/**
 * Reads every simulator and checks they agree: a completed order has one SAP order, one delivery
 * with goods issued and one billing document, and is shipped, fulfilled and paid; a compensated
 * one has every item rejected in SAP, no delivery or billing, and is cancelled in Shopify.
 */
export function expectSystemsAgree(
  s: SapOrderToCashBench,
  plan: SapPlan,
  byN: ReadonlyMap<number, string>,
  outputs: ReadonlyMap<string, Record<string, unknown>>,
): void {
  const exceptions = new Set<number>(Object.values(plan).flat())
  const credit = new Set<number>([...plan.creditBlocked, ...plan.creditLimit])
  const rows = (set: string): Row[] => (s.sap.entities(set) ?? []) as Row[]
  const orders = rows('A_SalesOrder')
  const items = rows('A_SalesOrderItem')
  const deliveries = rows('A_OutbDeliveryHeader')
  const deliveryItems = rows('A_OutbDeliveryItem')
  const billingItems = rows('A_BillingDocumentItem')
  for (const [n, id] of byN) {
    const reference = sapBusinessKey('shopify', id, SALES_ORDER_REFERENCE_LENGTH)
    const matching = orders.filter((o) => o.PurchaseOrderByCustomer === reference)
    expect(matching, `SAP orders of #${n}`).toHaveLength(1)
    const so = matching[0] ?? {}
    const soDeliveries = new Set(
      deliveryItems
        .filter((d) => d.ReferenceSDDocument === so.SalesOrder)
        .map((d) => d.DeliveryDocument),
    )
    const soBilling = new Set(
      billingItems.filter((b) => b.SalesDocument === so.SalesOrder).map((b) => b.BillingDocument),
    )
    const shopifyOrder = JSON.parse(s.bench.shopify.orderJson(id) ?? 'null') as Row
    const fo = s.bench.threepl.order(`SHOPIFY-O-${id}`)
    const output = outputs.get(`shopify:order:${id}`)
    if (!exceptions.has(n)) {
      expect(so).toMatchObject({ TotalCreditCheckStatus: '', OverallSDDocumentRejectionSts: 'A' })
      expect(soDeliveries.size, `deliveries of #${n}`).toBe(1)
      const delivery = deliveries.find((d) => soDeliveries.has(d.DeliveryDocument))
      expect(delivery).toMatchObject({
        OverallGoodsMovementStatus: 'C',
        OverallDelivReltdBillgStatus: 'C',
      })
      expect(soBilling.size, `billing documents of #${n}`).toBe(1)
      expect(fo?.status).toBe('shipped')
      expect(shopifyOrder).toMatchObject({
        fulfillment_status: 'fulfilled',
        financial_status: 'paid',
        cancelled_at: null,
      })
      expect(output).toMatchObject({
        outcome: 'completed',
        salesOrderId: so.SalesOrder,
        itemFulfillmentId: delivery?.DeliveryDocument,
        invoiceId: [...soBilling][0],
      })
      continue
    }
    expect(output?.cause, `cause of #${n}`).toBe(
      credit.has(n)
        ? 'erp_refused'
        : plan.warehouseRefuses.includes(n)
          ? 'warehouse_refused'
          : 'backordered',
    )
    expect(so.OverallSDDocumentRejectionSts, `rejection of #${n}`).toBe('C')
    const soItems = items.filter((i) => i.SalesOrder === so.SalesOrder)
    expect(soItems.every((i) => i.SalesDocumentRjcnReason === '10')).toBe(true)
    expect(soDeliveries.size).toBe(0)
    expect(soBilling.size).toBe(0)
    expect(shopifyOrder.cancelled_at).not.toBeNull()
    expect(shopifyOrder.financial_status).toBe('voided')
    if (credit.has(n)) {
      expect(so.TotalCreditCheckStatus).toBe('B')
      expect(fo).toBeUndefined()
    } else if (plan.warehouseRefuses.includes(n)) {
      expect(fo).toBeUndefined()
    } else {
      expect(fo?.status).toBe('cancelled')
    }
  }
  // Nothing duplicated: one order, delivery and billing document per order, nothing billed twice.
  const completed = byN.size - exceptions.size
  expect(orders).toHaveLength(byN.size)
  expect(deliveries).toHaveLength(completed)
  expect(deliveries.every((d) => d.OverallGoodsMovementStatus === 'C')).toBe(true)
  expect(rows('A_BillingDocument')).toHaveLength(completed)
  const twice = s.sap.ledger().effects.filter((e) => e.creates > 1)
  expect(twice.map((e) => `${e.recordType} ${e.businessKey} ×${e.creates}`)).toEqual([])
  expect(s.bench.shopify.fulfillments()).toHaveLength(completed)
}
