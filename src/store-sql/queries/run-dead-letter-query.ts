/** @module store-sql/queries/run-dead-letter-query — park a held run for an operator. */
import { sql, type Kysely } from 'kysely'
import type { RunDeadLetterParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

/**
 * One statement, so the state change and the dead_letters row commit together or not at all. The
 * event's arrival and correlation id are copied in, so the dead letter stands on its own.
 */
export async function runDeadLetter(
  db: Kysely<Database>,
  params: RunDeadLetterParams,
): Promise<boolean> {
  const error = toJsonParam(params.error)
  const result = await sql<{ id: string }>`
    with dead as (
      update flow_runs
      set state = 'dead',
          attempt = ${params.attempt},
          last_error = ${error}::jsonb,
          updated_at = ${params.now},
          lease_owner = null,
          lease_expires_at = null
      where tenant_id = ${params.tenantId} and id = ${params.runId}
        and state = 'running' and lease_version = ${params.leaseVersion}
      returning tenant_id, id, inbox_id
    )
    insert into dead_letters (
      tenant_id, run_id, reason, error, attempts, dead_at, enqueued_at, correlation_id, error_class
    )
    select dead.tenant_id, dead.id, ${params.reason}, ${error}::jsonb, ${params.attempt}, ${params.now},
           m.received_at, m.source_message_id, ${params.error.type}
    from dead
    join inbox_messages m on m.tenant_id = dead.tenant_id and m.id = dead.inbox_id
    returning id
  `.execute(db)
  return result.rows.length > 0
}
