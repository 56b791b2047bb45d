/** @module store-sql/queries/step-completions-cte — memoize step results inside a larger statement. */
import { sql, type RawBuilder } from 'kysely'
import type { CrossReference, StepCompletion } from '../../store/store-contract.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

/** One run's completions in a statement that writes for several runs at once. */
export interface RunCompletions {
  tenantId: string
  now: number
  completions: readonly StepCompletion[]
}

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
  return completionsCte([{ tenantId, now, completions }], 'single')
}

/**
 * The same three CTEs for several runs in one statement (group commit across runs): `held` has a
 * row per run still held, with its `id` and `ord`, the run's index in `runs`, and each run's
 * completions are written only with its own row. Two runs of the batch may map the same object or raise the same entity: the later run's
 * reference wins and the higher version, as they would across two statements.
 */
export function batchCompletionsCte(runs: readonly RunCompletions[]): RawBuilder<unknown> {
  return completionsCte(runs, 'batch')
}

type Join = 'single' | 'batch'

function completionsCte(runs: readonly RunCompletions[], join: Join): RawBuilder<unknown> {
  return sql`completed as (${stepsUpsert(runs, join)}),
    refs as (${crossReferencesUpsert(runs, join)}),
    version as (${entityVersionsRaise(runs, join)})`
}

/** Rows of `c` paired with their run's `held` row: the one row in a single-run statement. */
function heldJoin(join: Join): RawBuilder<unknown> {
  return join === 'single' ? sql`join held on true` : sql`join held on held.ord = c.ord`
}

function stepsUpsert(runs: readonly RunCompletions[], join: Join): RawBuilder<unknown> {
  // One statement cannot upsert a row twice: a step completed twice keeps its last result.
  const rows = runs.flatMap((run, ord) =>
    [...new Map(run.completions.map((c) => [c.name, c])).values()].map((c) => ({ run, ord, c })),
  )
  if (rows.length === 0) return sql`select null::text as name where false`
  // A step may complete without a recorded start (local steps need no in-doubt tracking), so this
  // is an upsert that counts the producing attempt. Outputs travel as JSON text (null for a null
  // output) so one array parameter carries any shape.
  return sql`
    insert into flow_steps (
      tenant_id, run_id, name, kind, state, attempts, output, started_at, finished_at
    )
    select c.tenant_id, held.id, c.name, c.kind, 'completed', 1, c.output::jsonb, c.now, c.now
    from unnest(
      ${rows.map((r) => r.run.tenantId)}::text[], ${rows.map((r) => r.ord)}::int[],
      ${rows.map((r) => String(r.run.now))}::bigint[], ${rows.map((r) => r.c.name)}::text[],
      ${rows.map((r) => r.c.kind)}::text[], ${rows.map((r) => toJsonParam(r.c.output))}::text[]
    ) as c(tenant_id, ord, now, name, kind, output)
    ${heldJoin(join)}
    on conflict (tenant_id, run_id, name) do update
    set state = 'completed',
        kind = excluded.kind,
        output = excluded.output,
        finished_at = excluded.finished_at,
        last_error = null
    returning name
  `
}

function crossReferencesUpsert(runs: readonly RunCompletions[], join: Join): RawBuilder<unknown> {
  // A flow may well map one object twice: the last mapping wins, as it would across two
  // statements. Within a run that is settled here; across runs, by `distinct on` over the runs
  // still held, so a run that lost its lease cannot hide a held run's reference.
  const rows = runs.flatMap((run, ord) => {
    const byKey = new Map<string, CrossReference>()
    for (const completion of run.completions) {
      for (const r of completion.crossReferences ?? []) {
        byKey.set(JSON.stringify([r.entityType, r.sourceSystem, r.sourceId, r.targetSystem]), r)
      }
    }
    return [...byKey.values()].map((r) => ({ run, ord, r }))
  })
  if (rows.length === 0) return sql`select 1 where false`
  const column = <K extends keyof CrossReference>(key: K): string[] => rows.map((x) => x.r[key])
  // unnest keeps this one statement however many references the steps produced. A later run that
  // maps the same source object to the same target system replaces the earlier reference. The
  // order by the key also takes the rows' locks in one order in every statement.
  return sql`
    insert into sync_ledger (
      tenant_id, entity_type, business_key, source_system, source_id,
      target_system, target_id, run_id, updated_at
    )
    select distinct on (c.tenant_id, c.entity_type, c.source_system, c.source_id, c.target_system)
           c.tenant_id, c.entity_type, c.business_key, c.source_system, c.source_id,
           c.target_system, c.target_id, held.id, c.now
    from unnest(
      ${rows.map((x) => x.run.tenantId)}::text[], ${rows.map((x) => String(x.run.now))}::bigint[],
      ${rows.map((x) => x.ord)}::int[],
      ${column('entityType')}::text[], ${column('businessKey')}::text[],
      ${column('sourceSystem')}::text[], ${column('sourceId')}::text[],
      ${column('targetSystem')}::text[], ${column('targetId')}::text[]
    ) as c(tenant_id, now, ord, entity_type, business_key, source_system, source_id,
           target_system, target_id)
    ${heldJoin(join)}
    order by c.tenant_id, c.entity_type, c.source_system, c.source_id, c.target_system, c.ord desc
    on conflict (tenant_id, entity_type, source_system, source_id, target_system) do update
    set business_key = excluded.business_key,
        target_id = excluded.target_id,
        run_id = excluded.run_id,
        updated_at = excluded.updated_at
  `
}

/**
 * `greatest` keeps the register monotonic even if a caller skipped the guard: it never moves back,
 * so nothing older can pass it later. Two steps (or runs) raising one entity send only the higher
 * version.
 */
function entityVersionsRaise(runs: readonly RunCompletions[], join: Join): RawBuilder<unknown> {
  const rows = runs.flatMap((run, ord) => {
    const byKey = new Map<string, { target: string; businessKey: string; version: number }>()
    for (const { entityVersion: entity } of run.completions) {
      if (entity === undefined) continue
      const key = JSON.stringify([entity.target, entity.businessKey])
      const seen = byKey.get(key)
      if (seen === undefined || entity.version > seen.version) byKey.set(key, entity)
    }
    return [...byKey.values()].map((e) => ({ run, ord, e }))
  })
  if (rows.length === 0) return sql`select 1 where false`
  return sql`
    insert into entity_versions (tenant_id, target, business_key, version, run_id, updated_at)
    select distinct on (c.tenant_id, c.target, c.business_key)
           c.tenant_id, c.target, c.business_key, c.version, held.id, c.now
    from unnest(
      ${rows.map((x) => x.run.tenantId)}::text[], ${rows.map((x) => x.ord)}::int[],
      ${rows.map((x) => String(x.run.now))}::bigint[], ${rows.map((x) => x.e.target)}::text[],
      ${rows.map((x) => x.e.businessKey)}::text[], ${rows.map((x) => String(x.e.version))}::bigint[]
    ) as c(tenant_id, ord, now, target, business_key, version)
    ${heldJoin(join)}
    order by c.tenant_id, c.target, c.business_key, c.version desc
    on conflict (tenant_id, target, business_key) do update
    set version = greatest(entity_versions.version, excluded.version),
        run_id = case when excluded.version > entity_versions.version
                      then excluded.run_id else entity_versions.run_id end,
        updated_at = excluded.updated_at
  `
}
