/** @module store-sql/queries/entity-version-query — the per-entity version guard's register. */
import { sql, type Kysely } from 'kysely'
import type { EntityVersionKey, StepCompleteParams } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'

export async function entityVersionGet(
  db: Kysely<Database>,
  params: EntityVersionKey & { tenantId: string },
): Promise<number | null> {
  const row = await db
    .selectFrom('entity_versions')
    .select('version')
    .where('tenant_id', '=', params.tenantId)
    .where('target', '=', params.target)
    .where('business_key', '=', params.businessKey)
    .executeTakeFirst()
  return row === undefined ? null : Number(row.version)
}

/**
 * Part of a step's completion transaction. `greatest` keeps the register monotonic even if a
 * caller skipped the guard: the register never moves back, so nothing older can pass it later.
 */
export async function entityVersionRaise(
  trx: Kysely<Database>,
  params: StepCompleteParams,
): Promise<void> {
  const entity = params.entityVersion
  if (entity === undefined) return
  await sql`
    insert into entity_versions (tenant_id, target, business_key, version, run_id, updated_at)
    values (
      ${params.tenantId}, ${entity.target}, ${entity.businessKey}, ${entity.version},
      ${params.runId}, ${params.now}
    )
    on conflict (tenant_id, target, business_key) do update
    set version = greatest(entity_versions.version, excluded.version),
        run_id = case when excluded.version > entity_versions.version
                      then excluded.run_id else entity_versions.run_id end,
        updated_at = excluded.updated_at
  `.execute(trx)
}
