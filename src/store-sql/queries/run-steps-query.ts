/** @module store-sql/queries/run-steps-query — steps and inbox messages of a set of runs, in two queries. */
import { sql, type Kysely } from 'kysely'
import type { InboxMessage, StepRecord } from '../../store/store-contract.ts'
import type { Database, FlowStepRow, InboxMessageRow } from '../database-schema.ts'
import { groupStepsByRun, mapInboxMessage } from '../sql-row-mapper.ts'

/** Steps of each run in the order they were first started; one query for all runs. */
export async function stepsOfRuns(
  db: Kysely<Database>,
  tenantId: string,
  runIds: string[],
): Promise<Map<string, StepRecord[]>> {
  if (runIds.length === 0) return new Map()
  const result = await sql<FlowStepRow>`
    select * from flow_steps
    where tenant_id = ${tenantId} and run_id = any(${runIds}::bigint[])
    order by run_id, started_at nulls last, name
  `.execute(db)
  return groupStepsByRun(result.rows)
}

export async function inboxMessagesById(
  db: Kysely<Database>,
  tenantId: string,
  inboxIds: string[],
): Promise<Map<string, InboxMessage>> {
  if (inboxIds.length === 0) return new Map()
  const unique = [...new Set(inboxIds)]
  const result = await sql<InboxMessageRow>`
    select * from inbox_messages
    where tenant_id = ${tenantId} and id = any(${unique}::bigint[])
  `.execute(db)
  return new Map(result.rows.map((row) => [String(row.id), mapInboxMessage(row)]))
}
