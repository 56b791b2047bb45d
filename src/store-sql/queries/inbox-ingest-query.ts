/** @module store-sql/queries/inbox-ingest-query — store an inbound message and its runs, once. */
import { sql, type Kysely } from 'kysely'
import type { InboxIngestParams, InboxIngestResult } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { compareIds } from '../sql-row-mapper.ts'

/** Must run inside a transaction: the message and its runs exist together or not at all. */
export async function inboxIngest(
  trx: Kysely<Database>,
  params: InboxIngestParams,
): Promise<InboxIngestResult> {
  const inserted = await sql<{ id: string }>`
    insert into inbox_messages (
      tenant_id, source_system, source_message_id, connection, topic,
      payload, headers, received_at, triggered_at
    ) values (
      ${params.tenantId}, ${params.sourceSystem}, ${params.sourceMessageId}, ${params.connection},
      ${params.topic}, ${params.payload}, ${JSON.stringify(params.headers)}::jsonb,
      ${params.receivedAt}, ${params.triggeredAt}
    )
    on conflict (tenant_id, source_system, source_message_id) do nothing
    returning id
  `.execute(trx)

  const row = inserted.rows[0]
  if (row === undefined) {
    // A duplicate delivery. The conflicting row is committed (ON CONFLICT waited for it), so a
    // fresh READ COMMITTED statement sees it.
    const existing = await sql<{ id: string }>`
      select id from inbox_messages
      where tenant_id = ${params.tenantId}
        and source_system = ${params.sourceSystem}
        and source_message_id = ${params.sourceMessageId}
    `.execute(trx)
    const found = existing.rows[0]
    if (found === undefined) {
      throw new Error(
        `inbox message ${params.sourceSystem}/${params.sourceMessageId} conflicted but cannot be read`,
      )
    }
    return { inserted: false, inboxId: String(found.id), runIds: [] }
  }

  const inboxId = String(row.id)
  if (params.runs.length === 0) return { inserted: true, inboxId, runIds: [] }

  const runs = await sql<{ id: string }>`
    insert into flow_runs (
      tenant_id, flow_name, business_key, state, attempt, next_run_at, lease_version,
      inbox_id, created_at, updated_at
    )
    select ${params.tenantId}, r.flow_name, r.business_key, 'pending', 0, ${params.receivedAt}, 0,
           ${inboxId}, ${params.receivedAt}, ${params.receivedAt}
    from unnest(
      ${params.runs.map((r) => r.flowName)}::text[],
      ${params.runs.map((r) => r.businessKey)}::text[]
    ) with ordinality as r(flow_name, business_key, ordinal)
    order by r.ordinal
    returning id
  `.execute(trx)
  // Ids come from one sequence in insertion order, so ascending ids follow `params.runs` order
  // (RETURNING itself promises no order).
  const runIds = runs.rows.map((r) => String(r.id)).sort(compareIds)
  return { inserted: true, inboxId, runIds }
}
