/** @module connectors/threepl/threepl-webhook-verifier — Standard Webhooks signature check: HMAC-SHA256 over `id.timestamp.body`, a timestamp tolerance, several secrets during a rotation. */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Secret } from '../../secrets/secret-value.ts'
import { WEBHOOK_TOLERANCE_MS, webhookSecretKey } from './threepl-spec.ts'

const SHA256_BYTES = 32
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
/** Unix seconds without leading zeros (the spec signs the number as written); at most twelve digits. */
const UNIX_SECONDS = /^(?:0|[1-9]\d{0,11})$/

export interface StandardWebhookInput {
  /** The body exactly as received. A re-serialised body will not verify, by design. */
  rawBody: Buffer
  webhookId: string | undefined
  webhookTimestamp: string | undefined
  /** `v1,<base64>`, possibly several separated by spaces (one per secret during a rotation). */
  webhookSignature: string | undefined
  /** The endpoint's `whsec_` secrets; any one of them may have signed. */
  secrets: readonly Secret[]
  /** The receiver's clock, epoch ms. */
  now: number
  /** Default 5 minutes, the spec's (and its reference libraries') tolerance. */
  toleranceMs?: number
}

export type StandardWebhookFailure =
  /** A required header is absent or empty. */
  | 'missing'
  /** The timestamp is not unix seconds, or no `v1` signature is well-formed base64 of 32 bytes. */
  | 'malformed'
  /** The timestamp is older than the tolerance: a replay, or a delivery held too long. */
  | 'too_old'
  /** The timestamp is further ahead than the tolerance: the sender's clock, or a forgery. */
  | 'too_new'
  /** Well-formed and timely, but no secret produces any of the signatures. */
  | 'mismatch'
  /** No secret is configured, or none is a valid `whsec_` secret: a configuration problem. */
  | 'no_valid_secret'

/** Names the matching secret by its position in `secrets`, never by value. */
export type StandardWebhookResult =
  | { ok: true; secretIndex: number; timestampMs: number; webhookId: string }
  | { ok: false; reason: StandardWebhookFailure }

/**
 * Verifies a Standard Webhooks delivery over the raw bytes. Call it before parsing the body. The
 * timestamp is checked first (a stale delivery is refused even when correctly signed, which is
 * what stops a captured delivery from being replayed later), then every `v1` signature against
 * every secret, without an early exit, in constant time per comparison.
 */
export function verifyStandardWebhook(input: StandardWebhookInput): StandardWebhookResult {
  if (!Buffer.isBuffer(input.rawBody)) {
    // A parsed or re-encoded body can never verify; failing loudly catches the wiring bug.
    throw new TypeError('verifyStandardWebhook needs the raw request body as a Buffer')
  }
  const id = input.webhookId?.trim() ?? ''
  const timestamp = input.webhookTimestamp?.trim() ?? ''
  const header = input.webhookSignature?.trim() ?? ''
  if (id === '' || timestamp === '' || header === '') return { ok: false, reason: 'missing' }
  if (!UNIX_SECONDS.test(timestamp)) return { ok: false, reason: 'malformed' }

  const tolerance = Math.floor((input.toleranceMs ?? WEBHOOK_TOLERANCE_MS) / 1000)
  const nowSeconds = Math.floor(input.now / 1000)
  const sentSeconds = Number(timestamp)
  if (nowSeconds - sentSeconds > tolerance) return { ok: false, reason: 'too_old' }
  if (sentSeconds - nowSeconds > tolerance) return { ok: false, reason: 'too_new' }

  const signatures = header.split(' ').flatMap((part) => {
    const comma = part.indexOf(',')
    // Other versions (`v1a`, asymmetric) are skipped, as the spec asks, not failed.
    if (comma === -1 || part.slice(0, comma) !== 'v1') return []
    const encoded = part.slice(comma + 1)
    if (!STRICT_BASE64.test(encoded)) return []
    const bytes = Buffer.from(encoded, 'base64')
    return bytes.length === SHA256_BYTES ? [bytes] : []
  })
  if (signatures.length === 0) return { ok: false, reason: 'malformed' }

  const keys = input.secrets.flatMap((secret, index) => {
    const key = webhookSecretKey(secret.reveal())
    return key === null ? [] : [{ index, key }]
  })
  if (keys.length === 0) return { ok: false, reason: 'no_valid_secret' }

  let matched: number | undefined
  for (const { index, key } of keys) {
    const expected = createHmac('sha256', key)
      .update(`${id}.${timestamp}.`, 'utf8')
      .update(input.rawBody)
      .digest()
    for (const signature of signatures) {
      if (timingSafeEqual(expected, signature) && matched === undefined) matched = index
    }
  }
  return matched === undefined
    ? { ok: false, reason: 'mismatch' }
    : { ok: true, secretIndex: matched, timestampMs: sentSeconds * 1000, webhookId: id }
}
