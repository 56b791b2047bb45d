/** @module store/sli-params — the business SLIs the store computes from the sync ledger.
 *
 * Computed on the database, over a trailing window, so every hub process and every scrape sees the
 * same figure and a restart loses none of it (an in-memory histogram would start from zero).
 */

export interface SliSnapshotParams {
  tenantId: string
  now: number
  /** The trailing window, ms: events whose outcome fell in [now - windowMs, now]. */
  windowMs: number
  /**
   * The delivery operations that acknowledge an order in the ERP (e.g. `salesOrder.create`): the
   * end of the order propagation time, measured from the source event's time.
   */
  orderOperations: readonly string[]
  /** The delivery operations that create an invoice in the ERP (e.g. `invoice.create`). */
  invoiceOperations: readonly string[]
}

/** Nearest-rank-free (continuous) percentiles in ms, and how many samples they are over. */
export interface SliPercentiles {
  count: number
  p50Ms: number | null
  p95Ms: number | null
}

export interface SliSnapshot {
  /**
   * Source event (its `triggered_at`, else its receipt) → the ERP's acknowledgement of the order
   * (the order delivery's completion), over order deliveries completed in the window.
   */
  orderPropagation: SliPercentiles
  /** Task opened → decided (approved or rejected), over tasks decided in the window. */
  approvalLeadTime: SliPercentiles
  /**
   * Invoices the ERP was asked for in the window (distinct business keys of invoice deliveries)
   * and how many of them the ledger shows created exactly once and not failed.
   */
  invoices: { total: number; synced: number }
}
