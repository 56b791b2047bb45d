/** @module store-sql/queries/step-completions-cte — memoize step results inside a larger statement. */
import { sql, type RawBuilder } from 'kysely'
import type { CrossReference, StepCompletion } from '../../store/store-contract.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

/**
 * Three CTEs (`completed`, `refs`, `version`) that write `completions` for the run in the CTE
 * `held`: each step's output, the cross references the steps produced and the entity versions they
 * applied, under the same lease and in the same statement as whatever the caller writes next, so
 * the ledger never points at an effect the run does not know it made. Writes nothing for an empty
 * list, or when `held` has no row.
 */
export function stepCompletionsCte(
  tenantId: string,
  now: number,
  completions: readonly StepCompletion[],
): RawBuilder<unknown> {
  return sql`completed as (${stepsUpsert(tenantId, now, completions)}),
    refs as (${crossReferencesUpsert(tenantId, now, completions)}),
    version as (${entityVersionsRaise(tenantId, now, completions)})`
}

function stepsUpsert(
  tenantId: string,
  now: number,
  completions: readonly StepCompletion[],
): RawBuilder<unknown> {
  // One statement cannot upsert a row twice: a step completed twice keeps its last result.
  const byName = new Map(completions.map((c) => [c.name, c]))
  if (byName.size === 0) return sql`select null::text as name where false`
  const unique = [...byName.values()]
  // A step may complete without a recorded start (local steps need no in-doubt tracking), so this
  // is an upsert that counts the producing attempt. Outputs travel as JSON text (null for a null
  // output) so one array parameter carries any shape.
  const names = unique.map((c) => c.name)
  const kinds = unique.map((c) => c.kind)
  const outputs = unique.map((c) => toJsonParam(c.output))
  return sql`
    insert into flow_steps (
      tenant_id, run_id, name, kind, state, attempts, output, started_at, finished_at
    )
    select ${tenantId}, held.id, c.name, c.kind, 'completed', 1, c.output::jsonb,
           ${now}::bigint, ${now}::bigint
    from held, unnest(${names}::text[], ${kinds}::text[], ${outputs}::text[])
      as c(name, kind, output)
    on conflict (tenant_id, run_id, name) do update
    set state = 'completed',
        kind = excluded.kind,
        output = excluded.output,
        finished_at = excluded.finished_at,
        last_error = null
    returning name
  `
}

function crossReferencesUpsert(
  tenantId: string,
  now: number,
  completions: readonly StepCompletion[],
): RawBuilder<unknown> {
  // One statement cannot upsert the same key twice, and a flow may well map one object twice:
  // the last mapping wins, as it would across two statements.
  const byKey = new Map<string, CrossReference>()
  for (const completion of completions) {
    for (const r of completion.crossReferences ?? []) {
      byKey.set(JSON.stringify([r.entityType, r.sourceSystem, r.sourceId, r.targetSystem]), r)
    }
  }
  const unique = [...byKey.values()]
  if (unique.length === 0) return sql`select 1 where false`
  const column = <K extends keyof CrossReference>(key: K): string[] => unique.map((r) => r[key])
  // unnest keeps this one statement however many references the steps produced. A later run that
  // maps the same source object to the same target system replaces the earlier reference.
  return sql`
    insert into sync_ledger (
      tenant_id, entity_type, business_key, source_system, source_id,
      target_system, target_id, run_id, updated_at
    )
    select ${tenantId}, r.entity_type, r.business_key, r.source_system, r.source_id,
           r.target_system, r.target_id, held.id, ${now}::bigint
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
 * `greatest` keeps the register monotonic even if a caller skipped the guard: it never moves back,
 * so nothing older can pass it later. Two steps raising one entity send only the higher version.
 */
function entityVersionsRaise(
  tenantId: string,
  now: number,
  completions: readonly StepCompletion[],
): RawBuilder<unknown> {
  const byKey = new Map<string, { target: string; businessKey: string; version: number }>()
  for (const { entityVersion: entity } of completions) {
    if (entity === undefined) continue
    const key = JSON.stringify([entity.target, entity.businessKey])
    const seen = byKey.get(key)
    if (seen === undefined || entity.version > seen.version) byKey.set(key, entity)
  }
  const raises = [...byKey.values()]
  if (raises.length === 0) return sql`select 1 where false`
  return sql`
    insert into entity_versions (tenant_id, target, business_key, version, run_id, updated_at)
    select ${tenantId}, e.target, e.business_key, e.version, held.id, ${now}::bigint
    from held, unnest(
      ${raises.map((e) => e.target)}::text[], ${raises.map((e) => e.businessKey)}::text[],
      ${raises.map((e) => String(e.version))}::bigint[]
    ) as e(target, business_key, version)
    on conflict (tenant_id, target, business_key) do update
    set version = greatest(entity_versions.version, excluded.version),
        run_id = case when excluded.version > entity_versions.version
                      then excluded.run_id else entity_versions.run_id end,
        updated_at = excluded.updated_at
  `
}
