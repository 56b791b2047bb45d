/** @module store-sql/queries/dead-letter-list-query — dead letters with their runs' inputs, newest first. */
import type { Kysely } from 'kysely'
import type { ErrorRecord } from '../../errors/hub-error.ts'
import type { DeadLetterListParams, DeadLetterRecord } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toMillis, toNullableMillis } from '../sql-row-mapper.ts'
import { inboxMessagesById } from './run-steps-query.ts'

export async function deadLetterList(
  db: Kysely<Database>,
  params: DeadLetterListParams,
): Promise<DeadLetterRecord[]> {
  let query = db
    .selectFrom('dead_letters as d')
    .innerJoin('flow_runs as r', (join) =>
      join.onRef('r.tenant_id', '=', 'd.tenant_id').onRef('r.id', '=', 'd.run_id'),
    )
    .selectAll('d')
    .select(['r.flow_name', 'r.business_key', 'r.inbox_id'])
    .where('d.tenant_id', '=', params.tenantId)
  if (params.includeReplayed !== true) query = query.where('d.replayed_at', 'is', null)
  if (params.beforeId !== undefined) query = query.where('d.id', '<', params.beforeId)
  const rows = await query.orderBy('d.id', 'desc').limit(params.limit).execute()

  const messages = await inboxMessagesById(
    db,
    params.tenantId,
    rows.map((row) => String(row.inbox_id)),
  )
  return rows.map((row): DeadLetterRecord => {
    const message = messages.get(String(row.inbox_id))
    if (message === undefined) {
      throw new Error(
        `dead letter ${row.id} references inbox message ${row.inbox_id}, which is missing`,
      )
    }
    return {
      id: String(row.id),
      tenantId: row.tenant_id,
      runId: String(row.run_id),
      flowName: row.flow_name,
      businessKey: row.business_key,
      reason: row.reason,
      error: row.error as ErrorRecord,
      attempts: Number(row.attempts),
      deadAt: toMillis(row.dead_at),
      replayedAt: toNullableMillis(row.replayed_at),
      enqueuedAt: toMillis(row.enqueued_at),
      correlationId: row.correlation_id,
      errorClass: row.error_class,
      message,
    }
  })
}
