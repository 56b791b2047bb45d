/** @module store-sql/queries/audit-list-query — the audit log, newest first. */
import type { Kysely } from 'kysely'
import type { AuditListParams, AuditRecord, JsonValue } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toMillis } from '../sql-row-mapper.ts'

export async function auditList(
  db: Kysely<Database>,
  params: AuditListParams,
): Promise<AuditRecord[]> {
  let query = db.selectFrom('audit_log').selectAll().where('tenant_id', '=', params.tenantId)
  if (params.beforeId !== undefined) query = query.where('id', '<', params.beforeId)
  const rows = await query.orderBy('id', 'desc').limit(params.limit).execute()
  return rows.map((row): AuditRecord => ({
    id: String(row.id),
    tenantId: row.tenant_id,
    at: toMillis(row.at),
    actor: row.actor,
    action: row.action,
    subject: row.subject as JsonValue,
    outcome: row.outcome,
    details: row.details as JsonValue,
    interactionId: row.interaction_id,
  }))
}
