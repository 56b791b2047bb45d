/** @module store-sql/queries/sli-snapshot-query — business SLIs over the ledger, in one round trip. */
import { sql, type Kysely } from 'kysely'
import type { SliPercentiles, SliSnapshot, SliSnapshotParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

interface SliRow {
  order_count: string
  order_p50: number | null
  order_p95: number | null
  approval_count: string
  approval_p50: number | null
  approval_p95: number | null
  invoice_total: string
  invoice_synced: string
}

const percentiles = (count: string, p50: number | null, p95: number | null): SliPercentiles => ({
  count: Number(count),
  p50Ms: p50 === null ? null : Number(p50),
  p95Ms: p95 === null ? null : Number(p95),
})

/**
 * Order propagation ends at the order delivery's completion (`finished_at`), not the run's: an
 * order-to-cash run stays open for days after the ERP took the order. An invoice counts as synced
 * when exactly one delivery step for its business key completed (a second completed one is a
 * duplicate document) and none failed; steps are matched by operation, so the figure holds for
 * any flow that creates invoices.
 */
export async function sliSnapshot(
  db: Kysely<Database>,
  params: SliSnapshotParams,
): Promise<SliSnapshot> {
  const { tenantId, now } = params
  const since = now - params.windowMs
  // An empty list must match nothing; `= any('{}')` does that without special-casing the SQL.
  const orderOps = [...params.orderOperations]
  const invoiceOps = [...params.invoiceOperations]
  const result = await sql<SliRow>`
    with orders as (
      select st.finished_at - coalesce(m.triggered_at, m.received_at) as ms
        from flow_steps st
        join flow_runs r on r.tenant_id = st.tenant_id and r.id = st.run_id
        join inbox_messages m on m.tenant_id = r.tenant_id and m.id = r.inbox_id
       where st.tenant_id = ${tenantId}
         and st.kind = 'delivery' and st.state = 'completed'
         and st.operation = any(${orderOps}::text[])
         and st.finished_at between ${since} and ${now}
    ), approvals as (
      select decided_at - created_at as ms
        from approval_tasks
       where tenant_id = ${tenantId}
         and state in ('approved', 'rejected')
         and decided_at between ${since} and ${now}
    ), invoices as (
      select r.business_key,
             count(*) filter (where st.state = 'completed') as completed,
             count(*) filter (where st.state = 'failed' or r.state = 'dead') as failed
        from flow_steps st
        join flow_runs r on r.tenant_id = st.tenant_id and r.id = st.run_id
       where st.tenant_id = ${tenantId}
         and st.kind = 'delivery'
         and st.operation = any(${invoiceOps}::text[])
         and coalesce(st.finished_at, st.started_at) between ${since} and ${now}
       group by r.business_key
    )
    select
      (select count(*) from orders) as order_count,
      (select percentile_cont(0.5) within group (order by ms) from orders) as order_p50,
      (select percentile_cont(0.95) within group (order by ms) from orders) as order_p95,
      (select count(*) from approvals) as approval_count,
      (select percentile_cont(0.5) within group (order by ms) from approvals) as approval_p50,
      (select percentile_cont(0.95) within group (order by ms) from approvals) as approval_p95,
      (select count(*) from invoices) as invoice_total,
      (select count(*) from invoices where completed = 1 and failed = 0) as invoice_synced
  `.execute(db)
  const row = result.rows[0]
  if (row === undefined) throw new Error('SLI query returned no row')
  return {
    orderPropagation: percentiles(row.order_count, row.order_p50, row.order_p95),
    approvalLeadTime: percentiles(row.approval_count, row.approval_p50, row.approval_p95),
    invoices: { total: Number(row.invoice_total), synced: Number(row.invoice_synced) },
  }
}
