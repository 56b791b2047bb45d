/** @module store-sql/queries/inbox-ingest-query — store inbound messages and their runs, once.
 *
 * One statement for a whole batch: the messages and their runs are inserted by data-modifying
 * CTEs, so the batch commits atomically in a single round trip (no BEGIN/COMMIT), which is what
 * makes group commit (statement-group-commit.ts) pay: N webhooks cost one statement and one WAL flush.
 */
import { sql, type Kysely } from 'kysely'
import type { InboxIngestParams, InboxIngestResult } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { compareIds } from '../sql-row-mapper.ts'

interface IngestRow {
  kind: 'message' | 'run'
  id: string
  /** The batch position (1-based) of the message a row belongs to. */
  ord: string
}

/**
 * Stores each message unless (tenant, source system, source message id) is already stored, with
 * its runs. Results follow `batch` order. A message repeated inside the batch is stored once, by
 * its first occurrence; the later ones are answered as duplicates, as they would be one by one.
 */
export async function inboxIngestBatch(
  db: Kysely<Database>,
  batch: readonly InboxIngestParams[],
): Promise<InboxIngestResult[]> {
  if (batch.length === 0) return []
  const runOrds: number[] = []
  const runFlows: string[] = []
  const runKeys: string[] = []
  batch.forEach((params, index) => {
    for (const run of params.runs) {
      runOrds.push(index + 1)
      runFlows.push(run.flowName)
      runKeys.push(run.businessKey)
    }
  })

  const inserted = await sql<IngestRow>`
    with input as (
      select * from unnest(
        ${batch.map((p) => p.tenantId)}::text[],
        ${batch.map((p) => p.sourceSystem)}::text[],
        ${batch.map((p) => p.sourceMessageId)}::text[],
        ${batch.map((p) => p.connection)}::text[],
        ${batch.map((p) => p.topic)}::text[],
        ${batch.map((p) => p.payload)}::text[],
        ${batch.map((p) => JSON.stringify(p.headers))}::jsonb[],
        ${batch.map((p) => p.receivedAt)}::bigint[],
        ${batch.map((p) => p.triggeredAt)}::bigint[]
      ) with ordinality as i(
        tenant_id, source_system, source_message_id, connection, topic,
        payload, headers, received_at, triggered_at, ord
      )
    ),
    firsts as (
      select distinct on (tenant_id, source_system, source_message_id) *
      from input
      order by tenant_id, source_system, source_message_id, ord
    ),
    messages as (
      insert into inbox_messages (
        tenant_id, source_system, source_message_id, connection, topic,
        payload, headers, received_at, triggered_at
      )
      select tenant_id, source_system, source_message_id, connection, topic,
             payload, headers, received_at, triggered_at
      from firsts
      order by ord
      on conflict (tenant_id, source_system, source_message_id) do nothing
      returning id, tenant_id, source_system, source_message_id
    ),
    stored as (
      select m.id, f.tenant_id, f.received_at, f.ord
      from messages m
      join firsts f using (tenant_id, source_system, source_message_id)
    ),
    runs as (
      insert into flow_runs (
        tenant_id, flow_name, business_key, state, attempt, next_run_at, lease_version,
        inbox_id, created_at, updated_at
      )
      select s.tenant_id, r.flow_name, r.business_key, 'pending', 0, s.received_at, 0,
             s.id, s.received_at, s.received_at
      from unnest(
        ${runOrds}::bigint[],
        ${runFlows}::text[],
        ${runKeys}::text[]
      ) with ordinality as r(message_ord, flow_name, business_key, ordinal)
      join stored s on s.ord = r.message_ord
      order by r.ordinal
      returning id, inbox_id
    )
    select 'message' as kind, id::text as id, ord::text as ord from stored
    union all
    select 'run' as kind, r.id::text as id, s.ord::text as ord
    from runs r join stored s on s.id = r.inbox_id
  `.execute(db)

  const results: (InboxIngestResult | undefined)[] = batch.map(() => undefined)
  const runIds = new Map<number, string[]>()
  for (const row of inserted.rows) {
    const index = Number(row.ord) - 1
    if (row.kind === 'message') {
      results[index] = { inserted: true, inboxId: String(row.id), runIds: [] }
    } else {
      const ids = runIds.get(index) ?? []
      ids.push(String(row.id))
      runIds.set(index, ids)
    }
  }
  for (const [index, ids] of runIds) {
    // Ids come from one sequence in insertion order, so ascending ids follow `params.runs` order
    // (RETURNING itself promises no order).
    const result = results[index]
    if (result !== undefined) result.runIds = ids.sort(compareIds)
  }

  const duplicates = batch.flatMap((params, index) => (results[index] ? [] : [index]))
  if (duplicates.length > 0) {
    // Stored before (or earlier in this batch). The conflicting rows are committed (ON CONFLICT
    // waited for them), so a fresh READ COMMITTED statement sees them.
    const existing = await sql<{
      tenant_id: string
      source_system: string
      id: string
      key: string
    }>`
      select m.tenant_id, m.source_system, m.source_message_id as key, m.id::text as id
      from inbox_messages m
      join unnest(
        ${duplicates.map((i) => batch[i]?.tenantId ?? '')}::text[],
        ${duplicates.map((i) => batch[i]?.sourceSystem ?? '')}::text[],
        ${duplicates.map((i) => batch[i]?.sourceMessageId ?? '')}::text[]
      ) as d(tenant_id, source_system, source_message_id)
        using (tenant_id, source_system, source_message_id)
    `.execute(db)
    const byKey = new Map(
      existing.rows.map((r) => [JSON.stringify([r.tenant_id, r.source_system, r.key]), r.id]),
    )
    for (const index of duplicates) {
      const params = batch[index]
      if (params === undefined) continue
      const inboxId = byKey.get(
        JSON.stringify([params.tenantId, params.sourceSystem, params.sourceMessageId]),
      )
      if (inboxId === undefined) {
        throw new Error(
          `inbox message ${params.sourceSystem}/${params.sourceMessageId} conflicted but cannot be read`,
        )
      }
      results[index] = { inserted: false, inboxId, runIds: [] }
    }
  }
  return results.map((result, index) => {
    if (result === undefined) throw new Error(`inbox batch lost its result ${index}`)
    return result
  })
}
