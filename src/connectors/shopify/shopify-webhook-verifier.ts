/** @module connectors/shopify/shopify-webhook-verifier — HMAC-SHA256 check of a webhook's raw body, with secret rotation. */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { Secret } from '../../secrets/secret-value.ts'
import { validWebhookSecrets } from './shopify-spec.ts'
import type { ShopifyWebhookSecret } from './shopify-spec.ts'

const SHA256_BYTES = 32
/** Canonical padded base64, nothing else: no whitespace, no URL-safe alphabet, no missing padding. */
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

export interface ShopifyHmacInput {
  /** The body exactly as received. A re-serialised body will not verify, by design. */
  rawBody: Buffer
  /** The `X-Shopify-Hmac-Sha256` header value. */
  hmacHeader: string | undefined
  /**
   * Candidate secrets. A bare `Secret` is always a candidate; a spec entry (`{ secret, activeFrom? }`)
   * is a candidate only while valid at `now` under the rotation window.
   */
  secrets: readonly (Secret | ShopifyWebhookSecret)[]
  /** Epoch ms; needed only for spec entries. */
  now?: number
  /** Needed only for spec entries; see `ShopifyConnectionSpec.rotationWindowMs`. */
  rotationWindowMs?: number
}

export type ShopifyHmacFailure =
  /** Header absent or empty. */
  | 'missing'
  /** Header is not canonical base64 of a 32-byte digest (hex, truncated, junk). */
  | 'malformed'
  /** Well-formed, but no currently valid secret produces it. */
  | 'mismatch'
  /** No secret is valid at `now` (e.g. all are scheduled for later): a configuration problem. */
  | 'no_valid_secret'

/** Names the matching secret by its position in `secrets`, never by value. */
export type ShopifyHmacResult =
  { ok: true; secretIndex: number } | { ok: false; reason: ShopifyHmacFailure }

/** Verifies a webhook signature over the raw bytes. Call it before parsing the body. */
export function verifyShopifyHmac(input: ShopifyHmacInput): ShopifyHmacResult {
  if (!Buffer.isBuffer(input.rawBody)) {
    // A parsed or re-encoded body can never verify; failing loudly catches the wiring bug.
    throw new TypeError('verifyShopifyHmac needs the raw request body as a Buffer')
  }
  const header = input.hmacHeader?.trim() ?? ''
  if (header === '') return { ok: false, reason: 'missing' }
  if (!STRICT_BASE64.test(header)) return { ok: false, reason: 'malformed' }
  const received = Buffer.from(header, 'base64')
  // timingSafeEqual throws on a length mismatch, and a wrong length is malformed, not a mismatch.
  if (received.length !== SHA256_BYTES) return { ok: false, reason: 'malformed' }

  const candidates = candidateSecrets(input)
  if (candidates.length === 0) return { ok: false, reason: 'no_valid_secret' }
  let matched: number | undefined
  // Every candidate is checked (no early exit) so timing does not reveal which secret is current.
  for (const { index, secret } of candidates) {
    const expected = createHmac('sha256', secret.reveal()).update(input.rawBody).digest()
    if (timingSafeEqual(expected, received) && matched === undefined) matched = index
  }
  return matched === undefined
    ? { ok: false, reason: 'mismatch' }
    : { ok: true, secretIndex: matched }
}

function candidateSecrets(input: ShopifyHmacInput): { index: number; secret: Secret }[] {
  const bare: { index: number; secret: Secret }[] = []
  const entries: ShopifyWebhookSecret[] = []
  const entryIndexes: number[] = []
  input.secrets.forEach((candidate, index) => {
    if (candidate instanceof Secret) {
      bare.push({ index, secret: candidate })
    } else {
      entries.push(candidate)
      entryIndexes.push(index)
    }
  })
  if (entries.length === 0) return bare
  if (input.now === undefined || input.rotationWindowMs === undefined) {
    throw new TypeError(
      'verifyShopifyHmac needs `now` and `rotationWindowMs` to judge dated secrets',
    )
  }
  const valid = validWebhookSecrets(entries, input.now, input.rotationWindowMs).map(
    ({ index, secret }) => ({
      index: entryIndexes[index] ?? index,
      secret,
    }),
  )
  return [...bare, ...valid]
}
