/** @module server/hub-settlement-extract — the settlement extract: a shop's order transactions of each closed shop day, ingested once per day as the message the financial postings flow takes.
 *
 * Shopify's REST API lists transactions per order only, so the extract reads the orders updated
 * since the first day not yet extracted (a transaction bumps its order's `updated_at`) and their
 * transactions. A day goes in whole, as one message, once it is over (plus `settleAfterMs`): the
 * builder makes one journal entry per day and refuses a second, different batch under the same
 * external id. The message id is the day's, so an extract repeated (a crash before the watermark
 * was written, two hubs) is dropped by the inbox; the watermark only saves the re-reading.
 */
import type {
  ShopifyAdminClient,
  ShopifyRecord,
} from '../connectors/shopify/shopify-admin-client.ts'
import type { ShopifyOrderPaymentClient } from '../connectors/shopify/shopify-order-payment-client.ts'
import type { Clock } from '../clock/clock.ts'
import type { HubEngine } from '../engine/hub-engine.ts'
import { SETTLED_TRANSACTIONS_TOPIC } from '../flows/financial-postings/financial-postings-flow.ts'
import type { Store } from '../store/store-contract.ts'

const DAY_MS = 86_400_000
/** The widest UTC offset a shop can have: a shop day never starts earlier than UTC minus this. */
const MAX_OFFSET_MS = 14 * 3_600_000
const PAGE = 250

export interface SettlementExtractDeps {
  connection: string
  admin: Pick<ShopifyAdminClient, 'listOrders'>
  payments: Pick<ShopifyOrderPaymentClient, 'listTransactions'>
  engine: Pick<HubEngine, 'ingest'>
  store: Pick<Store, 'syncWatermarkGet' | 'syncWatermarkPut'>
  tenantId: string
  clock: Clock
  /** The first shop day to post, YYYY-MM-DD, when no watermark is stored yet. */
  startDay: string
  settleAfterMs: number
}

export interface SettlementExtractOutcome {
  /** The closed days that held transactions, each sent as one message. */
  days: string[]
  /** Those the inbox took as new (the others had been extracted before). */
  ingested: string[]
  /** The first day the next extract starts from. */
  nextDay: string
}

/** Where the connection's extract resumes; one watermark per shop connection. */
export const settlementWatermarkKey = (connection: string) => ({
  system: 'shopify',
  entityKey: `settlement-extract/${connection}`,
})

/** The message id of one shop day's extract: the same day is always the same message. */
export const settlementMessageId = (connection: string, day: string) =>
  `settlement/${connection}/${day}`

const addDays = (day: string, n: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)

/** The offset a Shopify timestamp is written with, in ms (`-05:00` → −18,000,000). */
function offsetMs(stamp: unknown): number | undefined {
  if (typeof stamp !== 'string') return undefined
  if (stamp.endsWith('Z')) return 0
  const m = /([+-])(\d\d):(\d\d)$/.exec(stamp)
  if (m === null) return undefined
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000
}

/** Runs one extract: every closed day from the watermark on, then moves the watermark past them. */
export async function extractSettlements(
  deps: SettlementExtractDeps,
  signal?: AbortSignal,
): Promise<SettlementExtractOutcome> {
  const key = { tenantId: deps.tenantId, ...settlementWatermarkKey(deps.connection) }
  const mark = await deps.store.syncWatermarkGet(key)
  const from =
    mark?.sourceVersion == null
      ? deps.startDay
      : new Date(mark.sourceVersion).toISOString().slice(0, 10)
  const orders = await ordersSince(deps.admin, from, signal)
  // The shop's zone, as Shopify writes its own timestamps: a shop day ends at its midnight.
  const offset = orders.map((o) => offsetMs(o.updated_at ?? o.created_at)).find((v) => v != null)
  if (offset === undefined) return { days: [], ingested: [], nextDay: from }
  const shopToday = new Date(deps.clock.now() - deps.settleAfterMs + offset)
    .toISOString()
    .slice(0, 10)
  const lastClosed = addDays(shopToday, -1)
  if (lastClosed < from) return { days: [], ingested: [], nextDay: from }

  const byDay = new Map<string, ShopifyRecord[]>()
  for (const order of orders) {
    for (const t of await deps.payments.listTransactions(String(order.id), signal)) {
      const day = typeof t.processed_at === 'string' ? t.processed_at.slice(0, 10) : ''
      if (day < from || day > lastClosed) continue
      byDay.set(day, [...(byDay.get(day) ?? []), t])
    }
  }
  const days = [...byDay.keys()].sort()
  const ingested: string[] = []
  for (const day of days) {
    const result = await deps.engine.ingest(
      {
        sourceSystem: 'shopify',
        sourceMessageId: settlementMessageId(deps.connection, day),
        connection: deps.connection,
        topic: SETTLED_TRANSACTIONS_TOPIC,
        payload: JSON.stringify({ transactions: byDay.get(day) }),
        headers: {},
        triggeredAt: null,
        businessKey: `settlement-${deps.connection}-${day}`,
      },
      signal === undefined ? {} : { signal },
    )
    if (result.inserted) ingested.push(day)
  }
  const nextDay = addDays(lastClosed, 1)
  await deps.store.syncWatermarkPut({
    ...key,
    contentHash: nextDay,
    fieldHashes: {},
    sourceVersion: Date.parse(`${nextDay}T00:00:00Z`),
    now: deps.clock.now(),
  })
  return { days, ingested, nextDay }
}

async function ordersSince(
  admin: SettlementExtractDeps['admin'],
  day: string,
  signal: AbortSignal | undefined,
): Promise<ShopifyRecord[]> {
  const updatedAtMin = new Date(Date.parse(`${day}T00:00:00Z`) - MAX_OFFSET_MS).toISOString()
  const orders: ShopifyRecord[] = []
  let pageInfo: string | undefined
  do {
    const page = await admin.listOrders(
      { limit: PAGE, updatedAtMin, ...(pageInfo === undefined ? {} : { pageInfo }) },
      signal,
    )
    orders.push(...page.items)
    pageInfo = page.nextPageInfo
  } while (pageInfo !== undefined)
  return orders
}
