/** @module connectors/sap/sap-business-key — the hub's keys on SAP records, fitted to SAP's short reference fields. */
import { createHash } from 'node:crypto'

/** `BusinessPartnerIdByExtSystem` is CHAR 20. */
export const BUSINESS_PARTNER_KEY_LENGTH = 20
/** `PurchaseOrderByCustomer` is CHAR 35. */
export const SALES_ORDER_REFERENCE_LENGTH = 35

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/**
 * `SHOPIFY-9820982911946154508`: the source system and its id, readable, when it fits the field.
 * SAP has no idempotency key, so this key is what every create queries by; it must be stable and
 * unique per source object. When the readable form does not fit (Shopify's 19-digit customer ids
 * in a 20-character field) or holds characters a reference field should not, it becomes
 * `SHOP~` and a base32 SHA-256 digest of system and id (75 bits or more: no collision in any
 * realistic number of customers). Either way the same source object always gives the same key.
 */
export function sapBusinessKey(system: string, id: string, maxLength: number): string {
  const prefix = system.toUpperCase().replace(/[^A-Z0-9]+/g, '_')
  const readable = `${prefix}-${id}`
  if (readable.length <= maxLength && /^[\x21-\x7e]+$/.test(readable)) return readable
  const head = `${prefix.slice(0, 4)}~`
  const digest = base32(createHash('sha256').update(`${system}\n${id}`, 'utf8').digest())
  return `${head}${digest.slice(0, maxLength - head.length)}`
}

function base32(bytes: Uint8Array): string {
  let out = ''
  let buffer = 0
  let bits = 0
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte
    bits += 8
    while (bits >= 5) {
      out += BASE32[(buffer >>> (bits - 5)) & 31] ?? ''
      bits -= 5
    }
    buffer &= (1 << bits) - 1
  }
  return out
}
