/** @module store-sql/queries/step-complete-query — memoize a step's result and its cross references. */
import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { CrossReference, StepCompleteParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'
import { heldLease } from './run-lease-query.ts'

/**
 * One statement: the step's output, the cross references it produced and the entity version it
 * applied are written together under the lease, or not at all, so the ledger never points at an
 * effect the run does not know it made.
 */
export async function stepComplete(
  db: Kysely<Database>,
  params: StepCompleteParams,
): Promise<boolean> {
  // A step may complete without a recorded start (local steps need no in-doubt tracking), so this
  // is an upsert that counts the producing attempt.
  const result = await sql<{ name: string }>`
    with ${heldLease(params)},
    refs as (${crossReferencesUpsert(params, params.crossReferences ?? [])}),
    version as (${entityVersionRaise(params)})
    insert into flow_steps (
      tenant_id, run_id, name, kind, state, attempts, output, started_at, finished_at
    )
    select ${params.tenantId}, held.id, ${params.name}, ${params.kind}, 'completed', 1,
           ${toJsonParam(params.output)}::jsonb, ${params.now}::bigint, ${params.now}::bigint
    from held
    on conflict (tenant_id, run_id, name) do update
    set state = 'completed',
        kind = excluded.kind,
        output = excluded.output,
        finished_at = excluded.finished_at,
        last_error = null
    returning name
  `.execute(db)
  return result.rows.length > 0
}

/** A statement for the `refs` CTE; writes nothing when the step produced no references. */
function crossReferencesUpsert(
  params: StepCompleteParams,
  refs: CrossReference[],
): RawBuilder<unknown> {
  if (refs.length === 0) return sql`select 1 where false`
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
  return sql`
    insert into sync_ledger (
      tenant_id, entity_type, business_key, source_system, source_id,
      target_system, target_id, run_id, updated_at
    )
    select ${params.tenantId}, r.entity_type, r.business_key, r.source_system, r.source_id,
           r.target_system, r.target_id, held.id, ${params.now}::bigint
    from held, unnest(
      ${column('entityType')}::text[], ${column('businessKey')}::text[],
      ${column('sourceSystem')}::text[], ${column('sourceId')}::text[],
      ${column('targetSystem')}::text[], ${column('targetId')}::text[]
    ) as r(entity_type, business_key, source_system, source_id, target_system, target_id)
    on conflict (tenant_id, entity_type, source_system, source_id, target_system) do update
    set business_key = excluded.business_key,
        target_id = excluded.target_id,
        run_id = excluded.run_id,
        updated_at = excluded.updated_at
  `
}

/**
 * A statement for the `version` CTE. `greatest` keeps the register monotonic even if a caller
 * skipped the guard: it never moves back, so nothing older can pass it later.
 */
function entityVersionRaise(params: StepCompleteParams): RawBuilder<unknown> {
  const entity = params.entityVersion
  if (entity === undefined) return sql`select 1 where false`
  return sql`
    insert into entity_versions (tenant_id, target, business_key, version, run_id, updated_at)
    select ${params.tenantId}, ${entity.target}, ${entity.businessKey}, ${entity.version}::bigint,
           held.id, ${params.now}::bigint
    from held
    on conflict (tenant_id, target, business_key) do update
    set version = greatest(entity_versions.version, excluded.version),
        run_id = case when excluded.version > entity_versions.version
                      then excluded.run_id else entity_versions.run_id end,
        updated_at = excluded.updated_at
  `
}
