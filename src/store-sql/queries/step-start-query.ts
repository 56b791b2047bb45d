/** @module store-sql/queries/step-start-query — record that an attempt of a step began. */
import { sql, type Kysely } from 'kysely'
import type { StepStartParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { runLeaseHeld } from './run-lease-query.ts'

/** Must run inside a transaction (the lease check holds its lock until the upsert commits). */
export async function stepStart(trx: Kysely<Database>, params: StepStartParams): Promise<boolean> {
  if (!(await runLeaseHeld(trx, params))) return false
  // The idempotency key is written by the first attempt only: every retry and replay must send
  // the same key, or the target cannot recognise a repeat.
  await sql`
    insert into flow_steps (
      tenant_id, run_id, name, kind, state, attempts,
      idempotency_key, target, operation, started_at
    ) values (
      ${params.tenantId}, ${params.runId}, ${params.name}, ${params.kind}, 'started', 1,
      ${params.idempotencyKey}, ${params.target}, ${params.operation}, ${params.now}
    )
    on conflict (tenant_id, run_id, name) do update
    set state = 'started',
        kind = excluded.kind,
        attempts = flow_steps.attempts + 1,
        idempotency_key = coalesce(flow_steps.idempotency_key, excluded.idempotency_key),
        target = coalesce(excluded.target, flow_steps.target),
        operation = coalesce(excluded.operation, flow_steps.operation),
        started_at = excluded.started_at,
        finished_at = null
  `.execute(trx)
  return true
}
