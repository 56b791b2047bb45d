/** @module reconciliation/field-hash — a stable digest of an entity's comparable fields, the same whichever side computes it. */
import { createHash } from 'node:crypto'
import type { ComparableFields, RecordDigest, ReconRecord } from './reconciliation-port.ts'

/**
 * SHA-256 over the fields sorted by name, so two sides that hold the same values produce the same
 * hash however their APIs order the fields. Equal hashes mean equal fields; unequal ones only mean
 * the key needs a closer look (a difference may still be within tolerance).
 */
export function fieldHash(fields: ComparableFields): string {
  const sorted = Object.keys(fields)
    .sort()
    .map((name) => [name, fields[name] ?? null])
  return createHash('sha256').update(JSON.stringify(sorted)).digest('base64url').slice(0, 22)
}

export function digestOf(record: ReconRecord): RecordDigest {
  return { key: record.key, hash: fieldHash(record.fields) }
}
