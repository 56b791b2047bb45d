/** @module store-sql/queries/entity-version-query — the per-entity version guard's register. */
import type { Kysely } from 'kysely'
import type { EntityVersionKey } from '../../store/store-contract.ts'
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
