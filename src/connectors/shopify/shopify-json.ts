/** @module connectors/shopify/shopify-json — parses Shopify JSON without losing int64 ids or trusting its shape. */
import {
  parseUntrustedJson,
  DEFAULT_MAX_JSON_DEPTH,
  DEFAULT_MAX_JSON_VALUES,
} from '../wire/untrusted-json.ts'

export const SHOPIFY_JSON_MAX_DEPTH = DEFAULT_MAX_JSON_DEPTH
/** Values plus keys; a body above it (e.g. a 1,000,000-element array in 2 MB) is refused unparsed. */
export const SHOPIFY_JSON_MAX_VALUES = DEFAULT_MAX_JSON_VALUES
/**
 * Admin API responses answer our own authenticated calls, and one page holds up to 250 full orders
 * of hundreds of values each: webhook-sized bounds would refuse a legitimate page.
 */
export const SHOPIFY_ADMIN_JSON_MAX_VALUES = 1_000_000

/** `id`, `customer_id`, `variant_id`…: Shopify ids are int64, so they are always kept as exact strings. */
function isIdKey(key: string): boolean {
  return key === 'id' || key.endsWith('_id')
}

/**
 * Parses a Shopify body (webhook or Admin API). Integers beyond 2^53 and any number a JS number
 * cannot hold exactly become exact decimal strings; every id becomes a string, however small.
 * Throws HubError.validation for invalid UTF-8 or JSON, nesting deeper than 64, more than
 * `maxValues` values and keys (100,000 unless given), a string that is not well-formed Unicode,
 * or a `__proto__` / `constructor` / `prototype` key.
 */
export function parseShopifyJson(
  body: string | Uint8Array,
  source = 'Shopify JSON body',
  maxValues = SHOPIFY_JSON_MAX_VALUES,
): unknown {
  return parseUntrustedJson(body, {
    source,
    maxDepth: SHOPIFY_JSON_MAX_DEPTH,
    maxValues,
    // Only numbers a JS number holds exactly reach here (the rest are strings already), so String() is exact.
    transform: (key, value) => (typeof value === 'number' && isIdKey(key) ? String(value) : value),
  })
}
