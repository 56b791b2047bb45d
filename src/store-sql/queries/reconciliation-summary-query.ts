/** @module store-sql/queries/reconciliation-summary-query — the counts behind the reconciliation SLIs: closure and breaks by cause. */
import { sql, type Kysely } from 'kysely'
import {
  BREAK_CLASSES,
  type ReconciliationSummary,
  type ReconciliationSummaryParams,
} from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

export async function reconciliationSummary(
  db: Kysely<Database>,
  params: ReconciliationSummaryParams,
): Promise<ReconciliationSummary> {
  const scope = sql`tenant_id = ${params.tenantId} and opened_at >= ${params.since}::bigint
    ${params.domain === undefined ? sql`` : sql`and domain = ${params.domain}`}`
  const totals = await sql<{
    opened: string
    closed: string
    healed: string
    oldest: string | null
  }>`
    select count(*)::text as opened,
           count(*) filter (where state in ('healed', 'closed'))::text as closed,
           count(*) filter (where state = 'healed')::text as healed,
           min(opened_at) filter (where state not in ('healed', 'closed'))::text as oldest
    from reconciliation_breaks where ${scope}
  `.execute(db)
  const causes = await sql<{ target: string; break_class: string; cause: string; n: string }>`
    select target, break_class, cause, count(*)::text as n
    from reconciliation_breaks where ${scope}
    group by target, break_class, cause
    order by target, break_class, cause
  `.execute(db)
  const row = totals.rows[0]
  const opened = Number(row?.opened ?? 0)
  const closed = Number(row?.closed ?? 0)
  const oldest = row?.oldest ?? null
  return {
    opened,
    closed,
    healed: Number(row?.healed ?? 0),
    unresolved: opened - closed,
    oldestUnresolvedAgeMs: oldest === null ? null : Math.max(0, params.now - Number(oldest)),
    byCause: causes.rows.map((c) => {
      const breakClass = BREAK_CLASSES.find((b) => b === c.break_class)
      if (breakClass === undefined) throw new Error(`unexpected break_class '${c.break_class}'`)
      return { target: c.target, breakClass, cause: c.cause, count: Number(c.n) }
    }),
  }
}
