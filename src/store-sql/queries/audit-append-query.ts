/** @module store-sql/queries/audit-append-query — one entry of the append-only audit log. */
import type { Kysely } from 'kysely'
import type { AuditActor, JsonValue } from '../../store/store-contract.ts'
import type { Database } from '../database-schema.ts'
import { toJsonParam } from '../sql-row-mapper.ts'

export interface AuditAppend extends AuditActor {
  tenantId: string
  at: number
  action: string
  subject: JsonValue
  outcome: string
  details: JsonValue
}

/**
 * Runs inside the audited action's transaction: if the entry cannot be written, the action rolls
 * back with it (fail closed), and an action that rolls back leaves no entry claiming it happened.
 */
export async function auditAppend(db: Kysely<Database>, entry: AuditAppend): Promise<string> {
  const row = await db
    .insertInto('audit_log')
    .values({
      tenant_id: entry.tenantId,
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      subject: toJsonParam(entry.subject) ?? 'null',
      outcome: entry.outcome,
      details: toJsonParam(entry.details) ?? 'null',
      interaction_id: entry.interactionId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return String(row.id)
}
