/** @module store-sql/queries/step-start-query — record that an attempt of a step began. */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { StepStartParams, StepStartResult, VersionGuard } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { heldLease } from './run-lease-query.ts'
import { stepCompletionsCte } from './step-completions-cte.ts'

/**
 * One statement: the lease check, the carried completions, the version guard and the upsert commit
 * together, or nothing is written. The guard reads the register in the statement that starts the
 * step, so no write of the entity's version can fall between the check and the start.
 */
export async function stepStart(
  db: Kysely<Database>,
  params: StepStartParams,
): Promise<StepStartResult> {
  const guard = params.guard
  // The idempotency key is written by the first attempt only: every retry and replay must send
  // the same key, or the target cannot recognise a repeat.
  const result = await sql<{ held: boolean; started: boolean; applied: string | null }>`
    with ${heldLease(params)},
    ${stepCompletionsCte(params.tenantId, params.now, params.carried ?? [])},
    applied as (${appliedVersion(params.tenantId, guard)}),
    started as (
      insert into flow_steps (
        tenant_id, run_id, name, kind, state, attempts,
        idempotency_key, target, operation, started_at
      )
      select ${params.tenantId}, held.id, ${params.name}, ${params.kind}, 'started', 1,
             ${params.idempotencyKey}, ${params.target}, ${params.operation}, ${params.now}::bigint
      from held
      where not exists (select 1 from applied where ${supersedes(guard)})
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
    )
    select exists (select 1 from held) as held,
           exists (select 1 from started) as started,
           (select version from applied)::text as applied
  `.execute(db)
  const row = result.rows[0]
  const applied = row?.applied ?? null
  return {
    held: row?.held === true,
    started: row?.started === true,
    appliedVersion: applied === null ? null : Number(applied),
  }
}

function appliedVersion(tenantId: string, guard: VersionGuard | undefined): RawBuilder<unknown> {
  if (guard === undefined) return sql`select null::bigint as version where false`
  return sql`
    select version from entity_versions
    where tenant_id = ${tenantId} and target = ${guard.target}
      and business_key = ${guard.businessKey}
  `
}

/** The same rule as the engine's `isSuperseded`: equal counts, unless re-applied on purpose. */
function supersedes(guard: VersionGuard | undefined): RawBuilder<unknown> {
  if (guard === undefined) return sql`false`
  const version = sql`${guard.version}::bigint`
  return guard.reapplyEqual ? sql`applied.version > ${version}` : sql`applied.version >= ${version}`
}
