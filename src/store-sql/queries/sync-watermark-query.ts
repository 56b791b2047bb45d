/** @module store-sql/queries/sync-watermark-query — the echo-suppression watermarks: read one, replace one. */
import type { Kysely } from 'kysely'
import type {
  SyncWatermark,
  SyncWatermarkKey,
  SyncWatermarkPutParams,
} from '../../store/sync-watermark-params.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

export async function syncWatermarkGet(
  db: Kysely<Database>,
  params: SyncWatermarkKey,
): Promise<SyncWatermark | null> {
  const row = await db
    .selectFrom('sync_watermarks')
    .selectAll()
    .where('tenant_id', '=', params.tenantId)
    .where('system', '=', params.system)
    .where('entity_key', '=', params.entityKey)
    .executeTakeFirst()
  if (row === undefined) return null
  const hashes = row.field_hashes
  return {
    system: row.system,
    entityKey: row.entity_key,
    contentHash: row.content_hash,
    fieldHashes:
      typeof hashes === 'object' && hashes !== null ? (hashes as Record<string, string>) : {},
    sourceVersion: row.source_version === null ? null : Number(row.source_version),
    writtenAt: Number(row.written_at),
  }
}

/**
 * Replaces the entity's watermark: it describes the hub's latest write only. Runs of one entity
 * are claimed one at a time (same business key), so two writers never race for one row.
 */
export async function syncWatermarkPut(
  db: Kysely<Database>,
  params: SyncWatermarkPutParams,
): Promise<void> {
  const values = {
    content_hash: params.contentHash,
    field_hashes: toJsonParam(params.fieldHashes) ?? '{}',
    source_version: params.sourceVersion,
    written_at: params.now,
  }
  await db
    .insertInto('sync_watermarks')
    .values({
      tenant_id: params.tenantId,
      system: params.system,
      entity_key: params.entityKey,
      ...values,
    })
    .onConflict((oc) => oc.columns(['tenant_id', 'system', 'entity_key']).doUpdateSet(values))
    .execute()
}
