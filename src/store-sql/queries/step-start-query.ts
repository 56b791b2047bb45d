/** @module store-sql/queries/step-start-query — record that an attempt of a step began. */
import { sql, type Kysely } from 'kysely'
import type { StepStartParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { heldLease } from './run-lease-query.ts'

/** One statement: the lease check and the upsert commit together, or nothing is written. */
export async function stepStart(db: Kysely<Database>, params: StepStartParams): Promise<boolean> {
  // The idempotency key is written by the first attempt only: every retry and replay must send
  // the same key, or the target cannot recognise a repeat.
  const result = await sql<{ name: string }>`
    with ${heldLease(params)}
    insert into flow_steps (
      tenant_id, run_id, name, kind, state, attempts,
      idempotency_key, target, operation, started_at
    )
    select ${params.tenantId}, held.id, ${params.name}, ${params.kind}, 'started', 1,
           ${params.idempotencyKey}, ${params.target}, ${params.operation}, ${params.now}::bigint
    from held
    on conflict (tenant_id, run_id, name) do update
    set state = 'started',
        kind = excluded.kind,
        attempts = flow_steps.attempts + 1,
        idempotency_key = coalesce(flow_steps.idempotency_key, excluded.idempotency_key),
        target = coalesce(excluded.target, flow_steps.target),
        operation = coalesce(excluded.operation, flow_steps.operation),
        started_at = excluded.started_at,
        finished_at = null
    returning name
  `.execute(db)
  return result.rows.length > 0
}
