/** @module store/audit-append-params — one audit entry a flow writes on its own (not part of another action). */
import type { JsonValue } from './store-contract.ts'
import type { AuditActor } from './store-params.ts'

export interface AuditAppendParams extends AuditActor {
  tenantId: string
  at: number
  /** e.g. `ownership.rejected`. */
  action: string
  subject: JsonValue
  outcome: string
  details: JsonValue
}
