/** @module test/flows/order-fulfilment-saga-kit — orders that make the fulfilment saga fail at a chosen step through the vendors' own rules, and the check of each saga against the simulators' records and ledgers. */
import type { ShopifyAdminClient } from '../../src/connectors/shopify/shopify-admin-client.ts'
import { SAGA_STEPS } from '../../src/flows/order-to-cash/order-fulfilment-saga-flow.ts'
import type { NetSuiteSimulator } from '../../src/sandbox/netsuite/netsuite-simulator.ts'
import type { ShopifySimulator } from '../../src/sandbox/shopify/shopify-simulator.ts'
import { ORDER_RECORD } from '../../src/sandbox/threepl/threepl-order-routes.ts'
import type { ThreePlSimulator } from '../../src/sandbox/threepl/threepl-simulator.ts'
import type { RunRecord, StepRecord } from '../../src/store/store-contract.ts'

/** The step that fails for good: 0 for none (the saga commits), else 1..4. */
export type FailAt = 0 | 1 | 2 | 3 | 4

/** A SKU the warehouse does not carry (its simulator stocks SKU-1..SKU-19 in the benches). */
export const SAGA_UNSTOCKED_SKU = 'SKU-20'
const DAY_MS = 86_400_000
/** How far the shop's clock moves on once the orders dated into the closed period are placed. */
export const PERIOD_JUMP_MS = 40 * DAY_MS

