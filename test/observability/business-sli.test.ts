// Proves on both stores that the business SLIs on /metrics are the figures the ledger implies: the
// test drives orders, invoices and approvals through the real engine at known times, computes each
// SLI itself from those times, and compares it with what a Prometheus scrape of the registry says.
import { Registry } from 'prom-client'
import { expect, it } from 'vitest'
import { defineFlow } from '../../src/engine/flow-definition.ts'
import type { HubEngine } from '../../src/engine/hub-engine.ts'
import { HubError } from '../../src/errors/hub-error.ts'
import { registerBusinessSlis } from '../../src/observability/business-sli-metrics.ts'
import type { SliSnapshotParams } from '../../src/store/store-contract.ts'
import { postgresForTests } from '../support/postgres-availability.ts'
import { describeOnStores, fakeTarget, SOURCE, type Bench } from '../engine/engine-test-kit.ts'

const pgUrl = await postgresForTests('business SLIs')
const HOUR = 3_600_000

/** Linear-interpolation percentile (what PostgreSQL's percentile_cont computes), written anew. */
function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  const rank = p * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const a = sorted[low] ?? NaN
  const b = sorted[high] ?? NaN
  return a + (b - a) * (rank - low)
}

/** The value of one sample line in Prometheus' text format, or undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

function flows(invoiceErp: ReturnType<typeof fakeTarget>) {
  const erp = fakeTarget('erp')
  const order = defineFlow({
    name: 'order-to-erp',
    trigger: { sourceSystem: SOURCE, topics: ['orders/create'] },
    async run(ctx) {
      return ctx.deliver('sales-order', {
        ...erp.delivery(ctx.businessKey, 'w'),
        operation: 'salesOrder.create',
      })
    },
  })
  const invoice = defineFlow({
    name: 'invoice-to-erp',
    trigger: { sourceSystem: SOURCE, topics: ['orders/paid'] },
    async run(ctx) {
      return ctx.deliver('invoice', {
        ...invoiceErp.delivery(ctx.businessKey, 'w'),
        operation: 'invoice.create',
      })
    },
  })
  const approval = defineFlow({
    name: 'customer-approval',
    trigger: { sourceSystem: SOURCE, topics: ['customers/create'] },
    async run(ctx) {
      const decision = await ctx.approval('approve', {
        title: `New customer ${ctx.businessKey}`,
        subject: null,
        assignee: 'credit-team',
        timeoutMs: 24 * HOUR,
      })
      return { decision: decision.decision }
    },
  })
  return [order, invoice, approval]
}

async function ingest(
  b: Bench,
  engine: HubEngine,
  id: string,
  topic: string,
  businessKey: string,
  triggeredAt: number | null,
): Promise<void> {
  await engine.ingest({
    sourceSystem: SOURCE,
    sourceMessageId: id,
    connection: 'demo',
    topic,
    payload: '{}',
    headers: {},
    triggeredAt,
    businessKey,
  })
}

async function drain(engine: HubEngine): Promise<void> {
  while ((await engine.runOnce()) > 0) {
    // Until nothing is due.
  }
}

const windowMs = 24 * HOUR
const sliParams = (b: Bench): SliSnapshotParams => ({
  tenantId: b.tenantId,
  now: b.clock.now(),
  windowMs,
  orderOperations: ['salesOrder.create'],
  invoiceOperations: ['invoice.create'],
})

describeOnStores('business SLIs', pgUrl, (bench) => {
  it('exports order propagation, approval lead time and invoice accuracy as the ledger implies', async () => {
    const b = bench()
    const invoiceErp = fakeTarget('erp-invoices')
    const engine = b.engine({ flows: flows(invoiceErp) })

    // Orders whose source events happened 0.2 s to 9 s before the hub acknowledged them in the ERP.
    const lags = [200, 350, 500, 800, 1_200, 2_000, 3_500, 9_000]
    for (const [i, lag] of lags.entries()) {
      await ingest(b, engine, `o-${i}`, 'orders/create', `order-${i}`, b.clock.now() - lag)
    }
    // One without a source time: measured from its receipt, which is now (0 ms).
    await ingest(b, engine, 'o-none', 'orders/create', 'order-none', null)
    await drain(engine)
    const propagation = [...lags, 0]

    // Invoices: one created once, one created twice (a second event for the same order), one
    // refused for good. One in three is in sync.
    invoiceErp.plan(
      { kind: 'ok' },
      { kind: 'ok' },
      { kind: 'ok' },
      {
        kind: 'fail',
        error: HubError.validation('The period is closed.', { status: 400 }),
      },
    )
    await ingest(b, engine, 'i-1', 'orders/paid', 'inv-1', null)
    await ingest(b, engine, 'i-2a', 'orders/paid', 'inv-2', null)
    await drain(engine)
    await ingest(b, engine, 'i-2b', 'orders/paid', 'inv-2', null)
    await drain(engine)
    await ingest(b, engine, 'i-3', 'orders/paid', 'inv-3', null)
    await drain(engine)

    // Approvals decided 10 min, 1 h and 5 h after they were opened; one still open.
    for (const id of ['c-1', 'c-2', 'c-3', 'c-4']) {
      await ingest(b, engine, id, 'customers/create', id, null)
    }
    await drain(engine)
    const tasks = await b.store.approvalList({ tenantId: b.tenantId, limit: 10 })
    expect(tasks).toHaveLength(4)
    const leadTimes = [10 * 60_000, HOUR, 5 * HOUR]
    let elapsed = 0
    for (const [i, lead] of leadTimes.entries()) {
      b.clock.advance(lead - elapsed)
      elapsed = lead
      await engine.decideApproval({
        taskId: tasks[i]?.id ?? '',
        decision: i === 1 ? 'rejected' : 'approved',
        reason: i === 1 ? 'duplicate of an existing customer' : null,
        by: 'credit@example.com',
        audit: { actor: 'test', interactionId: null },
      })
    }

    const registry = new Registry()
    registerBusinessSlis(registry, () => b.store.sliSnapshot(sliParams(b)), { windowMs })
    const text = await registry.metrics()

    const seconds = (ms: number): number => ms / 1000
    expect(sample(text, 'syncline_sli_order_propagation_samples')).toBe(propagation.length)
    expect(sample(text, 'syncline_sli_order_propagation_seconds{quantile="0.5"}')).toBeCloseTo(
      seconds(percentile(propagation, 0.5)),
      6,
    )
    expect(sample(text, 'syncline_sli_order_propagation_seconds{quantile="0.95"}')).toBeCloseTo(
      seconds(percentile(propagation, 0.95)),
      6,
    )
    expect(sample(text, 'syncline_sli_approval_lead_time_samples')).toBe(3)
    expect(sample(text, 'syncline_sli_approval_lead_time_seconds{quantile="0.5"}')).toBeCloseTo(
      seconds(percentile(leadTimes, 0.5)),
      6,
    )
    expect(sample(text, 'syncline_sli_approval_lead_time_seconds{quantile="0.95"}')).toBeCloseTo(
      seconds(percentile(leadTimes, 0.95)),
      6,
    )
    expect(invoiceErp.effects.map((e) => e.businessKey).sort()).toEqual(['inv-1', 'inv-2', 'inv-2'])
    expect(sample(text, 'syncline_sli_invoices{basis="ledger"}')).toBe(3)
    expect(sample(text, 'syncline_sli_invoice_sync_accuracy{basis="ledger"}')).toBeCloseTo(1 / 3, 9)
    expect(sample(text, 'syncline_sli_window_seconds')).toBe(windowMs / 1000)
    expect(sample(text, 'syncline_sli_collect_failures_total')).toBe(0)

    // Past the window everything ages out: no figures rather than stale ones.
    b.clock.advance(windowMs + 1)
    const later = await registry.metrics()
    expect(sample(later, 'syncline_sli_order_propagation_samples')).toBe(0)
    expect(sample(later, 'syncline_sli_order_propagation_seconds{quantile="0.5"}')).toBeUndefined()
    expect(sample(later, 'syncline_sli_invoice_sync_accuracy{basis="ledger"}')).toBeUndefined()
  })

  it('answers a scrape when the store is down: no SLI figures, one failure counted', async () => {
    const b = bench()
    const registry = new Registry()
    registerBusinessSlis(registry, () => Promise.reject(new Error('connection refused')), {
      windowMs,
    })
    const text = await registry.metrics()
    expect(sample(text, 'syncline_sli_collect_failures_total')).toBe(1)
    expect(sample(text, 'syncline_sli_order_propagation_seconds{quantile="0.5"}')).toBeUndefined()
    expect(sample(text, 'syncline_sli_invoices{basis="ledger"}')).toBeUndefined()
    // A second scrape reads again (and fails again): no read is kept between scrapes.
    expect(sample(await registry.metrics(), 'syncline_sli_collect_failures_total')).toBe(2)
    expect(b.tenantId).not.toBe('')
  })
})
