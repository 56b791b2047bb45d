/** @module sandbox/netsuite/netsuite-form — fields an administrator made mandatory on a record's form (schema drift, §5 row 17). */
import { isRecordType, RECORD_TYPES } from './netsuite-record-store.ts'
import type { RecordType } from './netsuite-record-store.ts'

/**
 * In NetSuite an administrator can mark a field (usually a new custom field, `custbody…`,
 * `custentity…`) mandatory on the entry form; from then on every API write that leaves it empty
 * is refused with `USER_ERROR` "Please enter value(s) for: …", including writes an integration
 * made successfully yesterday.
 */
export class NetSuiteForms {
  readonly #mandatory = new Map<RecordType, readonly string[]>()

  /** Replaces the mandatory fields of the type's form; an empty list makes none mandatory. */
  require(type: RecordType, fields: readonly string[]): void {
    if (fields.length === 0) this.#mandatory.delete(type)
    else this.#mandatory.set(type, [...new Set(fields)])
  }

  mandatory(type: RecordType): readonly string[] {
    return this.#mandatory.get(type) ?? []
  }

  snapshot(): Partial<Record<RecordType, readonly string[]>> {
    return Object.fromEntries(this.#mandatory)
  }

  clear(): void {
    this.#mandatory.clear()
  }
}

/** `{recordType, mandatory: [...]}` from /__sim/form, or what to fix. */
export function parseFormChange(
  body: unknown,
): { ok: true; type: RecordType; fields: string[] } | { ok: false; error: string } {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (typeof fields.recordType !== 'string' || !isRecordType(fields.recordType)) {
    return { ok: false, error: `recordType must be one of ${RECORD_TYPES.join(', ')}` }
  }
  const mandatory = fields.mandatory
  if (
    !Array.isArray(mandatory) ||
    !mandatory.every((f): f is string => typeof f === 'string' && /^[A-Za-z_][\w]*$/.test(f))
  ) {
    return { ok: false, error: 'mandatory must be a list of field ids, e.g. ["custbody_approval"]' }
  }
  return { ok: true, type: fields.recordType, fields: mandatory }
}
