/** @module store-sql/queries/cross-reference-find-query — look up the sync ledger. */
import type { Kysely } from 'kysely'
import type { CrossReferenceFindParams, CrossReferenceRecord } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { mapCrossReference } from '../sql-row-mapper.ts'

export async function crossReferenceFind(
  db: Kysely<Database>,
  params: CrossReferenceFindParams,
): Promise<CrossReferenceRecord[]> {
  let query = db.selectFrom('sync_ledger').selectAll().where('tenant_id', '=', params.tenantId)
  if (params.businessKey !== undefined) query = query.where('business_key', '=', params.businessKey)
  if (params.entityType !== undefined) query = query.where('entity_type', '=', params.entityType)
  if (params.sourceSystem !== undefined) {
    query = query.where('source_system', '=', params.sourceSystem)
  }
  if (params.sourceId !== undefined) query = query.where('source_id', '=', params.sourceId)
  const rows = await query
    .orderBy('updated_at', 'desc')
    .orderBy('entity_type')
    .orderBy('source_system')
    .orderBy('source_id')
    .orderBy('target_system')
    .limit(params.limit)
    .execute()
  return rows.map(mapCrossReference)
}
