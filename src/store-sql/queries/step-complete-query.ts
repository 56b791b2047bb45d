/** @module store-sql/queries/step-complete-query — memoize a step's result and its cross references. */
import { sql, type Kysely } from 'kysely'
import type { CrossReference, StepCompleteParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { entityVersionRaise } from './entity-version-query.ts'
import { runLeaseHeld } from './run-lease-query.ts'

/**
 * Must run inside a transaction: the step's output and the cross references it produced are
 * written together, so the ledger never points at an effect the run does not know it made.
 */
export async function stepComplete(
  trx: Kysely<Database>,
  params: StepCompleteParams,
): Promise<boolean> {
  if (!(await runLeaseHeld(trx, params))) return false
  // A step may complete without a recorded start (local steps need no in-doubt tracking), so this
  // is an upsert that counts the producing attempt.
  await sql`
    insert into flow_steps (
      tenant_id, run_id, name, kind, state, attempts, output, started_at, finished_at
    ) values (
      ${params.tenantId}, ${params.runId}, ${params.name}, ${params.kind}, 'completed', 1,
      ${toJsonParam(params.output)}::jsonb, ${params.now}, ${params.now}
    )
    on conflict (tenant_id, run_id, name) do update
    set state = 'completed',
        kind = excluded.kind,
        output = excluded.output,
        finished_at = excluded.finished_at,
        last_error = null
  `.execute(trx)
  await crossReferencesUpsert(trx, params, params.crossReferences ?? [])
  await entityVersionRaise(trx, params)
  return true
}

async function crossReferencesUpsert(
  trx: Kysely<Database>,
  params: StepCompleteParams,
  refs: CrossReference[],
): Promise<void> {
  if (refs.length === 0) return
  // One statement cannot upsert the same key twice, and a flow may well map one object twice:
  // the last mapping wins, as it would across two steps.
  const byKey = new Map(
    refs.map((r) => [
      JSON.stringify([r.entityType, r.sourceSystem, r.sourceId, r.targetSystem]),
      r,
    ]),
  )
  const unique = [...byKey.values()]
  const column = <K extends keyof CrossReference>(key: K): string[] => unique.map((r) => r[key])
  // unnest keeps this one statement however many references a step produced. A later run that
  // maps the same source object to the same target system replaces the earlier reference.
  await sql`
    insert into sync_ledger (
      tenant_id, entity_type, business_key, source_system, source_id,
      target_system, target_id, run_id, updated_at
    )
    select ${params.tenantId}, r.entity_type, r.business_key, r.source_system, r.source_id,
           r.target_system, r.target_id, ${params.runId}, ${params.now}
    from unnest(
      ${column('entityType')}::text[], ${column('businessKey')}::text[],
      ${column('sourceSystem')}::text[], ${column('sourceId')}::text[],
      ${column('targetSystem')}::text[], ${column('targetId')}::text[]
    ) as r(entity_type, business_key, source_system, source_id, target_system, target_id)
    on conflict (tenant_id, entity_type, source_system, source_id, target_system) do update
    set business_key = excluded.business_key,
        target_id = excluded.target_id,
        run_id = excluded.run_id,
        updated_at = excluded.updated_at
  `.execute(trx)
}
