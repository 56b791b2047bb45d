/** @module sandbox/threepl/threepl-webhook-signer — Standard Webhooks signing: `whsec_` secrets, `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, several signatures side by side during a rotation. */

import { createHmac, randomBytes } from 'node:crypto'

export const SECRET_PREFIX = 'whsec_'

/** The spec's bounds for a symmetric key: at least 24 bytes, at most 64 (512 bits). */
const MIN_KEY_BYTES = 24
const MAX_KEY_BYTES = 64
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

export function generateSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`
}

/**
 * The key bytes of a `whsec_<base64>` secret, or null when it is not one. Strict base64 with
 * padding: verifiers (the `standardwebhooks` libraries among them) decode strictly, and a
 * secret Node's lenient decoder accepts but theirs refuses would fail every delivery.
 */
export function secretKey(secret: string): Buffer | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null
  const encoded = secret.slice(SECRET_PREFIX.length)
  if (!BASE64.test(encoded)) return null
  const key = Buffer.from(encoded, 'base64')
  return key.length >= MIN_KEY_BYTES && key.length <= MAX_KEY_BYTES ? key : null
}

/** One `v1,<signature>` over `{id}.{timestamp}.{body}`, the body as the exact bytes sent. */
export function sign(secret: string, id: string, timestampSeconds: number, body: Buffer): string {
  const key = secretKey(secret)
  if (key === null) throw new Error('not a whsec_ secret of 24 to 64 bytes')
  const mac = createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.`, 'utf8')
    .update(body)
    .digest('base64')
  return `v1,${mac}`
}

/** The `webhook-signature` header: one signature per valid secret, space-delimited, newest first. */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestampSeconds: number,
  body: Buffer,
): string {
  return secrets.map((s) => sign(s, id, timestampSeconds, body)).join(' ')
}
