/** @module store-sql/queries/step-start-query — record that attempts of steps began, for one run or many at once. */
import { sql, type Kysely } from 'kysely'
import type { StepStartParams, StepStartResult } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { batchCompletionsCte } from './step-completions-cte.ts'

/**
 * A step started again keeps its first idempotency key: every retry and replay must send the same
 * key, or the target cannot recognise a repeat.
 */
const restartOnConflict = sql`on conflict (tenant_id, run_id, name) do update
      set state = 'started',
          kind = excluded.kind,
          attempts = flow_steps.attempts + 1,
          idempotency_key = coalesce(flow_steps.idempotency_key, excluded.idempotency_key),
          target = coalesce(excluded.target, flow_steps.target),
          operation = coalesce(excluded.operation, flow_steps.operation),
          started_at = excluded.started_at,
          finished_at = null`

interface StepStartRow {
  ord: number
  held: boolean
  started: boolean
  applied: string | null
}

/**
 * One statement for every start of `batch` (group commit across runs): for each, the lease check,
 * its carried completions, its version guard and the upsert commit together, or nothing of it is
 * written. The guard reads the register in the statement that starts the step, so no write of the
 * entity's version can fall between the check and the start; a guard and another run's carried
 * raise of the same entity in one batch see the register as it was before the statement, as if
 * the start had been sent first. Results follow the batch's order.
 */
export async function stepStartBatch(
  db: Kysely<Database>,
  batch: readonly StepStartParams[],
): Promise<StepStartResult[]> {
  if (batch.length === 0) return []
  const column = <T>(pick: (p: StepStartParams) => T): T[] => batch.map(pick)
  // `held` share-locks each run's row until
  // the statement commits, so a claim cannot take a run over between its check and its writes.
  // `go` holds the starts that pass their guard, by the engine's rule (isSuperseded): an equal
  // version counts as applied, unless re-applied on purpose.
  const result = await sql<StepStartRow>`
    with input as (
      select * from unnest(
        ${column((p) => p.tenantId)}::text[], ${column((p) => p.runId)}::bigint[],
        ${column((p) => String(p.leaseVersion))}::bigint[], ${column((p) => String(p.now))}::bigint[],
        ${column((p) => p.name)}::text[], ${column((p) => p.kind)}::text[],
        ${column((p) => p.idempotencyKey)}::text[], ${column((p) => p.target)}::text[],
        ${column((p) => p.operation)}::text[], ${column((p) => p.guard?.target ?? null)}::text[],
        ${column((p) => p.guard?.businessKey ?? null)}::text[],
        ${column((p) => (p.guard === undefined ? null : String(p.guard.version)))}::bigint[],
        ${column((p) => p.guard?.reapplyEqual ?? false)}::bool[]
      ) with ordinality as u(tenant_id, run_id, lease_version, now, name, kind, idempotency_key,
                             target, operation, guard_target, guard_key, guard_version,
                             reapply_equal, n)
    ),
    held as (
      select r.id, (i.n - 1)::int as ord from flow_runs r
      join input i on r.tenant_id = i.tenant_id and r.id = i.run_id
        and r.state = 'running' and r.lease_version = i.lease_version
      for share of r
    ),
    ${batchCompletionsCte(batch.map((p) => ({ tenantId: p.tenantId, now: p.now, completions: p.carried ?? [] })))},
    applied as (
      select (i.n - 1)::int as ord, v.version from input i
      join entity_versions v on v.tenant_id = i.tenant_id and v.target = i.guard_target
        and v.business_key = i.guard_key
    ),
    go as (
      select i.*, held.id as held_id, held.ord from input i
      join held on held.ord = i.n - 1
      left join applied a on a.ord = held.ord
      where a.version is null
         or a.version < i.guard_version
         or (i.reapply_equal and a.version = i.guard_version)
    ),
    started as (
      insert into flow_steps (
        tenant_id, run_id, name, kind, state, attempts,
        idempotency_key, target, operation, started_at
      )
      select tenant_id, held_id, name, kind, 'started', 1,
             idempotency_key, target, operation, now
      from go
      ${restartOnConflict}
    )
    select (i.n - 1)::int as ord,
           exists (select 1 from held where held.ord = i.n - 1) as held,
           exists (select 1 from go where go.ord = i.n - 1) as started,
           (select version from applied a where a.ord = i.n - 1)::text as applied
    from input i
  `.execute(db)
  const byOrd = new Map(result.rows.map((row) => [Number(row.ord), row]))
  return batch.map((_, ord) => {
    const row = byOrd.get(ord)
    const applied = row?.applied ?? null
    return {
      held: row?.held === true,
      started: row?.started === true,
      appliedVersion: applied === null ? null : Number(applied),
    }
  })
}