export interface SagaSims {
  shopify: ShopifySimulator
  netsuite: NetSuiteSimulator
  threepl: ThreePlSimulator
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

/**
 * Two NetSuite periods: the one the shop is in now, already closed (finance closed the books),
 * and the one `PERIOD_JUMP_MS` later, open. Orders placed before the shop's clock jumps are
 * invoiced into the closed one and refused (step 3); orders after it are invoiced normally.
 */
export function seedAccountingPeriods(sims: SagaSims): void {
  const now = sims.shopify.clock().epochMs
  const boundary = now + PERIOD_JUMP_MS / 2
  const period = (name: string, from: number, to: number, closed: boolean) =>
    sims.netsuite.records.put('accountingPeriod', {
      externalId: `SAGA-${name}`,
      periodName: name,
      startDate: day(from),
      endDate: day(to),
      isQuarter: false,
      isYear: false,
      closed,
      allLocked: closed,
    })
  period('Closed period', now - 10 * DAY_MS, boundary, true)
  period('Open period', boundary + DAY_MS, now + 400 * DAY_MS, false)
}

/** Moves the shop's clock into the open period: orders placed from now on can be invoiced. */
export function openInvoicingPeriod(sims: SagaSims): void {
  sims.shopify.advanceClock(PERIOD_JUMP_MS)
}

/** A Shopify customer whose NetSuite record finance put on credit hold: step 1 is refused. */
export async function heldCustomer(
  admin: ShopifyAdminClient,
  sims: SagaSims,
  n: number,
): Promise<string> {
  const email = `saga-held-${n}@example.com`
  const body = await admin.rest.call('POST', 'customers.json', {
    body: { customer: { email, first_name: 'Held', last_name: `No${n}` } },
  })
  const id = String((body?.customer as { id: unknown }).id)
  sims.netsuite.records.put('customer', {
    externalId: `SHOPIFY-C-${id}`,
    companyName: `Held Buyer ${n}`,
    email,
    creditHoldOverride: { id: 'ON' },
  })
  return id
}

/**
 * Places order `n` in Shopify so that step `failAt` is refused: a held customer (1), a SKU the
 * warehouse does not carry (2), an order dated into the closed period, i.e. placed before
 * `openInvoicingPeriod` (3), a payment authorization voided before capture (4).
 */
export async function placeSagaOrder(
  admin: ShopifyAdminClient,
  n: number,
  failAt: FailAt,
  heldCustomerId?: string,
): Promise<string> {
  const regular = { sku: `SKU-${(n % 18) + 1}`, quantity: (n % 3) + 1 }
  const email = `saga-buyer-${n}@example.com`
  const order = await admin.createOrder({
    line_items: failAt === 2 ? [regular, { sku: SAGA_UNSTOCKED_SKU, quantity: 1 }] : [regular],
    financial_status: failAt === 4 ? 'voided' : 'authorized',
    email,
    customer:
      heldCustomerId === undefined
        ? { email, first_name: 'Buyer', last_name: `No${n}` }
        : { id: heldCustomerId },
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
  return String(order.id)
}

type RunWithSteps = RunRecord & { steps: StepRecord[] }

const idOf = (ref: unknown): string | undefined =>
  typeof ref === 'object' && ref !== null ? (ref as { id?: string }).id : undefined

/**
 * Everything wrong with one saga, read from the simulators and the run's steps (empty when it is
 * right). Committed: each step's effect exactly once. Compensated at step k: the undos of steps
 * 1..k-1 in reverse order, each applied once, nothing left open in any system. The saga log (the
 * run's steps) holds one entry per step, in the states the outcome implies.
 */
export function sagaProblems(
  sims: SagaSims,
  orderId: string,
  failAt: FailAt,
  run: RunWithSteps,
): string[] {
  const problems: string[] = []
  const expect = (ok: boolean, what: string) => {
    if (!ok) problems.push(what)
  }
  const key = `SHOPIFY-O-${orderId}`
  const ns = sims.netsuite.records
  const so = ns.get('salesOrder', `eid:${key}`)
  const invoices = ns.list('invoice').filter((r) => idOf(r.fields.createdFrom) === so?.id)
  const credits = ns
    .list('creditMemo')
    .filter((r) => invoices.some((i) => i.id === idOf(r.fields.createdFrom)))
  const fo = sims.threepl.order(key)
  const shop = JSON.parse(sims.shopify.orderJson(orderId) ?? 'null') as Record<string, unknown>
  const effect = (ledger: SagaLedger, recordType: string, businessKey: string) =>
    ledger.effects.find((e) => e.recordType === recordType && e.businessKey === businessKey)
  const nsLedger = sims.netsuite.ledger()
  const soEffect = effect(nsLedger, 'salesOrder', key)
  const invoiceEffect = effect(nsLedger, 'invoice', key)
  const creditEffect = invoices[0] && effect(nsLedger, 'creditMemo', `#${invoices[0].id}`)
  const foEffect = effect(sims.threepl.ledger(), ORDER_RECORD, key)
  const captures = effect(sims.shopify.ledger(), 'transaction', orderId)
  const done = (k: number) => failAt === 0 || failAt > k
  const undone = (k: number) => failAt !== 0 && failAt > k

  expect(run.state === (failAt === 0 ? 'completed' : 'compensated'), `run is ${run.state}`)
  // Step 1: the sales order, and its undo.
  expect((soEffect?.creates ?? 0) === (done(1) ? 1 : 0), `sales order creates ${soEffect?.creates}`)
  expect((soEffect?.updates ?? 0) === (undone(1) ? 1 : 0), `sales order undos ${soEffect?.updates}`)
  const soStatus = idOf(so?.fields.orderStatus)
  expect(
    done(1) ? soStatus === (undone(1) ? 'C' : 'B') : so === undefined,
    `sales order status ${soStatus}`,
  )
  // Step 2: the warehouse request, and its cancellation.
  expect((foEffect?.creates ?? 0) === (done(2) ? 1 : 0), `3PL creates ${foEffect?.creates}`)
  expect((foEffect?.updates ?? 0) === (undone(2) ? 1 : 0), `3PL cancels ${foEffect?.updates}`)
  const foStatus = typeof fo?.status === 'string' ? fo.status : undefined
  expect(
    done(2) ? (foStatus === 'cancelled') === undone(2) : fo === undefined,
    `3PL order ${foStatus}`,
  )
  // Step 3: one invoice, taken back by one credit memo applied in full.
  expect(invoices.length === (done(3) ? 1 : 0), `${invoices.length} invoices`)
  expect((invoiceEffect?.creates ?? 0) === (done(3) ? 1 : 0), `invoice creates`)
  expect(credits.length === (undone(3) ? 1 : 0), `${credits.length} credit memos`)
  expect((creditEffect?.creates ?? 0) === (undone(3) ? 1 : 0), `credit memo creates`)
  if (undone(3)) {
    expect(invoices[0]?.fields.amountRemaining === 0, 'invoice still open after its credit')
  }
  // Step 4: the capture, once, only when the saga committed.
  expect((captures?.creates ?? 0) === (failAt === 0 ? 1 : 0), `captures ${captures?.creates}`)
  expect(
    (shop?.financial_status === 'paid') === (failAt === 0),
    `Shopify ${String(shop?.financial_status)}`,
  )
  problems.push(...sagaLogProblems(failAt, run))
  return problems.map((p) => `order ${orderId} (fail at ${failAt}): ${p}`)
}

type SagaLedger = ReturnType<NetSuiteSimulator['ledger']>

/** One step record per step, each in the state the outcome implies, the undos newest first. */
function sagaLogProblems(failAt: FailAt, run: RunWithSteps): string[] {
  const problems: string[] = []
  const names = run.steps.map((s) => s.name)
  if (new Set(names).size !== names.length) problems.push(`a step recorded twice: ${names.join()}`)
  const state = (name: string) => run.steps.find((s) => s.name === name)?.state
  const last = failAt === 0 ? SAGA_STEPS.length : failAt - 1
  SAGA_STEPS.forEach((step, i) => {
    const want = i < last ? 'completed' : i === last ? 'failed' : undefined
    if (state(step) !== want) problems.push(`step ${step} is ${state(step)}, not ${want}`)
  })
  const undos = run.steps.filter((s) => s.name.startsWith('saga/undo/'))
  const expected = SAGA_STEPS.slice(0, last)
    .map((s) => `saga/undo/${s}`)
    .reverse()
  // Newest first: each expected undo finished no earlier than the one before it.
  const finished = expected.map((name) => undos.find((s) => s.name === name)?.finishedAt ?? NaN)
  const inOrder = finished.every((at, i) => i === 0 || (finished[i - 1] ?? NaN) <= at)
  if (failAt === 0) {
    if (undos.length > 0 || state('saga/failure') !== undefined) problems.push('undos recorded')
    return problems
  }
  if (state('saga/failure') !== 'completed') problems.push('no saga/failure recorded')
  if (undos.some((s) => s.state !== 'completed')) problems.push('an undo not completed')
  if (undos.length !== expected.length || !inOrder) {
    problems.push(
      `undos ${undos.map((s) => `${s.name}@${s.finishedAt}`).join()}, not ${expected.join()}`,
    )
  }
  const output = run.output as { compensated?: { undone?: string[] } } | null
  const reported = output?.compensated?.undone ?? []
  if (reported.join() !== [...SAGA_STEPS.slice(0, last)].reverse().join()) {
    problems.push(`output says undone ${reported.join()}`)
  }
  return problems
}
