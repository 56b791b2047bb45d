/** @module observability/business-sli-metrics — the business SLIs on /metrics, read from the ledger.
 *
 * Each scrape asks the store for one snapshot over a trailing window (see store/sli-params.ts), so
 * the figures are the database's, shared by every hub process and kept across restarts. A scrape
 * while the store is down leaves the SLI series empty (not stale) and counts the failure.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { SliPercentiles, SliSnapshot } from '../store/store-contract.ts'

export type SliCollector = () => Promise<SliSnapshot>

export interface BusinessSliOptions {
  /** The window the collector computes over, ms; exported so a dashboard can label it. */
  windowMs: number
}

const QUANTILES = [
  ['0.5', 'p50Ms'],
  ['0.95', 'p95Ms'],
] as const

export function registerBusinessSlis(
  registry: Registry,
  collect: SliCollector,
  options: BusinessSliOptions,
): void {
  const registers = [registry]
  // One read per scrape, shared by every SLI series. prom-client calls the collect() of each
  // metric in registration order when a scrape begins, so the window gauge (registered first)
  // drops the previous scrape's read and the first SLI series to ask starts this scrape's.
  let pending: Promise<SliSnapshot | null> | null = null
  let failed = 0
  const snapshot = (): Promise<SliSnapshot | null> => {
    pending ??= collect().catch(() => {
      failed += 1
      return null
    })
    return pending
  }
  new Gauge({
    name: 'syncline_sli_window_seconds',
    help: 'The trailing window the syncline_sli_* series are computed over.',
    registers,
    collect() {
      pending = null
      this.set(options.windowMs / 1000)
    },
  })
  new Counter({
    name: 'syncline_sli_collect_failures_total',
    help: 'Scrapes on which the business SLIs could not be read (the store was unreachable).',
    registers,
    // Awaits this scrape's read, so a failure is counted in the scrape that met it.
    async collect() {
      await snapshot()
      this.reset()
      this.inc(failed)
    },
  })

  const percentileGauge = (
    name: string,
    help: string,
    pick: (s: SliSnapshot) => SliPercentiles,
  ): void => {
    new Gauge({
      name: `${name}_seconds`,
      help,
      labelNames: ['quantile'] as const,
      registers,
      async collect() {
        this.reset()
        const read = await snapshot()
        if (read === null) return
        const value = pick(read)
        for (const [quantile, field] of QUANTILES) {
          const ms = value[field]
          if (ms !== null) this.set({ quantile }, ms / 1000)
        }
      },
    })
    new Gauge({
      name: `${name}_samples`,
      help: `How many samples ${name}_seconds is computed over in the window (0 also when unread: see the failure counter).`,
      registers,
      async collect() {
        this.reset()
        const read = await snapshot()
        if (read !== null) this.set(pick(read).count)
      },
    })
  }

  percentileGauge(
    'syncline_sli_order_propagation',
    'Order propagation time: source event → the ERP acknowledging the order, p50 and p95.',
    (s) => s.orderPropagation,
  )
  percentileGauge(
    'syncline_sli_approval_lead_time',
    'Approval lead time: task opened → decided, p50 and p95.',
    (s) => s.approvalLeadTime,
  )
  new Gauge({
    name: 'syncline_sli_invoice_sync_accuracy',
    help: 'Invoices created in the ERP exactly once and not failed, as a share of those asked for (0..1).',
    // `basis` says where the figure comes from (the sync ledger); it also lets the series be
    // absent when there is nothing to score, which a label-less gauge cannot be.
    labelNames: ['basis'] as const,
    registers,
    async collect() {
      this.reset()
      const read = await snapshot()
      // No invoices in the window: no figure, rather than a perfect or a zero score.
      if (read === null || read.invoices.total === 0) return
      this.set({ basis: 'ledger' }, read.invoices.synced / read.invoices.total)
    },
  })
  new Gauge({
    name: 'syncline_sli_invoices',
    help: 'Invoices the ERP was asked for in the window (distinct business keys).',
    labelNames: ['basis'] as const,
    registers,
    async collect() {
      this.reset()
      const read = await snapshot()
      if (read !== null) this.set({ basis: 'ledger' }, read.invoices.total)
    },
  })
}
